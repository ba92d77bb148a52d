"""Finding companies by name: one rule for search, imports, registration and duplicate checks.

Names are compared by their stored key (text.fold), so "Équipements Dupont", "EQUIPEMENTS DUPONT" and
"equipements  dupont" are the same company on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, func, or_

from ..errors import Refused
from ..extensions import db
from ..models import Entry, Organisation, User
from ..templating import language
from ..text import fold, like_pattern
from . import audit
from .paging import ListView, Page, one_page


def find_organisation(name: str) -> Organisation | None:
    """The company with this name, whatever its accents, case and spacing; None when there is none."""
    key = fold(name)
    if not key:
        return None
    return db.session.scalar(
        db.select(Organisation).where(Organisation.name_key == key).order_by(Organisation.id).limit(1)
    )


def organisations_by_name(names) -> dict[str, Organisation]:
    """The companies with these names, by folded name (`text.fold`), in one query; the oldest of a name wins,
    as in `find_organisation`. Names without a company are absent."""
    keys = {fold(name) for name in names} - {""}
    if not keys:
        return {}
    found: dict[str, Organisation] = {}
    for organisation in db.session.scalars(
        db.select(Organisation).where(Organisation.name_key.in_(keys)).order_by(Organisation.id)
    ):
        found.setdefault(organisation.name_key, organisation)
    return found


def entry_matches(search: str) -> ColumnElement[bool]:
    """A filter on entries (joined to their company): every word of `search` is in the title or the company's
    name, folded ("camera eclair" finds "Caméra thermique ÉCLAIR")."""
    words = fold(search).split()[:10] or [""]
    return and_(
        *(
            or_(
                Entry.title_key.like(like_pattern(w), escape="\\"),
                Organisation.name_key.like(like_pattern(w), escape="\\"),
            )
            for w in words
        )
    )


# --- the company directory ------------------------------------------------------------------------------------------

COMPANY_SORTS = ("name", "country", "stand", "users", "entries", "created")
YES_NO = ("yes", "no")


@dataclass(frozen=True)
class CompanyFilter(ListView):
    """What the organiser asked of the directory: its filters, and the sort and page (`paging.ListView`).
    "Has entered" and "drafts only" are about one edition (the page's), given to `list_companies`."""

    sort: str = "name"
    search: str = ""
    country: str = ""
    hall: str = ""
    stand: str = ""
    startup: str = ""  # "yes", "no" or "" for either
    account: str = ""
    entered: str = ""
    drafts_only: bool = False

    @classmethod
    def from_args(cls, args) -> CompanyFilter:
        def yes_no(name: str) -> str:
            value = args.get(name, "")
            return value if value in YES_NO else ""

        return cls(
            search=args.get("q", "").strip()[:100],
            country=args.get("country", "").strip().upper()[:2],
            hall=args.get("hall", "").strip()[:20],
            stand=args.get("stand", "").strip()[:20],
            startup=yes_no("startup"),
            account=yes_no("account"),
            entered=yes_no("entered"),
            drafts_only=args.get("drafts") in ("1", "on", "yes"),
            **cls.paging_from_args(args, sorts=COMPANY_SORTS, default_sort="name"),
        )

    def filter_args(self) -> dict:
        return {
            "q": self.search,
            "country": self.country,
            "hall": self.hall,
            "stand": self.stand,
            "startup": self.startup,
            "account": self.account,
            "entered": self.entered,
            "drafts": "1" if self.drafts_only else "",
        }


@dataclass(frozen=True)
class CompanyRow:
    company: Organisation
    users: int
    entries: int
    drafts: int


def _counts(edition_id: int | None):
    users = (
        db.select(func.count(User.id))
        .where(User.organisation_id == Organisation.id, User.role == "exhibitor")
        .correlate(Organisation)
        .scalar_subquery()
    )
    in_edition = Entry.edition_id == edition_id if edition_id is not None else sa.true()
    entries = (
        db.select(func.count(Entry.id))
        .where(Entry.organisation_id == Organisation.id, in_edition)
        .correlate(Organisation)
        .scalar_subquery()
    )
    drafts = (
        db.select(func.count(Entry.id))
        .where(Entry.organisation_id == Organisation.id, in_edition, Entry.status == "draft")
        .correlate(Organisation)
        .scalar_subquery()
    )
    return users, entries, drafts


def company_matches(search: str) -> ColumnElement[bool]:
    """Every word of `search` in the company's name or contact address, accents and case aside."""
    words = fold(search).split()[:10] or [""]
    return and_(
        *(
            or_(
                Organisation.name_key.like(like_pattern(w), escape="\\"),
                func.lower(Organisation.contact_email).like(like_pattern(w), escape="\\"),
            )
            for w in words
        )
    )


def list_companies(wanted: CompanyFilter, *, edition_id: int | None) -> Page:
    """One page of the directory, each company with its exhibitor accounts, entries and drafts (in the edition)."""
    users, entries, drafts = _counts(edition_id)
    query = db.select(Organisation)
    if wanted.search:
        query = query.where(company_matches(wanted.search))
    if wanted.country:
        query = query.where(Organisation.country == wanted.country)
    if wanted.hall:
        query = query.where(func.lower(Organisation.hall) == wanted.hall.lower())
    if wanted.stand:
        query = query.where(func.lower(Organisation.stand) == wanted.stand.lower())
    if wanted.startup:
        query = query.where(Organisation.is_startup.is_(wanted.startup == "yes"))
    if wanted.account:
        query = query.where(users > 0 if wanted.account == "yes" else users == 0)
    if wanted.entered:
        query = query.where(entries > 0 if wanted.entered == "yes" else entries == 0)
    if wanted.drafts_only:
        query = query.where(drafts > 0)
    total = db.session.scalar(query.with_only_columns(func.count(Organisation.id)))
    page = wanted.page_within(total)
    order = {
        "name": (Organisation.name_key,),
        "country": (Organisation.country, Organisation.name_key),
        "stand": (Organisation.hall, Organisation.stand),
        "users": (users,),
        "entries": (entries,),
        "created": (Organisation.created_at,),
    }[wanted.sort]
    ordered = query.add_columns(users, entries, drafts).order_by(*wanted.ordering(order, Organisation.id))
    rows = db.session.execute(one_page(ordered, view=wanted, page=page))
    items = [CompanyRow(company=c, users=u, entries=e, drafts=d) for c, u, e, d in rows]
    return Page(items=items, total=total, page=page, per_page=wanted.per_page)


def company_users(company: Organisation) -> list[User]:
    """Everyone attached to the company: its exhibitor accounts, and jurors it employs."""
    return list(
        db.session.scalars(db.select(User).where(User.organisation_id == company.id).order_by(User.role, User.email))
    )


COMPANY_FIELDS = ("name", "country", "hall", "stand", "is_startup", "contact_email")


def _ensure_name_free(name: str, company: Organisation | None) -> None:
    other = find_organisation(name)
    if other is not None and (company is None or other.id != company.id):
        raise Refused(
            _("Another company is already called '%(name)s': merge the two instead.", name=other.name),
            409,
            field="name",
        )


def update_company(*, actor: User, company: Organisation, values: dict) -> Organisation:
    """Edit a company's details; a name that another company already has (accents and case aside) is refused."""
    from .accounts import normalise_email

    values = dict(values)
    values["name"] = " ".join(values["name"].split())
    values["contact_email"] = normalise_email(values.get("contact_email") or "")
    values["hall"] = (values.get("hall") or "").strip()
    values["stand"] = (values.get("stand") or "").strip()
    _ensure_name_free(values["name"], company)
    before = {f: getattr(company, f) for f in COMPANY_FIELDS}
    for field in COMPANY_FIELDS:
        setattr(company, field, values[field])
    after = {f: getattr(company, f) for f in COMPANY_FIELDS}
    changed = {f for f in COMPANY_FIELDS if before[f] != after[f]}
    if changed:
        audit.record(
            actor=actor,
            action="organisation.updated",
            obj=company,
            edition_id=None,
            before={f: before[f] for f in changed},
            after={f: after[f] for f in changed},
        )
    db.session.flush()
    return company


# --- merging duplicates ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergePlan:
    """What merging `duplicate` into `survivor` moves; `problems` say why it is refused (empty: allowed)."""

    survivor: Organisation
    duplicate: Organisation
    entries: int
    users: int
    conflicts: int
    problems: tuple[str, ...]
    duplicate_name: str = ""


def plan_merge(*, survivor: Organisation, duplicate: Organisation) -> MergePlan:
    """Check a merge without changing anything: the page shows this before the organiser confirms."""
    from ..models import Assignment, Category, Conflict, Edition

    problems: list[str] = []
    if survivor.id == duplicate.id:
        problems.append(_("A company cannot be merged with itself."))
    both = (survivor.id, duplicate.id)
    # The entry limit per category holds for the merged company (withdrawn entries do not count).
    per_category = db.session.execute(
        db.select(Category, Edition, func.count(Entry.id))
        .join(Entry, Entry.category_id == Category.id)
        .join(Edition, Edition.id == Category.edition_id)
        .where(Entry.organisation_id.in_(both), Entry.status != "withdrawn")
        .group_by(Category.id, Edition.id)
    ).all()
    for category, edition, n in per_category:
        if n > edition.max_entries_per_category and survivor.id != duplicate.id:
            problems.append(
                _(
                    "Together they would have %(n)d entries in '%(category)s' (%(edition)s), over the limit of "
                    "%(limit)d: withdraw or move one first.",
                    n=n,
                    category=category.name(language()),
                    edition=edition.name,
                    limit=edition.max_entries_per_category,
                )
            )
    # A juror judging one company's entry must not end up conflicted with the merged company.
    for mine, theirs in ((survivor, duplicate), (duplicate, survivor)):
        conflicted = db.select(Conflict.juror_id).where(Conflict.organisation_id == theirs.id)
        employed = db.select(User.id).where(User.organisation_id == theirs.id)
        clashes = db.session.scalars(
            db.select(User.email)
            .join(Assignment, Assignment.juror_id == User.id)
            .join(Entry, Entry.id == Assignment.entry_id)
            .where(
                Entry.organisation_id == mine.id,
                Assignment.recused_at.is_(None),
                or_(User.id.in_(conflicted), User.id.in_(employed)),
            )
            .distinct()
        ).all()
        for email in clashes:
            problems.append(
                _(
                    "%(juror)s judges an entry of %(company)s but has a conflict with %(other)s: recuse the juror "
                    "first.",
                    juror=email,
                    company=mine.name,
                    other=theirs.name,
                )
            )
    count = lambda model, column: db.session.scalar(  # noqa: E731
        db.select(func.count(model.id)).where(column == duplicate.id)
    )
    return MergePlan(
        survivor=survivor,
        duplicate=duplicate,
        entries=count(Entry, Entry.organisation_id),
        users=count(User, User.organisation_id),
        conflicts=count(Conflict, Conflict.organisation_id),
        problems=tuple(problems),
        duplicate_name=duplicate.name,
    )


def merge_companies(*, actor: User, survivor: Organisation, duplicate: Organisation) -> MergePlan:
    """Move the duplicate's entries, accounts and declared conflicts to the survivor, fill the survivor's empty
    details from it, then delete it; recorded in the audit trail. Refused (nothing changed) when a rule would
    break: the entry limit per category, or a juror left judging a company they are conflicted with."""
    from ..models import Conflict

    plan = plan_merge(survivor=survivor, duplicate=duplicate)
    if plan.problems:
        raise Refused(" ".join(plan.problems), 409)
    kept = set(db.session.scalars(db.select(Conflict.juror_id).where(Conflict.organisation_id == survivor.id)).all())
    for conflict in db.session.scalars(db.select(Conflict).where(Conflict.organisation_id == duplicate.id)).all():
        if conflict.juror_id in kept:
            db.session.delete(conflict)  # the survivor already holds this juror's conflict
        else:
            conflict.organisation_id = survivor.id
    db.session.execute(
        sa.update(Entry).where(Entry.organisation_id == duplicate.id).values(organisation_id=survivor.id)
    )
    db.session.execute(sa.update(User).where(User.organisation_id == duplicate.id).values(organisation_id=survivor.id))
    filled = {}
    for field in ("contact_email", "hall", "stand"):
        if not getattr(survivor, field) and getattr(duplicate, field):
            filled[field] = getattr(duplicate, field)
            setattr(survivor, field, filled[field])
    if duplicate.is_startup and not survivor.is_startup:
        filled["is_startup"] = survivor.is_startup = True
    audit.record(
        actor=actor,
        action="organisation.merged",
        obj=survivor,
        edition_id=None,
        before={"duplicate": duplicate.name, "duplicate_id": duplicate.id, "contact_email": duplicate.contact_email},
        after={"entries": plan.entries, "users": plan.users, "conflicts": plan.conflicts, **filled},
    )
    db.session.flush()
    db.session.expire_all()
    db.session.delete(db.session.get(Organisation, duplicate.id))
    db.session.flush()
    return plan


def likely_duplicates(company: Organisation, limit: int = 5) -> list[Organisation]:
    """Other companies that may be the same one: a name that starts like this one's, or the same contact domain."""
    first = (company.name_key.split() or [""])[0]
    conditions = [Organisation.name_key.like(like_pattern(first)[1:], escape="\\")] if len(first) >= 3 else []
    domain = company.contact_email.rpartition("@")[2].lower()
    if domain and domain not in _PUBLIC_MAIL_DOMAINS:
        conditions.append(func.lower(Organisation.contact_email).like(f"%@{domain}"))
    if not conditions:
        return []
    return list(
        db.session.scalars(
            db.select(Organisation)
            .where(Organisation.id != company.id, or_(*conditions))
            .order_by(Organisation.name_key)
            .limit(limit)
        )
    )


_PUBLIC_MAIL_DOMAINS = frozenset({"gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "orange.fr", "free.fr"})


def invite_contact(*, actor: User, company: Organisation, name: str, email: str, language: str, link_for) -> bool:
    """The organisers invite someone into a company: an imported company's contact (its first account) or a
    colleague. The company's contact address is filled when it had none; recorded in the audit trail. Returns
    whether a link went out (False: the address already has an account, which is told by mail instead)."""
    from .accounts import invite_to_company, normalise_email

    email = normalise_email(email)
    sent = invite_to_company(
        company=company,
        inviter_name=actor.name or "Milipol Innovation Awards",
        name=name,
        email=email,
        language=language,
        link_for=link_for,
    )
    if not company.contact_email:
        company.contact_email = email
    audit.record(
        actor=actor, action="organisation.invited", obj=company, edition_id=None, after={"email": email, "sent": sent}
    )
    db.session.flush()
    return sent


def last_invitations(company: Organisation) -> dict[str, object]:
    """Address -> when the organisers last invited it into the company (from the audit trail)."""
    from ..models import AuditEvent

    events = db.session.scalars(
        db.select(AuditEvent)
        .where(
            AuditEvent.action == "organisation.invited",
            AuditEvent.object_type == "Organisation",
            AuditEvent.object_id == company.id,
        )
        .order_by(AuditEvent.at)
    )
    return {(event.after or {}).get("email", ""): event.at for event in events}
