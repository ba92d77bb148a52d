"""Account writes: registration, password changes, language. The only auth code that commits."""
from __future__ import annotations


from ..errors import Refused
from ..extensions import db
from ..mail import send_in_language
from ..models import Organisation, User, utcnow
from ..organisations import find_organisation


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def register_exhibitor(*, name: str, email: str, password: str, language: str, organisation: str,
                       country: str, hall: str, stand: str, is_startup: bool) -> User:
    """Create an exhibitor account and its company.

    A company that already exists is joined only by the email it was registered or imported with, so
    nobody can claim another company's entries by typing its name.
    """
    email = normalise_email(email)
    if find_user(email) is not None:
        raise Refused("An account with this email already exists. Log in, or reset your password.", 409)
    company_name = " ".join(organisation.split())
    company = find_organisation(company_name)
    if company is not None and normalise_email(company.contact_email) != email:
        raise Refused(f"The company '{company.name}' is already registered. Ask its contact or the "
                      "organisers to give you access.", 409)
    if company is None:
        company = Organisation(name=company_name, country=country, hall=hall.strip(), stand=stand.strip(),
                               is_startup=is_startup, contact_email=email)
        db.session.add(company)
    user = User(email=email, name=name.strip(), role="exhibitor", language=language, organisation=company)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def create_user(*, email: str, password: str | None, role: str, name: str = "", language: str = "en",
                organisation: Organisation | None = None) -> User:
    """Create any kind of account (command line, demo, invitations)."""
    user = User(email=normalise_email(email), name=name, role=role, language=language, organisation=organisation)
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def set_password(user: User, password: str) -> None:
    """Change a password; this also voids every reset or invitation token issued before."""
    user.set_password(password)
    db.session.commit()


def set_language(user: User, language: str) -> None:
    user.language = language
    db.session.commit()


def touch_login(user: User) -> None:
    user.last_seen_at = utcnow()
    db.session.commit()


def send_password_reset(user: User, reset_url: str) -> None:
    send_in_language(
        user,
        fr=("Réinitialiser votre mot de passe - Milipol Innovation Awards",
            f"Bonjour {user.name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable 2 heures, "
            f"une seule fois) :\n{reset_url}\n\nSi vous n'avez rien demandé, ignorez ce message."),
        en=("Reset your password - Milipol Innovation Awards",
            f"Hello {user.name},\n\nTo choose a new password, open this link (valid for 2 hours, once):\n"
            f"{reset_url}\n\nIf you did not ask for this, ignore this message."))
