"""The jury pages' service worker, served from /jury/ so that its scope covers the scoring screens."""
from __future__ import annotations

from pathlib import Path

from flask import Response

from .routes import bp

SERVICE_WORKER = Path(__file__).resolve().parent.parent / "static" / "sw.js"


@bp.get("/sw.js")
def service_worker():
    response = Response(SERVICE_WORKER.read_text(encoding="utf-8"), mimetype="application/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response
