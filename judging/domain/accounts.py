"""Account writes: registration, password changes, language. Changes the session; the request or command commits."""

from __future__ import annotations

import secrets
from functools import cache

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Refused
from ..extensions import db
from ..mail import send_in_language, send_mail
from ..models import Organisation, User, utcnow
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

        login, forgot = public_url("auth.login"), public_url("auth.forgot_password")
        send_in_language(
            user,
            fr=(
                "Vous avez déjà un compte - Milipol Innovation Awards",
                f"Bonjour {user.name},\n\nQuelqu'un (vous, sans doute) a voulu créer un compte avec cette adresse, "
                f"qui en a déjà un. Connectez-vous : {login}\nMot de passe oublié : {forgot}\n\n"
                "Si ce n'était pas vous, ignorez ce message.",
            ),
            en=(
                "You already have an account - Milipol Innovation Awards",
                f"Hello {user.name},\n\nSomeone (probably you) tried to register with this address, which already "
                f"has an account. Log in: {login}\nForgotten password: {forgot}\n\n"
                "If it was not you, ignore this message.",
            ),
        )
        return
    link = link_for(dict(details, email=email))
    send_mail(to=email, **_registration_mail(details["language"], details["name"], link))


def _registration_mail(language: str, name: str, link: str) -> dict:
    if language == "fr":
        return dict(
            subject="Confirmez votre adresse - Milipol Innovation Awards",
            body=f"Bonjour {name},\n\nPour confirmer votre adresse et choisir votre mot de passe, ouvrez ce "
            f"lien (valable 2 jours) :\n{link}\n\nSi vous n'avez rien demandé, ignorez ce message.",
        )
    return dict(
        subject="Confirm your address - Milipol Innovation Awards",
        body=f"Hello {name},\n\nTo confirm your address and choose your password, open this link "
        f"(valid for 2 days):\n{link}\n\nIf you did not ask for this, ignore this message.",
    )


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
    send_in_language(
        user,
        fr=(
            "Réinitialiser votre mot de passe - Milipol Innovation Awards",
            f"Bonjour {user.name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable 2 heures, "
            f"une seule fois) :\n{reset_url}\n\nSi vous n'avez rien demandé, ignorez ce message.",
        ),
        en=(
            "Reset your password - Milipol Innovation Awards",
            f"Hello {user.name},\n\nTo choose a new password, open this link (valid for 2 hours, once):\n"
            f"{reset_url}\n\nIf you did not ask for this, ignore this message.",
        ),
    )


def send_no_account(email: str, *, language: str) -> None:
    """The answer to a reset request for an address without a usable account (throttled per recipient)."""
    from ..links import public_url

    register = public_url("auth.register")
    if language == "fr":
        send_mail(
            to=email,
            subject="Mot de passe oublié - Milipol Innovation Awards",
            body="Bonjour,\n\nQuelqu'un a demandé à réinitialiser le mot de passe de cette adresse, qui n'a pas "
            "de compte actif. Exposant, vous pouvez vous inscrire ici : " + register + "\nJuré, demandez "
            "une nouvelle invitation aux organisateurs.\n\nSi vous n'avez rien demandé, ignorez ce message.",
        )
        return
    send_mail(
        to=email,
        subject="Forgotten password - Milipol Innovation Awards",
        body="Hello,\n\nSomeone asked to reset the password of this address, which has no active account. "
        "Exhibitors can register here: " + register + "\nJurors, ask the organisers for a new "
        "invitation.\n\nIf you did not ask for this, ignore this message.",
    )


JOIN_MAX_AGE = 7 * 24 * 3600


def invite_colleague(*, inviter: User, name: str, email: str, language: str, link_for) -> None:
    """A company grows only by invitation from one of its members: the link lets the colleague set a password.

    An address that already has an account gets a note instead (and the inviter the same answer).
    """
    email = normalise_email(email)
    company = inviter.organisation
    existing = find_user(email)
    if existing is not None:
        send_in_language(
            existing,
            fr=(
                f"Invitation de {company.name} - Milipol Innovation Awards",
                f"Bonjour {existing.name},\n\n{inviter.name} ({company.name}) vous a invité à rejoindre son "
                "entreprise, mais cette adresse a déjà un compte. Demandez aux organisateurs de le rattacher.",
            ),
            en=(
                f"Invitation from {company.name} - Milipol Innovation Awards",
                f"Hello {existing.name},\n\n{inviter.name} ({company.name}) invited you to join their company, but "
                "this address already has an account. Ask the organisers to move it.",
            ),
        )
        return
    link = link_for({"organisation": company.id, "email": email, "name": name.strip(), "language": language})
    subject, body = (
        (
            f"{inviter.name} vous invite - Milipol Innovation Awards",
            f"Bonjour {name},\n\n{inviter.name} vous invite à gérer les candidatures de {company.name}. Pour "
            f"choisir votre mot de passe, ouvrez ce lien (valable 7 jours, une seule fois) :\n{link}",
        )
        if language == "fr"
        else (
            f"{inviter.name} invites you - Milipol Innovation Awards",
            f"Hello {name},\n\n{inviter.name} invites you to manage the entries of {company.name}. To choose your "
            f"password, open this link (valid for 7 days, once):\n{link}",
        )
    )
    send_mail(to=email, subject=subject, body=body)


def join_company(*, organisation: Organisation, email: str, name: str, language: str, password: str) -> User:
    """The invited colleague's account, in the inviting company (the invitation proved the address)."""
    if find_user(email) is not None:
        raise Refused(_("An account with this email already exists. Log in, or reset your password."), 409)
    user = User(email=normalise_email(email), name=name, role="exhibitor", language=language, organisation=organisation)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
