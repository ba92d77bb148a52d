"""Organiser pages for the ceremony: the presenter's running order (a print-styled page) and the press kit."""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_babel import force_locale, gettext as _

from exports import PressEntry, PressImage, press_images_zip, press_kit_workbook

from ..domain import ceremony
from ..domain.editions import current_edition
from ..templating import language as page_language
from ..uploads import upload_path
from ..wording import LANGUAGES, translator

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

bp = Blueprint("ceremony", __name__)


def _language() -> str:
    """`?lang=fr` or `?lang=en`: the language the presenter reads in (default: the page's)."""
    wanted = request.args.get("lang")
    if wanted is not None and wanted not in LANGUAGES:
        abort(400, description=_("Exports exist in English (en) and French (fr)."))
    return wanted or page_language()


@bp.get("/ceremony/running-order")
def running_order():
    """Per category in ceremony order: description, winner(s), company, country, hall and stand, finalists;
    one category per printed page, in large type."""
    edition = current_edition()
    language = _language()
    with force_locale(language):
        calls = ceremony.running_order(edition, language)
        return render_template("organiser/running_order.html", edition=edition, calls=calls, reading_language=language)


def _press_entries(edition, language: str) -> list[PressEntry]:
    ceremony.ensure_press_kit_allowed(edition)
    calls = ceremony.running_order(edition, language)
    images = ceremony.press_images(e.entry_id for call in calls for e in (*call.winners, *call.finalists))
    folder = current_app.config["UPLOAD_FOLDER"]
    entries = []
    for call in calls:
        for called in (*call.winners, *call.finalists):
            pictures = []
            for item in images.get(called.entry_id, []):
                try:
                    pictures.append(PressImage(item.content_type, upload_path(folder, item.stored_name).read_bytes()))
                except (OSError, ValueError):
                    continue  # a file missing on disk leaves its line in the kit, without the picture
            entries.append(
                PressEntry(
                    category=call.name,
                    position=call.position,
                    outcome=called.outcome,
                    title=called.title,
                    summary=called.summary,
                    company=called.company,
                    country=called.country,
                    hall=called.hall,
                    stand=called.stand,
                    images=tuple(pictures),
                )
            )
    return entries


@bp.get("/ceremony/press-kit.xlsx")
def press_kit():
    """Winners and finalists for the press (only once the results are published)."""
    edition = current_edition()
    language = _language()
    with force_locale(language):
        entries = _press_entries(edition, language)
    data = press_kit_workbook(edition.name, entries, translator(language))
    return send_file(
        io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=f"{edition.slug}-press-kit.xlsx"
    )


@bp.get("/ceremony/press-images.zip")
def press_images():
    """The press kit's images, named by category and company (only once the results are published)."""
    edition = current_edition()
    language = _language()
    with force_locale(language):
        entries = _press_entries(edition, language)
    return send_file(
        io.BytesIO(press_images_zip(entries)),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{edition.slug}-press-images.zip",
    )
