"""Account writes: registration, password changes, language. Changes the session; the request or command commits."""

from __future__ import annotations

import secrets
from functools import cache

from flask_babel import gettext as _
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


def _existing_company(organisation: str, email: str) -> Organisation | None:
    """The company of that name, if this address may join it; Refused when it belongs to someone else.

    A company that already exists is joined only by the email it was registered or imported with, so
    nobody can claim another company's entries by typing its name.
    """
    company_name = " ".join(organisation.split())
    company = find_organisation(company_name)
    if company is not None and normalise_email(company.contact_email) != normalise_email(email):
        raise Refused(
            _(
                "The company '%(name)s' is already registered. Ask its contact or the organisers to give you access.",
                name=company.name,
            ),
            409,
        )
    return company


def start_registration(*, details: dict, link_for) -> None:
    """Mail the address a link to finish the registration, or, when it already has an account, a reminder.

    Nothing is created before the owner of the address opens the link, and the page's answer is the same
    either way: registration does not reveal which addresses have an account.
    """
    email = normalise_email(details["email"])
    _existing_company(details["organisation"], email)
    user = find_user(email)
    if user is not None:
        from ..links import public_url

        notifications.notify(
            user, "account_exists", login=public_url("auth.login"), forgot=public_url("auth.forgot_password")
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
    """Create an exhibitor account and its company, once the address is proven (the emailed link)."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise Refused(_("An account with this email already exists. Log in, or reset your password."), 409)
    company = _existing_company(organisation, email)
    if company is None:
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
    """A company grows only by invitation from one of its members: the link lets the colleague set a password.

    An address that already has an account gets a note instead (and the inviter the same answer).
    """
    email = normalise_email(email)
    company = inviter.organisation
    existing = find_user(email)
    if existing is not None:
        notifications.notify(existing, "colleague_exists", inviter=inviter.name, company=company.name)
        return
    link = link_for({"organisation": company.id, "email": email, "name": name.strip(), "language": language})
    notifications.queue(
        "colleague_invitation",
        to=email,
        language=language,
        name=name,
        inviter=inviter.name,
        company=company.name,
        link=link,
    )


def join_company(*, organisation: Organisation, email: str, name: str, language: str, password: str) -> User:
    """The invited colleague's account, in the inviting company (the invitation proved the address)."""
    if find_user(email) is not None:
        raise Refused(_("An account with this email already exists. Log in, or reset your password."), 409)
    user = User(email=normalise_email(email), name=name, role="exhibitor", language=language, organisation=organisation)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
