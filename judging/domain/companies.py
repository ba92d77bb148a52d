"""Companies and their contacts kept in step with an outside exhibitor system (the API's import).

A company is matched by its name the way every other part of the app matches it (`organisations.find_organisation`:
accents, case and spacing aside); a contact by e-mail. A contact becomes an exhibitor account of that company with
no password: the person sets one with "Forgot your password?" (or an invitation from a colleague). An address that
already belongs to a juror, an organiser or another company's contact is refused, never moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from ..errors import Refused
from ..extensions import db
from ..models import Organisation, User
from . import audit
from .accounts import normalise_email
from .organisations import find_organisation

COMPANY_FIELDS = ("name", "country", "hall", "stand", "is_startup", "contact_email")


@dataclass
class ImportResult:
    created: list[Organisation] = field(default_factory=list)
    updated: list[Organisation] = field(default_factory=list)
    unchanged: list[Organisation] = field(default_factory=list)


def _snapshot(company: Organisation) -> dict:
    return {name: getattr(company, name) for name in COMPANY_FIELDS}


def contacts_of(company: Organisation) -> list[User]:
    """The company's exhibitor contacts (a juror employed by the company is never one of them)."""
    return list(
        db.session.scalars(
            db.select(User).where(User.organisation_id == company.id, User.role == "exhibitor").order_by(User.email)
        )
    )


def _set_contacts(company: Organisation, contacts: list[dict]) -> list[str]:
    added = []
    for contact in contacts:
        email = normalise_email(contact["email"])
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                name=(contact.get("name") or "").strip(),
                role="exhibitor",
                language=contact.get("language") or "en",
                organisation=company,
            )
            db.session.add(user)
            added.append(email)
        elif user.role != "exhibitor" or (user.organisation_id not in (None, company.id)):
            raise Refused(
                _("%(email)s already has an account that is not a contact of this company.", email=email), 409
            )
        else:
            if user.organisation_id is None:
                user.organisation = company
                added.append(email)
            if contact.get("name"):
                user.name = contact["name"].strip()
    return added


def upsert_company(*, actor: User | None, values: dict, result: ImportResult | None = None) -> Organisation:
    """Create the company, or update the one with the same name; its listed contacts are added (never removed)."""
    result = result if result is not None else ImportResult()
    company = find_organisation(values["name"])
    before = _snapshot(company) if company is not None else None
    if company is None:
        company = Organisation(name=values["name"].strip(), country=values["country"])
        db.session.add(company)
    for name in COMPANY_FIELDS:
        if name in values and name != "name":
            setattr(company, name, values[name])
    db.session.flush()
    added = _set_contacts(company, values.get("contacts") or [])
    db.session.flush()
    after = _snapshot(company)
    if before is None:
        result.created.append(company)
    elif before != after or added:
        result.updated.append(company)
    else:
        result.unchanged.append(company)
        return company
    audit.record(
        actor=actor,
        action="company.create" if before is None else "company.update",
        obj=company,
        edition_id=None,
        before=before,
        after={**after, "contacts_added": added},
    )
    return company


def import_companies(*, actor: User | None, rows: list[dict]) -> ImportResult:
    """Every row or none: a refused row undoes the whole import (the request rolls back)."""
    result = ImportResult()
    seen: set[int] = set()
    for row in rows:
        company = upsert_company(actor=actor, values=row, result=result)
        if company.id in seen:
            raise Refused(_("%(name)s appears twice in the import.", name=row["name"]), 409)
        seen.add(company.id)
    return result


def update_company(*, actor: User | None, company: Organisation, values: dict) -> Organisation:
    """Change some fields of one company (a new name must not be another company's)."""
    if "name" in values:
        other = find_organisation(values["name"])
        if other is not None and other.id != company.id:
            raise Refused(_("Another company is already called %(name)s.", name=values["name"]), 409)
    before = _snapshot(company)
    for name in COMPANY_FIELDS:
        if name in values:
            setattr(company, name, values[name].strip() if name == "name" else values[name])
    added = _set_contacts(company, values.get("contacts") or [])
    db.session.flush()
    audit.record(
        actor=actor,
        action="company.update",
        obj=company,
        edition_id=None,
        before=before,
        after={**_snapshot(company), "contacts_added": added},
    )
    return company
