"""Form pieces shared by several blueprints."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from babel import Locale
from flask import request
from flask_babel import get_locale, lazy_gettext as _l
from wtforms import SelectChoice, SelectField, ValidationError


def options(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """(value, label) pairs as a SelectField's choices: WTForms deprecates plain tuples and 3.4 removes them."""
    return [SelectChoice(value, label) for value, label in pairs]


LANGUAGE_CHOICES = options([("en", "English"), ("fr", "Français")])
MIN_PASSWORD_LENGTH = 12
MIN_PASSWORD_SCORE = 3  # zxcvbn's 0-4 scale: 3 is 'safely unguessable' for an online attacker


# Two-letter territory codes that are not countries (unknown region, EU, eurozone, UN, pseudo-locales).
NOT_COUNTRIES = {"ZZ", "EU", "EZ", "UN", "XA", "XB", "QO"}


def country_codes() -> set[str]:
    """ISO 3166 two-letter country codes (from Babel's data, so no list to maintain)."""
    return {
        code
        for code in Locale.parse("en").territories
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }


def country_choices() -> list[SelectChoice]:
    """The countries, named in the reader's language."""
    territories = Locale.parse(str(get_locale() or "en")).territories
    english = Locale.parse("en").territories
    return options(
        sorted(((code, territories.get(code) or english[code]) for code in country_codes()), key=lambda pair: pair[1])
    )


def valid_country(code: str) -> bool:
    return code in country_codes()


class CountryField(SelectField):
    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=[], **kwargs)

    def pre_validate(self, form):
        if not valid_country(self.data or ""):
            raise ValidationError(_l("Choose a country from the list."))

    def iter_choices(self):
        self.choices = options([("", "—")]) + country_choices()
        return super().iter_choices()


def password_problem(password: str, *, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why a new password is refused, or None: at least 12 characters, not in the common-password list
    that zxcvbn maintains (the 30,000 most used), and not easy to guess by zxcvbn's estimate (a common word
    with digits, a keyboard row, a repeat, the user's own email...)."""
    from zxcvbn import zxcvbn

    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    inputs = [value for value in user_inputs if value]
    if any(password.lower() == value.lower() for value in inputs):
        return _l("Your password must not be your email address.")
    # zxcvbn refuses long inputs (its estimate is quadratic); the first 72 characters are what it judges.
    if (
        password.lower() in _common_passwords()
        or zxcvbn(password[:72], user_inputs=inputs)["score"] < MIN_PASSWORD_SCORE
    ):
        return _l(
            "This password is too common or too easy to guess (a known password, a word with a few digits, "
            "a keyboard row or a repeat). Try three or four unrelated words."
        )
    return None


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_policy(form, field) -> None:
    """The WTForms validator of every form that sets a password."""
    email = getattr(form, "email", None)
    # A form without an email field may say whose password it is (e.g. the end of a registration).
    inputs = (email.data,) if email is not None and email.data else tuple(getattr(form, "user_inputs", ()))
    problem = password_problem(field.data or "", user_inputs=inputs)
    if problem:
        raise ValidationError(problem)


def save_form(form, save) -> int | None:
    """Run `save` once `form` validates: None when it is saved; else the status to show the form again with, as
    typed, the reasons beside its fields or above it (a refusal of the services too, checked at the flush as
    well, such as a frozen edition: never a dead-end page)."""
    from .errors import Refused
    from .extensions import db

    if not form.validate_on_submit():
        return 400 if request.method == "POST" else 200
    try:
        save()
        db.session.flush()
    except Refused as refusal:
        db.session.rollback()
        refusal.show_on(form)
        return refusal.status
    return None
