"""Pages anyone may open: the welcome page and a health check."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from .auth.forms import LanguageForm
from .editions import current_edition
from .extensions import db

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("auth.account"))
    return render_template("public/index.html", edition=current_edition(required=False))


@bp.get("/healthz")
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.app_context_processor
def _language_form():
    return {"language_form": LanguageForm}
