"""Single sign-on with OpenID Connect for organisers and jurors: who may come in, as what.

The deployment names the identity provider and which e-mail domains give which role (OIDC_ROLE_DOMAINS, e.g.
"milipol.com=organiser, interieur.gouv.fr=juror"). Only a verified address of a listed domain signs in; an account
that does not exist yet is created with the domain's role; an existing account keeps its own role (single sign-on
never promotes anyone). Exhibitors keep their passwords: an exhibitor's address is refused here.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..errors import Refused
from ..extensions import db
from ..models import User
from . import audit
from .accounts import find_user, normalise_email

SSO_ROLES = ("juror", "organiser")


def parse_role_domains(setting: str) -> dict[str, str]:
    """ "a.com=organiser, b.org=juror" -> {"a.com": "organiser", "b.org": "juror"}; refuses any other role."""
    domains = {}
    for item in (setting or "").split(","):
        if not item.strip():
            continue
        domain, _sep, role = item.partition("=")
        domain, role = domain.strip().lower().lstrip("@"), role.strip().lower()
        if not domain or role not in SSO_ROLES:
            raise ValueError(f"OIDC_ROLE_DOMAINS: {item.strip()!r} is not domain=juror or domain=organiser")
        domains[domain] = role
    return domains


def role_for(email: str, domains: dict[str, str]) -> str | None:
    """The role the address's domain gives, None when the domain is not listed (no sub-domain guessing)."""
    return domains.get(email.rpartition("@")[2])


def sign_in(*, claims: dict, domains: dict[str, str]) -> User:
    """The account that the verified claims of an ID token open, created when needed; Refused otherwise."""
    email = normalise_email(str(claims.get("email") or ""))
    if "@" not in email:
        raise Refused(_("The identity provider did not give your e-mail address."), 400)
    if claims.get("email_verified") is not True:
        raise Refused(
            _("Your identity provider has not verified the address %(email)s: single sign-on needs it.", email=email),
            403,
        )
    role = role_for(email, domains)
    user = find_user(email)
    if user is not None and user.role == "exhibitor":
        raise Refused(_("Exhibitors log in with their e-mail address and password."), 403)
    if role is None:
        raise Refused(
            _(
                "Single sign-on is for the organisers' and jurors' organisations; %(email)s is not one of them.",
                email=email,
            ),
            403,
        )
    if user is None:
        user = User(email=email, name=str(claims.get("name") or "")[:200], role=role)
        locale = str(claims.get("locale") or "")[:2]
        user.language = locale if locale in ("en", "fr") else "en"
        db.session.add(user)
        db.session.flush()
        audit.record(actor=user, action="account.sso_create", obj=user, edition_id=None, after={"role": role})
    if not user.active:
        raise Refused(_("This account is disabled."), 403)
    return user
