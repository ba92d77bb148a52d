"""Versioned static files: every URL of a file under static/ carries a digest of its content, so a new release is
never mixed with a stylesheet or script the tablet cached from the old one, and a versioned URL is cached for a
year. The one rule for the whole app: `url_for("static", ...)` adds `?v=<digest>` by itself, and the jury's scripts
(served under /jury/ for the service worker) use the same digest in their path."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request

STATIC = Path(__file__).resolve().parent / "static"
ONE_YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
_digests: dict[str, tuple[float, int, str]] = {}


def asset_version(name: str) -> str:
    """A short digest of static/<name>'s content, recomputed only when the file changes (mtime or size)."""
    path = STATIC / name
    stat = path.stat()
    known = _digests.get(name)
    if known is None or known[:2] != (stat.st_mtime, stat.st_size):
        known = (stat.st_mtime, stat.st_size, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
        _digests[name] = known
    return known[2]


def _is_static_file(name: object) -> bool:
    if not isinstance(name, str) or ".." in name.split("/"):
        return False
    path = STATIC / name
    return path.is_file() and STATIC in path.resolve().parents


def _add_version(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "v" not in values and _is_static_file(values.get("filename")):
        values["v"] = asset_version(values["filename"])


def _cache_static(response):
    """The current version of a file is kept for a year; any other URL of it (no version, an old release's) is
    revalidated at each use (a 304 when unchanged), so that it never outlives a release."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    name = (request.view_args or {}).get("filename")
    if _is_static_file(name) and request.args.get("v") == asset_version(name):
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


def register(app: Flask) -> None:
    app.url_defaults(_add_version)
    app.after_request(_cache_static)
