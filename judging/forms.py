"""Form pieces shared by several blueprints."""
from __future__ import annotations

from babel import Locale
from flask_babel import get_locale, lazy_gettext as _l
from wtforms import SelectField, ValidationError

LANGUAGE_CHOICES = [("en", "English"), ("fr", "Français")]
MIN_PASSWORD_LENGTH = 10


# Two-letter territory codes that are not countries (unknown region, EU, eurozone, UN, pseudo-locales).
NOT_COUNTRIES = {"ZZ", "EU", "EZ", "UN", "XA", "XB", "QO"}


def country_codes() -> set[str]:
    """ISO 3166 two-letter country codes (from Babel's data, so no list to maintain)."""
    return {code for code in Locale.parse("en").territories
            if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES}


def country_choices() -> list[tuple[str, str]]:
    """The countries, named in the reader's language."""
    territories = Locale.parse(str(get_locale() or "en")).territories
    english = Locale.parse("en").territories
    return sorted(((code, territories.get(code) or english[code]) for code in country_codes()),
                  key=lambda pair: pair[1])


def valid_country(code: str) -> bool:
    return code in country_codes()


class CountryField(SelectField):
    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=[], **kwargs)

    def pre_validate(self, form):
        if not valid_country(self.data or ""):
            raise ValidationError(_l("Choose a country from the list."))

    def iter_choices(self):
        self.choices = [("", "—")] + country_choices()
        return super().iter_choices()


def password_policy(form, field) -> None:
    """At least 10 characters, not all of one kind, and not the email address."""
    password = field.data or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    if password.isdigit() or password.isalpha():
        raise ValidationError(_l("Mix letters with digits or symbols."))
    email = getattr(form, "email", None)
    if email is not None and email.data and password.lower() == email.data.lower():
        raise ValidationError(_l("Your password must not be your email address."))
