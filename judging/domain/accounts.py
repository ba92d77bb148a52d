"""Account writes: registration, password changes, language. Changes the session; the request or command commits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import case, func, or_
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Refused
from ..extensions import db
from ..models import Organisation, User, utcnow
from . import notifications
from .organisations import find_organisation


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


def authenticate(email: str, password: str) -> User | None:
    """The active account with this email and password, else None, in the same time either way.

    An unknown email (or an invited juror without a password yet) still costs one scrypt check, so the
    answer's timing does not tell which addresses have an account.
    """
    user = find_user(email)
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


REGISTRATION_MAX_AGE = 2 * 24 * 3600


def start_registration(*, details: dict, link_for) -> None:
    """Mail the address a link to finish the registration; or, when it already has an account, a reminder;
    or, when a company of that name exists already (accents and case aside), how to be invited into it.

    Nothing is created before the owner of the address opens the link, and the page's answer is the same
    in every case: registration does not reveal which addresses have an account, nor which companies exist.
    Nobody joins or claims a company by typing its name: only an invitation does that (a member's, or the
    organisers' to the company's contact address).
    """
    email = normalise_email(details["email"])
    user = find_user(email)
    if user is not None:
        from ..links import public_url

        notifications.notify(
            user, "account_exists", login=public_url("auth.login"), forgot=public_url("auth.forgot_password")
        )
        return
    if find_organisation(details["organisation"]) is not None:
        notifications.queue(
            "company_taken",
            to=email,
            language=details["language"],
            name=details["name"],
            company=" ".join(details["organisation"].split()),
        )
        return
    link = link_for(dict(details, email=email))
    notifications.queue("confirm_address", to=email, language=details["language"], name=details["name"], link=link)


def register_exhibitor(
    *,
    name: str,
    email: str,
    password: str,
    language: str,
    organisation: str,
    country: str,
    hall: str,
    stand: str,
    is_startup: bool,
) -> User:
    """Create an exhibitor account and its new company, once the address is proven (the emailed link).

    Never an existing company: that one is joined only by invitation."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise Refused(_("An account with this email already exists. Log in, or reset your password."), 409)
    if find_organisation(organisation) is not None:  # registered or imported since the link was mailed
        raise Refused(
            _(
                "A company of this name is already registered: no account was created. Ask a colleague who has an "
                "account, or the organisers, for an invitation."
            ),
            409,
        )
    company = Organisation(
        name=" ".join(organisation.split()),
        country=country,
        hall=hall.strip(),
        stand=stand.strip(),
        is_startup=is_startup,
        contact_email=email,
    )
    db.session.add(company)
    user = User(email=email, name=name.strip(), role="exhibitor", language=language, organisation=company)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def create_user(
    *,
    email: str,
    password: str | None,
    role: str,
    name: str = "",
    language: str = "en",
    organisation: Organisation | None = None,
) -> User:
    """Create any kind of account (command line, demo, invitations)."""
    user = User(email=normalise_email(email), name=name, role=role, language=language, organisation=organisation)
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Change a password; this also voids every reset or invitation token and every session issued before."""
    user.set_password(password)
    db.session.flush()


def end_sessions(user: User, *, actor: User | None = None) -> None:
    """Log the account out everywhere: every session and remember-me cookie stops working."""
    user.end_sessions()
    if actor is not None and actor.id != user.id:
        from .audit import record

        record(actor=actor, action="user.sessions_ended", obj=user, edition_id=None, after={"email": user.email})
    db.session.flush()


def set_language(user: User, language: str) -> None:
    user.language = language
    db.session.flush()


def touch_login(user: User) -> None:
    user.last_seen_at = utcnow()
    db.session.flush()


def send_password_reset(user: User, reset_url: str) -> None:
    notifications.notify(user, "password_reset", link=reset_url)


def send_no_account(email: str, *, language: str) -> None:
    """The answer to a reset request for an address without a usable account (throttled per recipient)."""
    from ..links import public_url

    notifications.queue("no_account", to=email, language=language, register=public_url("auth.register"))


JOIN_MAX_AGE = 7 * 24 * 3600


def invite_colleague(*, inviter: User, name: str, email: str, language: str, link_for) -> None:
    """A company grows only by invitation from one of its members (or from the organisers, see
    `invite_to_company`): the link lets the colleague set a password."""
    invite_to_company(
        company=inviter.organisation,
        inviter_name=inviter.name,
        name=name,
        email=email,
        language=language,
        link_for=link_for,
    )


def invite_to_company(
    *, company: Organisation, inviter_name: str, name: str, email: str, language: str, link_for, contact: bool = False
) -> bool:
    """Mail `email` a single-use link (7 days) to create an account in `company`: the only way into an existing
    company, for a colleague and for an imported company's first contact alike (`contact`: the link is bound to
    the company's contact address, see `invite_company_contact`). The link stops working once an account exists
    for the address. An address that already has an account gets a note instead; returns whether an invitation
    link was sent."""
    email = normalise_email(email)
    existing = find_user(email)
    if existing is not None:
        notifications.notify(existing, "colleague_exists", inviter=inviter_name, company=company.name)
        return False
    data = {"organisation": company.id, "email": email, "name": name.strip(), "language": language}
    link = link_for({**data, "contact": True} if contact else data)
    if contact:
        notifications.queue("company_contact_invitation", to=email, language=language, company=company.name, link=link)
    else:
        notifications.queue(
            "colleague_invitation",
            to=email,
            language=language,
            name=name,
            inviter=inviter_name,
            company=company.name,
            link=link,
        )
    return True


def join_company(*, organisation: Organisation, email: str, name: str, language: str, password: str) -> User:
    """The invited colleague's account, in the inviting company (the invitation proved the address)."""
    if find_user(email) is not None:
        raise Refused(_("An account with this email already exists. Log in, or reset your password."), 409)
    user = User(email=normalise_email(email), name=name, role="exhibitor", language=language, organisation=organisation)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def contact_language(organisation: Organisation) -> str:
    """The language of a mail to a company nobody has an account for yet: French for French companies."""
    return "fr" if organisation.country == "FR" else "en"


