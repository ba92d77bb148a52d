"""The ceremony: who is called on stage in each category, in ceremony order, and what the press receives.

Both read the decided outcomes (`lifecycle.decided_outcomes`: the frozen deciding round of each category), so
the presenter's running order, the press kit and the public page always name the same winners and finalists.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from ..errors import Refused
from ..extensions import db
from ..models import Attachment, Edition, Entry
from . import lifecycle, rounds
from .results import joint_winner_decision

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")


@dataclass(frozen=True)
class Called:
    """An entry read out on stage or listed in the press kit."""

    entry_id: int
    title: str
    summary: str
    company: str
    country: str
    hall: str
    stand: str
    outcome: str  # lifecycle.WINNER or lifecycle.FINALIST


@dataclass(frozen=True)
class CategoryCall:
    """One category of the ceremony: its name and one-line description, its winners, the jury's reason when
    they are joint winners, then its finalists."""

    position: int
    name: str
    description: str
    winners: tuple[Called, ...]
    joint_reason: str
    finalists: tuple[Called, ...]


def one_line(text: str) -> str:
    """The first line (or sentence) of a description, for the presenter to read out."""
    first = " ".join((text or "").strip().splitlines()[:1])
    return first.strip()


def running_order(edition: Edition, language: str) -> list[CategoryCall]:
    """Every category with a decided (frozen) result, in ceremony order, with names in `language`."""
    outcomes = lifecycle.decided_outcomes(edition)
    if not outcomes:
        return []
    entries = {
        e.id: e for e in db.session.scalars(db.select(Entry).where(Entry.id.in_(list(outcomes))).order_by(Entry.title))
    }
    calls = []
    for category in sorted(edition.categories, key=lambda c: c.position):
        mine = [e for e in entries.values() if e.category_id == category.id]
        if not mine:
            continue
        won = tuple(_called(e, outcomes[e.id]) for e in mine if outcomes[e.id] == lifecycle.WINNER)
        finalists = tuple(_called(e, outcomes[e.id]) for e in mine if outcomes[e.id] == lifecycle.FINALIST)
        reason = ""
        if len(won) > 1:
            decision = joint_winner_decision(rounds.deciding_round(category))
            reason = decision.reason if decision is not None else ""
        calls.append(
            CategoryCall(
                position=category.position,
                name=category.name(language),
                description=one_line(category.description(language)),
                winners=won,
                joint_reason=reason,
                finalists=finalists,
            )
        )
    return calls


def _called(entry: Entry, outcome: str) -> Called:
    organisation = entry.organisation
    return Called(
        entry_id=entry.id,
        title=entry.title,
        summary=entry.summary,
        company=organisation.name,
        country=organisation.country,
        hall=organisation.hall,
        stand=organisation.stand,
        outcome=outcome,
    )


def ensure_press_kit_allowed(edition: Edition) -> None:
    """The press kit names winners: it exists only once the results are published."""
    if edition.results_state != "published":
        raise Refused(_("The press kit is available once the results are published."), 409)


def press_images(entry_ids) -> dict[int, list[Attachment]]:
    """Entry id -> its image attachments (PDFs and other files stay out of the press kit), in slot order."""
    found: dict[int, list[Attachment]] = {}
    ids = list(entry_ids)
    if not ids:
        return found
    for item in db.session.scalars(
        db.select(Attachment)
        .where(Attachment.entry_id.in_(ids), Attachment.content_type.in_(IMAGE_TYPES))
        .order_by(Attachment.entry_id, Attachment.slot)
    ):
        found.setdefault(item.entry_id, []).append(item)
    return found
