"""Organiser writes on the edition, its categories and entries. Recorded in the audit trail."""
from __future__ import annotations

from flask_babel import gettext as _

from .. import audit
from ..errors import Refused
from ..extensions import db
from ..transaction import commit
from ..models import Category, Edition, Entry, User

EDITION_FIELDS = ("name", "venue", "show_starts_on", "show_ends_on", "submission_deadline", "scoring_opens_at",
                  "scoring_closes_at", "ceremony_at", "status", "max_entries_per_category", "scoring_method")
CATEGORY_FIELDS = ("name_en", "name_fr", "description_en", "description_fr", "position", "jurors_per_entry")


def _snapshot(obj, fields) -> dict:
    return {f: (v.isoformat() if hasattr(v, "isoformat") else v) for f in fields for v in [getattr(obj, f)]}


def update_edition(*, actor: User, edition: Edition, values: dict) -> Edition:
    before = _snapshot(edition, EDITION_FIELDS)
    for field in EDITION_FIELDS:
        setattr(edition, field, values[field] if values[field] is not None or field not in ("venue",) else "")
    audit.record(actor=actor, action="edition.update", obj=edition, edition_id=edition.id, before=before,
                 after=_snapshot(edition, EDITION_FIELDS))
    commit()
    return edition


def make_current(*, actor: User, edition: Edition) -> None:
    """Mark one edition current; the database allows only one."""
    for other in db.session.scalars(db.select(Edition).where(Edition.is_current.is_(True))):
        other.is_current = False
    db.session.flush()
    edition.is_current = True
    audit.record(actor=actor, action="edition.make_current", obj=edition, edition_id=edition.id)
    commit()


def update_category(*, actor: User, category: Category, values: dict) -> Category:
    before = _snapshot(category, CATEGORY_FIELDS)
    for field in CATEGORY_FIELDS:
        setattr(category, field, values[field] or ("" if field.startswith("description") else values[field]))
    audit.record(actor=actor, action="category.update", obj=category, edition_id=category.edition_id,
                 before=before, after=_snapshot(category, CATEGORY_FIELDS))
    commit()
    return category


def disqualify_entry(*, actor: User, entry: Entry, reason: str) -> Entry:
    if entry.status not in ("submitted", "draft"):
        raise Refused(_("Only a draft or submitted entry can be disqualified."), 409)
    # A disqualification changes the result: refused while it is frozen or published, so that the public page,
    # the frozen ranking and its sign-off never disagree. Unpublishing and unfreezing are recorded steps.
    if entry.status == "submitted" and entry.edition.results_state == "published":
        raise Refused(_("The results are published: unpublish them (this hides the winners page at once), then "
                        "unfreeze them, before disqualifying this entry. Publish again once the jury has signed "
                        "off the new ranking."), 409)
    if entry.status == "submitted" and entry.edition.results_state == "frozen":
        raise Refused(_("The results are frozen: unfreeze them (with the reason) before disqualifying this entry."),
                      409)
    before = {"status": entry.status, "reason": entry.disqualification_reason}
    entry.status = "disqualified"
    entry.disqualification_reason = reason.strip()
    audit.record(actor=actor, action="entry.disqualify", obj=entry, edition_id=entry.edition_id, before=before,
                 after={"status": entry.status, "reason": entry.disqualification_reason})
    commit()
    return entry


def create_edition(*, slug: str, name: str, venue: str = "", current: bool = False, **dates) -> Edition:
    """A new edition with the six default categories, each with its two rounds and default criteria."""
    from ..defaults import CATEGORIES, ROUNDS, criteria_for
    from ..models import Criterion, Jury, Round
    edition = Edition(slug=slug, name=name, venue=venue, **dates)
    db.session.add(edition)
    for position, spec in enumerate(CATEGORIES, start=1):
        category = Category(edition=edition, position=position, **spec)
        db.session.add(Jury(category=category))
        for round_spec in ROUNDS:
            round_ = Round(category=category, position=round_spec["position"], name=round_spec["name"],
                           name_fr=round_spec["name_fr"], on_stand=round_spec["on_stand"])
            for index, criterion in enumerate(criteria_for(spec["question_set"], final=round_spec["final"])):
                round_.criteria.append(Criterion(position=index, **criterion))
            category.rounds.append(round_)
    db.session.flush()
    if current:
        for other in db.session.scalars(db.select(Edition).where(Edition.is_current.is_(True), Edition.id != edition.id)):
            other.is_current = False
        db.session.flush()
        edition.is_current = True
    commit()
    return edition
