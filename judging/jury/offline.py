"""What the tablet keeps: the service worker (served from /jury/ so that its scope covers the scoring screens),
the jury scripts under versioned URLs cached for a year, and the offline page in the juror's language."""

from __future__ import annotations

from flask import Response, abort, render_template, send_from_directory, url_for

from ..assets import IMMUTABLE, ONE_YEAR, STATIC, asset_version
from ..storage import local_root, storage
from ..uploads import rendition_path
from .blueprint import bp

SERVICE_WORKER = STATIC / "sw.js"
# The tablet's own scripts, under /jury/ so that the jury's service worker serves them; the digest is the one of
# every static URL (judging/assets.py).
ASSETS = ("jury.js", "scorecard.js", "floor.js")


@bp.context_processor
def _jury_assets():
    return {
        "jury_asset": lambda name: url_for("jury.asset", version=asset_version(name), name=name),
        "tablet_file_size": tablet_file_size,
    }


@bp.get("/assets/<version>/<name>")
def asset(version: str, name: str):
    if name not in ASSETS or version != asset_version(name):
        abort(404)
    response = send_from_directory(STATIC, name, mimetype="application/javascript", max_age=ONE_YEAR)
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.get("/sw.js")
def service_worker():
    response = Response(SERVICE_WORKER.read_text(encoding="utf-8"), mimetype="application/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/files/<int:attachment_id>")
def attachment(attachment_id: int):
    """An entry's file under /jury/, so that the jury's service worker keeps it for the hall (same checks); a large
    image at tablet size (`?original=1` for the file as uploaded)."""
    from ..entries.routes import attachment as serve_attachment

    return serve_attachment(attachment_id, tablet_size=True)


def tablet_file_size(attachment) -> int:
    """What the tablet downloads for this file: its tablet-size rendition when one is made, else the original."""
    root = local_root(storage())  # renditions are made beside the files (judging/storage.py)
    path = rendition_path(root, sha256=attachment.sha256, content_type=attachment.content_type) if root else None
    if path is not None and path.exists():
        return path.stat().st_size
    return attachment.size


@bp.get("/offline")
def offline_page():
    """Shown by the service worker for a jury page never opened on this tablet while the hall has no signal."""
    return render_template("jury/offline.html")
