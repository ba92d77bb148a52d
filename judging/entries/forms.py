from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import options
from ..models import INNOVATION_TYPES, MATURITY_LEVELS

INNOVATION_LABELS = {
    "product": _l("Product"),
    "equipment": _l("Equipment"),
    "service": _l("Service"),
    "solution": _l("Solution"),
    "business_model": _l("Business model"),
}
MATURITY_LABELS = {
    "concept": _l("Concept"),
    "prototype": _l("Prototype"),
    "pilot": _l("Pilot with users"),
    "available": _l("Available for sale"),
    "deployed": _l("Deployed in operations"),
}
TEXT_LIMIT = 3000


class EntryForm(FlaskForm):
    category = SelectField(_l("Category"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("Title of the innovation"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Short summary"), validators=[Optional(), Length(max=1000)])
    innovation_type = SelectField(
        _l("Type of innovation"),
        default="product",
        choices=options((k, INNOVATION_LABELS[k]) for k in INNOVATION_TYPES),
    )
    what_is_new = TextAreaField(_l("What is new"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    operational_benefit = TextAreaField(
        _l("Operational benefit for security forces"), validators=[Optional(), Length(max=TEXT_LIMIT)]
    )
    maturity = SelectField(
        _l("Maturity"),
        validators=[Optional()],
        choices=options([("", "—")] + [(k, MATURITY_LABELS[k]) for k in MATURITY_LEVELS]),
    )
    availability_date = DateField(_l("Available from"), validators=[Optional()])
    initiative = TextAreaField(_l("The initiative"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    measurable_impact = TextAreaField(_l("Its measurable impact"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    beneficiaries = TextAreaField(_l("Its beneficiaries"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    files = MultipleFileField(_l("Files (PDF, JPEG or PNG)"))


class AttachmentForm(FlaskForm):
    file = FileField(_l("File (PDF, JPEG or PNG)"), validators=[FileRequired(_l("Choose a file to upload."))])


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token is what protects a one-button action."""
