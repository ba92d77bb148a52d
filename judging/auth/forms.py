from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from ..forms import LANGUAGE_CHOICES, CountryField, password_policy


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class RegisterForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="en")
    organisation = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    country = CountryField(_l("Country"))
    hall = StringField(_l("Hall"), validators=[Optional(), Length(max=20)])
    stand = StringField(_l("Stand number"), validators=[Optional(), Length(max=20)])
    is_startup = BooleanField(_l("Start-up (less than 8 years old)"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200), password_policy])
    confirm = PasswordField(
        _l("Repeat the password"), validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))]
    )


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class InviteColleagueForm(FlaskForm):
    name = StringField(_l("Colleague's name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("Colleague's email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="en")
