"""What every template can use: the current user's language, date formatting, localised names."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, format_time, get_locale

from . import wording
from .domain import permissions


def language() -> str:
    return str(get_locale() or "en")


def local_datetime(value: datetime | None, tz: str = "Europe/Paris", fmt: str = "medium") -> str:
    """A stored naive-UTC datetime shown in the edition's time zone and the reader's language."""
    if value is None:
        return "—"
    aware = value.replace(tzinfo=UTC).astimezone(ZoneInfo(tz))
    local = aware.replace(tzinfo=None)
    if fmt == "medium":
        # Date and time to the minute, as people write them ("15 oct. 2026, 18:00"); seconds are noise here.
        return f"{format_date(local, 'medium')}, {format_time(local, 'short')}"
    return format_datetime(local, fmt)


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        language=language,
        method_label=wording.method_label,
        describe_flag=wording.describe_flag,
        describe_tie=wording.describe_tie,
        signoff_changes=wording.signoff_changes,
        action_label=wording.action_label,
        role_label=wording.role_label,
        status_label=wording.status_label,
        object_label=wording.object_label,
        summarise_change=wording.summarise_change,
        can_view_entry=permissions.can_view_entry,
        can_edit_entry=permissions.can_edit_entry,
        is_organiser=permissions.is_organiser,
        can_change=permissions.can_change,
    )
    app.jinja_env.filters["local_datetime"] = local_datetime
    # Scores with one decimal, percentages without: "86.7" in English, "86,7" in French.
    app.jinja_env.filters["score"] = lambda value: "—" if value is None else format_decimal(value, "0.0")
    app.jinja_env.filters["decimal2"] = lambda value: "—" if value is None else format_decimal(value, "0.00")
    app.jinja_env.filters["signed"] = lambda value: "—" if value is None else format_decimal(value, "+0.0;-0.0")
    app.jinja_env.filters["percent"] = lambda value: "—" if value is None else format_decimal(100 * value, "0")
    app.jinja_env.filters["date"] = lambda value: format_date(value) if value else "—"
