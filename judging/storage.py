"""Where the app's files live (exhibitors' attachments, restored backups): one interface for every machine.

With several app machines, a file uploaded through one must download through the others, so files never
go to a machine's own disk: they go to the storage named by STORAGE_URL (default: the UPLOAD_FOLDER
directory). Here that is a directory every machine mounts (`file:///srv/awards/uploads`, e.g. NFS);
in production it may be S3-compatible object storage, by adding a class with these four methods (keys are
flat names such as `3f2a...9c.pdf`, values bytes) and its URL scheme to `storage_for`.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app

# Flat names only: no directory, no "..", nothing a crafted name could use to leave the storage.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


class Storage(Protocol):
    """A flat store of named files, shared by every machine of the app."""

    def save(self, name: str, data: bytes) -> None:
        """Store `data` under `name`, whole or not at all (a reader never sees half a file)."""

    def read(self, name: str) -> bytes:
        """The bytes stored under `name`; FileNotFoundError when there are none."""

    def exists(self, name: str) -> bool: ...

    def delete(self, name: str) -> None:
        """Forget `name`; nothing happens when it is not there."""


class LocalStorage:
    """Files in a directory: on one machine, or on a directory all machines mount (NFS and the like)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def path(self, name: str) -> Path:
        if not NAME.fullmatch(name) or ".." in name:
            raise ValueError(f"not a storage name: {name!r}")
        return self.root / name

    def save(self, name: str, data: bytes) -> None:
        target = self.path(name)
        # Written beside, then renamed: atomic on one file system, so another machine reads all or nothing.
        partial = self.root / f".{name}.{secrets.token_hex(4)}.part"
        partial.write_bytes(data)
        os.replace(partial, target)

    def read(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)


def storage_for(url: str) -> Storage:
    """The storage a URL names: `file:///absolute/path` or a plain directory path."""
    parts = urlsplit(url)
    if parts.scheme in ("", "file"):
        return LocalStorage(unquote(parts.path) if parts.scheme else url)
    raise ValueError(
        f"STORAGE_URL {url!r}: only file:// (a directory every app machine shares) is built in; "
        "object storage needs a class of judging.storage's Storage interface for its scheme."
    )


def init_app(app: Flask) -> None:
    app.extensions["storage"] = storage_for(app.config.get("STORAGE_URL") or app.config["UPLOAD_FOLDER"])


def local_root(files: Storage) -> Path | None:
    """The directory of a storage kept in one (where tablet-size renditions are made beside the files)."""
    return getattr(files, "root", None)


def storage(folder: str | Path | None = None) -> Storage:
    """The app's storage; or, for a script or test that names one, the directory `folder`."""
    if folder is not None:
        return LocalStorage(folder)
    return current_app.extensions["storage"]