def invite_company_contact(*, actor: User, organisation: Organisation, link_for) -> str:
    """The organisers' invitation to a company's contact address: the way into a company nobody holds yet
    (an imported exhibitor). The single-use link proves the address and creates the contact's account in
    that company; it stops working if the contact address changes meanwhile. Returns the address mailed."""
    from .audit import record

    email = normalise_email(organisation.contact_email)
    if not email:
        raise Refused(
            _("%(company)s has no contact address: import it again with one.", company=organisation.name), 409
        )
    existing = find_user(email)
    if existing is not None:
        raise Refused(
            _("%(email)s already has an account: nothing was sent.", email=email)
            if existing.organisation_id != organisation.id or existing.role != "exhibitor"
            else _("%(email)s already manages %(company)s.", email=email, company=organisation.name),
            409,
        )
    invite_to_company(
        company=organisation,
        inviter_name=actor.name if actor else "",
        name=organisation.name,
        email=email,
        language=contact_language(organisation),
        link_for=link_for,
        contact=True,
    )
    record(actor=actor, action="company.contact_invited", obj=organisation, edition_id=None, after={"email": email})
    db.session.flush()
    return email


def unclaimed_companies() -> list[tuple[Organisation, datetime | None]]:
    """Companies with a contact address and no exhibitor account yet (imported exhibitors), by name, each with
    the time the organisers last invited its contact (None if never)."""
    from ..models import AuditEvent

    has_account = db.exists().where(User.organisation_id == Organisation.id, User.role == "exhibitor")
    invited = (
        db.select(AuditEvent.object_id, db.func.max(AuditEvent.at).label("at"))
        .where(AuditEvent.action == "company.contact_invited", AuditEvent.object_type == "Organisation")
        .group_by(AuditEvent.object_id)
        .subquery()
    )
    query = (
        db.select(Organisation, invited.c.at)
        .outerjoin(invited, invited.c.object_id == Organisation.id)
        .where(~has_account, Organisation.contact_email != "")
        .order_by(Organisation.name_key)
    )
    return [(company, at) for company, at in db.session.execute(query)]


def invite_uninvited_contacts(*, actor: User, link_for) -> tuple[int, int]:
    """Invite the contact of every company nobody manages yet and whose contact was never invited (after an
    import, one click for the whole hall). Returns (invitations sent, companies skipped because their contact
    address already has an account elsewhere)."""
    sent = skipped = 0
    for company, invited_at in unclaimed_companies():
        if invited_at is not None:
            continue
        if find_user(company.contact_email) is not None:
            skipped += 1
            continue
        invite_company_contact(actor=actor, organisation=company, link_for=link_for)
        sent += 1
    return sent, skipped


# --- the organisers' management of accounts ------------------------------------------------------------------------


