"""Attachment files: the type is decided by the content, never by the name, and stored under a random name."""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from .storage import LocalStorage, Storage

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


def store_upload(data: bytes, folder: str | Path | Storage) -> StoredFile:
    """Validate `data` by content and store it under a random name (in `folder`, a directory or a Storage)."""
    if not data:
        raise RejectedUpload(N_("The file is empty."))
    content_type = sniff_content_type(data)
    if content_type is None:
        raise RejectedUpload(N_("Only PDF, JPEG and PNG files are accepted; this file is none of them."))
    stored_name = secrets.token_hex(16) + ALLOWED_TYPES[content_type]
    (LocalStorage(folder) if isinstance(folder, (str, Path)) else folder).save(stored_name, data)
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


# --- tablet-size renditions ---------------------------------------------------------------------------------------

# A tablet's screen is at most about 2,400 device pixels wide: a photo beyond this long edge only costs transfer,
# memory and room in the tablet's offline budget. The original stays downloadable.
TABLET_EDGE = 1600
RENDITIONS = "renditions"
_RENDITION_FORMATS = {"image/jpeg": ("JPEG", ".jpg"), "image/png": ("PNG", ".png")}


@dataclass(frozen=True)
class Rendition:
    path: Path
    content_type: str
    size: int


def rendition_path(folder: str | Path, *, sha256: str, content_type: str) -> Path | None:
    """Where the tablet-size copy of an image with this content hash is kept (beside the uploads); None when the
    file is no image we resize."""
    if content_type not in _RENDITION_FORMATS or not re.fullmatch(r"[0-9a-f]{64}", sha256 or ""):
        return None
    return Path(folder) / RENDITIONS / f"{sha256}-{TABLET_EDGE}{_RENDITION_FORMATS[content_type][1]}"


def tablet_rendition(folder: str | Path, stored_name: str, *, sha256: str, content_type: str) -> Rendition | None:
    """The image at tablet size (long edge TABLET_EDGE px, orientation applied, metadata dropped), made once per
    content hash and kept beside the uploads; None when the original is already small enough, is no image, or
    cannot be read (the original is then served as it is)."""
    target = rendition_path(folder, sha256=sha256, content_type=content_type)
    if target is None:
        return None
    if target.exists():
        return Rendition(target, content_type, target.stat().st_size)
    try:
        with Image.open(upload_path(folder, stored_name)) as image:
            if max(image.size) <= TABLET_EDGE:
                return None
            image.draft("RGB", (TABLET_EDGE, TABLET_EDGE))  # JPEG: decode at a fraction of the size, much faster
            image = ImageOps.exif_transpose(image)
            image.thumbnail((TABLET_EDGE, TABLET_EDGE), Image.Resampling.LANCZOS)
            fmt = _RENDITION_FORMATS[content_type][0]
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, fmt, **({"quality": 85, "optimize": True} if fmt == "JPEG" else {}))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, RejectedUpload):
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{secrets.token_hex(8)}-{target.name}")
    partial.write_bytes(buffer.getvalue())
    os.replace(partial, target)  # two tablets asking at once both end with one whole file
    return Rendition(target, content_type, len(buffer.getvalue()))
