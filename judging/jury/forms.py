from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..forms import LANGUAGE_CHOICES, options, password_policy
from ..models import CONFLICT_KINDS, JURY_ROLES

CONFLICT_LABELS = {
    "employer": _l("Employer"),
    "client": _l("Client"),
    "competitor": _l("Competitor"),
    "investor": _l("Investor"),
    "family": _l("Family"),
    "other": _l("Other"),
}
# Only members' marks count; observers follow the jury, trainees learn and their marks are set aside.
ROLE_LABELS = {
    "member": _l("member (marks count)"),
    "observer": _l("observer"),
    "trainee": _l("trainee (marks not counted)"),
}


def juror_choices(jurors) -> list[SelectChoice]:
    """A juror as organisers pick one: name and address, so two namesakes are told apart."""
    return options((j.id, f"{j.name} <{j.email}>" if j.name else j.email) for j in jurors)


def category_choices(edition) -> list[SelectChoice]:
    """The edition's categories (a jury each), named in the reader's language."""
    from ..templating import language

    return options((c.id, c.name(language())) for c in edition.categories)


def entry_choices(entries) -> list[SelectChoice]:
    return options((e.id, e.title) for e in entries)


def organisation_choices(organisations) -> list[SelectChoice]:
    return options((o.id, o.name) for o in organisations)


class InviteJurorForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    category = SelectField(_l("Jury"), coerce=int)


class AddMemberForm(FlaskForm):
    juror = SelectField(_l("Juror"), coerce=int)
    role = SelectField(_l("Role"), choices=options((r, ROLE_LABELS[r]) for r in JURY_ROLES))


class AcceptInvitationForm(FlaskForm):
    password = PasswordField(_l("Choose a password"), validators=[DataRequired(), Length(max=200), password_policy])
    confirm = PasswordField(
        _l("Repeat the password"), validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))]
    )
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class ConflictForm(FlaskForm):
    organisation = SelectField(_l("Company"), coerce=int)
    kind = SelectField(_l("Kind of tie"), choices=options((k, CONFLICT_LABELS[k]) for k in CONFLICT_KINDS))
    reason = StringField(_l("Short reason"), validators=[DataRequired(), Length(min=3, max=500)])


class OrganiserConflictForm(ConflictForm):
    juror = SelectField(_l("Juror"), coerce=int)


class RecuseForm(FlaskForm):
    reason = TextAreaField(_l("Why you step back from this entry"), validators=[DataRequired(), Length(min=3, max=500)])


class ManualAssignmentForm(FlaskForm):
    entry = SelectField(_l("Entry"), coerce=int)
    juror = SelectField(_l("Juror"), coerce=int)


class ApplyAssignmentForm(FlaskForm):
    digest = StringField(validators=[DataRequired(), Length(max=64)])
