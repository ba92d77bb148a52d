"""Account writes: registration, password changes, language. Changes the session; the request or command commits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import case, func, or_
from sqlalchemy.orm import selectinload
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
    *, company: Organisation, inviter_name: str, name: str, email: str, language: str, link_for
) -> bool:
    """Mail `email` a single-use link (7 days) to create an account in `company`: the only way into an existing
    company, for a colleague and for an imported company's first contact alike. The link stops working once an
    account exists for the address. An address that already has an account gets a note instead; returns whether
    an invitation link was sent."""
    email = normalise_email(email)
    existing = find_user(email)
    if existing is not None:
        send_in_language(
            existing,
            fr=(
                f"Invitation de {company.name} - Milipol Innovation Awards",
                f"Bonjour {existing.name},\n\n{inviter_name} vous a invité à rejoindre {company.name}, mais cette "
                "adresse a déjà un compte. Demandez aux organisateurs de le rattacher.",
            ),
            en=(
                f"Invitation from {company.name} - Milipol Innovation Awards",
                f"Hello {existing.name},\n\n{inviter_name} invited you to join {company.name}, but this address "
                "already has an account. Ask the organisers to move it.",
            ),
        )
        return False
    link = link_for({"organisation": company.id, "email": email, "name": name.strip(), "language": language})
    subject, body = (
        (
            f"{inviter_name} vous invite - Milipol Innovation Awards",
            f"Bonjour {name},\n\n{inviter_name} vous invite à gérer les candidatures de {company.name}. Pour "
            f"choisir votre mot de passe, ouvrez ce lien (valable 7 jours, une seule fois) :\n{link}",
        )
        if language == "fr"
        else (
            f"{inviter_name} invites you - Milipol Innovation Awards",
            f"Hello {name},\n\n{inviter_name} invites you to manage the entries of {company.name}. To choose your "
            f"password, open this link (valid for 7 days, once):\n{link}",
        )
    )
    send_mail(to=email, subject=subject, body=body)
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
