"""Attachment files: the type is decided by the content, never by the name, and stored under a random name."""

from __future__ import annotations

import hashlib
import io
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

ALLOWED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
# The only names `store_upload` ever gives: anything else (a path, "..") never comes from us.
STORED_NAME = re.compile(r"[0-9a-f]{32}\.(pdf|jpg|png)")


class RejectedUpload(ValueError):
    """The file is not one we accept; the message says why, in words the exhibitor understands (an English msgid:
    whoever shows it translates it with `gettext`, as this module has no Flask)."""


def N_(text: str) -> str:
    """Marks `text` for the catalogue without translating it here."""
    return text


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    content_type: str
    size: int
    sha256: str


def sniff_content_type(data: bytes) -> str | None:
    """PDF, JPEG or PNG by their signatures and a real parse of images; None for anything else."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                fmt = image.format
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            return None
        return {"PNG": "image/png", "JPEG": "image/jpeg"}.get(fmt)
    return None


def safe_display_name(filename: str) -> str:
    """The name shown to users: no path, no control characters, bounded length."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>')
    return (name.strip() or "attachment")[:200]


def store_upload(data: bytes, folder: str | Path) -> StoredFile:
    """Validate `data` by content and write it under a random name in `folder`."""
    if not data:
        raise RejectedUpload(N_("The file is empty."))
    content_type = sniff_content_type(data)
    if content_type is None:
        raise RejectedUpload(N_("Only PDF, JPEG and PNG files are accepted; this file is none of them."))
    stored_name = secrets.token_hex(16) + ALLOWED_TYPES[content_type]
    path = Path(folder) / stored_name
    path.write_bytes(data)
    return StoredFile(
        stored_name=stored_name, content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )


def is_stored_name(name: object) -> bool:
    return isinstance(name, str) and STORED_NAME.fullmatch(name) is not None


def upload_path(folder: str | Path, stored_name: str) -> Path:
    """The file of a stored name; a name we never gave (e.g. from a crafted backup) names no file."""
    if not is_stored_name(stored_name):
        raise RejectedUpload(N_("Not the name of a stored file."))
    return Path(folder) / stored_name