def _record(actor: User, action: str, user: User, **after) -> None:
    from .audit import record

    record(actor=actor, action=action, obj=user, edition_id=None, after={"email": user.email, **after})


def deactivate(*, actor: User, user: User) -> None:
    """Close an account: it can no longer log in, and every session it holds ends now. Reversible."""
    if user.id == actor.id:
        raise Refused(_("You cannot deactivate your own account."), 409)
    if not user.active:
        raise Refused(_("%(email)s is already deactivated.", email=user.email), 409)
    user.active = False
    user.end_sessions()
    _record(actor, "user.deactivated", user)
    db.session.flush()


def reactivate(*, actor: User, user: User) -> None:
    """Open a deactivated account again: it logs in with its password as before."""
    if user.active:
        raise Refused(_("%(email)s is already active.", email=user.email), 409)
    user.active = True
    _record(actor, "user.reactivated", user)
    db.session.flush()


def set_organiser_role(*, actor: User, user: User, organiser_role: str) -> None:
    """Give an organiser full rights, read-only access, or communications only; the last full organiser stays."""
    from ..models import ORGANISER_ROLES

    if user.role != "organiser" or organiser_role not in ORGANISER_ROLES:
        raise Refused(_("Only an organiser's account has an organiser role."), 400)
    if organiser_role != "full" and user.organiser_role == "full":
        others = db.session.scalar(
            db.select(func.count(User.id)).where(
                User.role == "organiser", User.organiser_role == "full", User.active, User.id != user.id
            )
        )
        if not others:
            raise Refused(_("At least one active organiser must keep full rights."), 409)
    before = user.organiser_role
    user.organiser_role = organiser_role
    if before != organiser_role:
        _record(actor, "user.organiser_role", user, before=before, organiser_role=organiser_role)
    db.session.flush()


def resend_invitation(*, actor: User, user: User, url_for_user) -> None:
    """Mail an invited juror (who has not chosen a password yet) a fresh invitation link."""
    from .juries import send_invitation

    if not user.active:
        raise Refused(_("%(email)s is deactivated: reactivate the account first.", email=user.email), 409)
    if user.role != "juror" or user.password_hash:
        raise Refused(
            _("%(email)s has already chosen a password: they can use “Forgotten password”.", email=user.email), 409
        )
    send_invitation(user, url_for_user(user))
    _record(actor, "user.invitation_resent", user)
    db.session.flush()


@dataclass(frozen=True)
class PeopleFilter:
    role: str = ""
    state: str = ""  # active, invited, deactivated
    search: str = ""
    page: int = 1
    per_page: int = 50

    @classmethod
    def from_args(cls, args) -> PeopleFilter:
        from ..models import ROLES

        role, state = args.get("role", ""), args.get("state", "")
        return cls(
            role=role if role in ROLES else "",
            state=state if state in ("active", "invited", "deactivated") else "",
            search=args.get("q", "").strip()[:100],
            page=max(args.get("page", 1, type=int) or 1, 1),
        )

    def args(self, **changes) -> dict:
        values = {"role": self.role, "state": self.state, "q": self.search, "page": self.page}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


def list_people(wanted: PeopleFilter) -> tuple[list[User], int, int]:
    """(the page of accounts, how many match, the page shown), organisers first, then by email."""
    from ..models import Organisation
    from ..text import fold, like_pattern

    query = db.select(User).outerjoin(Organisation, Organisation.id == User.organisation_id)
    if wanted.role:
        query = query.where(User.role == wanted.role)
    if wanted.state == "deactivated":
        query = query.where(User.active.is_(False))
    elif wanted.state == "invited":
        query = query.where(User.active, User.password_hash == "")
    elif wanted.state == "active":
        query = query.where(User.active, User.password_hash != "")
    for word in fold(wanted.search).split()[:10]:
        pattern = like_pattern(word)
        query = query.where(
            or_(
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(User.name).like(pattern, escape="\\"),
                Organisation.name_key.like(pattern, escape="\\"),
            )
        )
    total = db.session.scalar(query.with_only_columns(func.count(User.id)))
    page = min(wanted.page, max(1, -(-total // wanted.per_page)))
    role_order = case({"organiser": 0, "juror": 1}, value=User.role, else_=2)
    users = db.session.scalars(
        query.options(selectinload(User.organisation))
        .order_by(role_order, User.email)
        .limit(wanted.per_page)
        .offset((page - 1) * wanted.per_page)
    ).all()
    return list(users), total, page
