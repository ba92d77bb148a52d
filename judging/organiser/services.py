"""Organiser writes on the edition, its categories and entries. Recorded in the audit trail."""
from __future__ import annotations

from flask_babel import gettext as _

from .. import audit
from ..errors import Refused
from ..extensions import db
from ..models import Category, Criterion, Edition, Entry, Jury, JuryMember, Round, User
from ..text import slugify
from ..transaction import commit

EDITION_FIELDS = ("name", "venue", "timezone", "show_starts_on", "show_ends_on", "entries_open_at",
                  "submission_deadline", "scoring_opens_at", "scoring_closes_at", "ceremony_at", "status",
                  "max_entries_per_category", "scoring_method")
# What a new edition copies from an older one besides its categories (dates belong to the older year).
CLONED_SETTINGS = ("venue", "timezone", "max_entries_per_category", "scoring_method", "trim", "min_scorecards")
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


def unique_slug(name: str) -> str:
    """A free slug made from the name: "Milipol Paris 2027" -> "milipol-paris-2027" (then "-2", "-3"...)."""
    base = slugify(name) or "edition"
    taken = set(db.session.scalars(db.select(Edition.slug).where(Edition.slug.like(f"{base}%"))))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def reinstate_entry(*, actor: User, entry: Entry, reason: str) -> Entry:
    """Undo a disqualification: the entry is back as it was (submitted, or a draft), the reason recorded."""
    if entry.status != "disqualified":
        raise Refused(_("Only a disqualified entry can be reinstated."), 400)  # already done, e.g. in another tab
    # Like a disqualification, bringing a submitted entry back changes the result: not while it is frozen.
    if entry.submitted_at is not None and entry.edition.results_state != "open":
        raise Refused(_("The results are frozen or published: unfreeze them (with the reason) before reinstating "
                        "this entry."), 409)
    before = {"status": entry.status, "reason": entry.disqualification_reason}
    entry.status = "submitted" if entry.submitted_at is not None else "draft"
    entry.disqualification_reason = ""
    audit.record(actor=actor, action="entry.reinstate", obj=entry, edition_id=entry.edition_id, before=before,
                 after={"status": entry.status, "reason": reason.strip()})
    commit()
    return entry


def create_edition(*, slug: str | None = None, name: str, venue: str | None = None, current: bool = False,
                   clone_from: Edition | None = None, actor: User | None = None, **values) -> Edition:
    """A new edition: a copy of `clone_from`'s categories, rounds, criteria, juries and settings, or else the six
    default categories, each with its two rounds and default criteria. `values` are Edition columns (UTC)."""
    slug = slug or unique_slug(name)
    if db.session.scalar(db.select(Edition.id).where(Edition.slug == slug)) is not None:
        raise Refused(_("An edition already uses the short name %(slug)s.", slug=slug), 409, field="slug")
    edition = Edition(slug=slug, name=name, **values)
    if clone_from is not None:
        for setting in CLONED_SETTINGS:
            if values.get(setting) is None:
                setattr(edition, setting, getattr(clone_from, setting))
    if venue is not None or clone_from is None:
        edition.venue = venue or ""
    db.session.add(edition)
    if clone_from is None:
        _add_default_categories(edition)
    else:
        _copy_categories(clone_from, edition)
    db.session.flush()
    if current:
        for other in db.session.scalars(db.select(Edition).where(Edition.is_current.is_(True), Edition.id != edition.id)):
            other.is_current = False
        db.session.flush()
        edition.is_current = True
    audit.record(actor=actor, action="edition.create", obj=edition, edition_id=edition.id,
                 after={"slug": slug, "name": name, "copied_from": clone_from.slug if clone_from else None})
    commit()
    return edition


def _add_default_categories(edition: Edition) -> None:
    from ..defaults import CATEGORIES, ROUNDS, criteria_for
    for position, spec in enumerate(CATEGORIES, start=1):
        category = Category(edition=edition, position=position, **spec)
        db.session.add(Jury(category=category))
        for round_spec in ROUNDS:
            round_ = Round(category=category, position=round_spec["position"], name=round_spec["name"],
                           name_fr=round_spec["name_fr"], on_stand=round_spec["on_stand"])
            for index, criterion in enumerate(criteria_for(spec["question_set"], final=round_spec["final"])):
                round_.criteria.append(Criterion(position=index, **criterion))
            category.rounds.append(round_)


_CATEGORY_COPY = ("code", "name_en", "name_fr", "description_en", "description_fr", "question_set", "position",
                  "jurors_per_entry")
_ROUND_COPY = ("position", "name", "name_fr", "on_stand", "jurors_per_entry", "method", "previous_round_weight",
               "slot_minutes")
_CRITERION_COPY = ("key", "position", "name_en", "name_fr", "guidance_en", "guidance_fr", "weight", "scale_min",
                   "scale_max")


def _copy(source, fields) -> dict:
    return {field: getattr(source, field) for field in fields}


def _copy_categories(source: Edition, edition: Edition) -> None:
    """Last year's categories with their rounds, criteria and weights, and each jury with its members and president."""
    juries = {j.category_id: j for j in db.session.scalars(
        db.select(Jury).join(Jury.category).where(Category.edition_id == source.id))}
    for old in source.categories:
        category = Category(edition=edition, **_copy(old, _CATEGORY_COPY))
        jury = Jury(category=category)
        db.session.add(jury)
        for member in (juries[old.id].members if old.id in juries else []):
            jury.members.append(JuryMember(user_id=member.user_id, role=member.role, is_president=member.is_president))
        for old_round in old.rounds:
            round_ = Round(**_copy(old_round, _ROUND_COPY))
            round_.criteria.extend(Criterion(**_copy(c, _CRITERION_COPY)) for c in old_round.criteria)
            category.rounds.append(round_)
