"""Account writes: registration, password changes, language. Changes the session; the request or command commits."""

from __future__ import annotations

import secrets
from datetime import datetime
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
    if find_organisation(details["organisation"]) is not None:
        send_mail(to=email, **_company_taken_mail(details["language"], details["name"], details["organisation"]))
        return
    link = link_for(dict(details, email=email))
    send_mail(to=email, **_registration_mail(details["language"], details["name"], link))


def _company_taken_mail(language: str, name: str, company: str) -> dict:
    company = " ".join(company.split())
    if language == "fr":
        return dict(
            subject="Votre inscription - Milipol Innovation Awards",
            body=f"Bonjour {name},\n\nUne entreprise nommée « {company} » est déjà inscrite aux Milipol Innovation "
            "Awards : aucun compte n'a été créé. Pour gérer ses candidatures, demandez à un collègue qui a déjà un "
            "compte de vous inviter (« Inviter un collègue » sur sa page des candidatures), ou aux organisateurs "
            "d'envoyer une invitation à l'adresse de contact de l'entreprise. S'il s'agit d'une autre entreprise, "
            "inscrivez-vous de nouveau avec son nom complet.\n\nSi vous n'avez rien demandé, ignorez ce message.",
        )
    return dict(
        subject="Your registration - Milipol Innovation Awards",
        body=f'Hello {name},\n\nA company named "{company}" is already registered for the Milipol Innovation '
        "Awards: no account was created. To manage its entries, ask a colleague who has an account to invite you "
        '("Invite a colleague" on their entries page), or ask the organisers to send an invitation to the '
        "company's contact address. If yours is another company, register again with its full name.\n\n"
        "If you did not ask for this, ignore this message.",
    )


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
    language = contact_language(organisation)
    link = link_for(
        {
            "organisation": organisation.id,
            "email": email,
            "name": organisation.name,
            "language": language,
            "contact": True,
        }
    )
    subject, body = (
        (
            f"Vos candidatures pour {organisation.name} - Milipol Innovation Awards",
            f"Bonjour,\n\nLes organisateurs des Milipol Innovation Awards vous invitent à gérer les candidatures de "
            f"{organisation.name}, dont cette adresse est le contact. Pour choisir votre mot de passe, ouvrez ce lien "
            f"(valable 7 jours, une seule fois) :\n{link}\n\nVous pourrez ensuite inviter vos collègues.",
        )
        if language == "fr"
        else (
            f"Your entries for {organisation.name} - Milipol Innovation Awards",
            f"Hello,\n\nThe organisers of the Milipol Innovation Awards invite you to manage the entries of "
            f"{organisation.name}, whose contact this address is. To choose your password, open this link (valid "
            f"for 7 days, once):\n{link}\n\nYou can then invite your colleagues.",
        )
    )
    send_mail(to=email, subject=subject, body=body)
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
