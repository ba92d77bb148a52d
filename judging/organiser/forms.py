from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import options
from ..models import EDITION_STATUSES, SCORING_METHODS
from ..wording import METHOD_LABELS


class EditionForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    show_starts_on = DateField(_l("Show opens"), validators=[Optional()])
    show_ends_on = DateField(_l("Show closes"), validators=[Optional()])
    submission_deadline = DateTimeLocalField(_l("Submission deadline (UTC)"), validators=[Optional()])
    scoring_opens_at = DateTimeLocalField(_l("Scoring opens (UTC)"), validators=[Optional()])
    scoring_closes_at = DateTimeLocalField(_l("Scoring closes (UTC)"), validators=[Optional()])
    ceremony_at = DateTimeLocalField(_l("Ceremony (UTC)"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=options((s, s) for s in EDITION_STATUSES))
    max_entries_per_category = IntegerField(_l("Entries per company per category"),
                                            validators=[DataRequired(), NumberRange(min=1, max=20)])
    scoring_method = SelectField(_l("Scoring method"), choices=options((m, METHOD_LABELS[m]) for m in SCORING_METHODS))

    def validate_show_ends_on(self, field):
        if field.data and self.show_starts_on.data and field.data < self.show_starts_on.data:
            raise ValidationError(_l("The show cannot close before it opens."))

    def validate_scoring_closes_at(self, field):
        if field.data and self.scoring_opens_at.data and field.data <= self.scoring_opens_at.data:
            raise ValidationError(_l("Scoring must close after it opens."))


class CategoryForm(FlaskForm):
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    name_fr = StringField(_l("Name (French)"), validators=[DataRequired(), Length(max=200)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional(), Length(max=2000)])
    description_fr = TextAreaField(_l("Description (French)"), validators=[Optional(), Length(max=2000)])
    position = IntegerField(_l("Ceremony order"), validators=[DataRequired(), NumberRange(min=1, max=99)])
    jurors_per_entry = IntegerField(_l("Jurors per entry"), validators=[DataRequired(), NumberRange(min=1, max=50)])


class DisqualifyForm(FlaskForm):
    reason = TextAreaField(_l("Reason (shown to the exhibitor)"), validators=[DataRequired(), Length(min=5, max=1000)])


class UnfreezeForm(FlaskForm):
    reason = TextAreaField(_l("Why unfreeze the results (recorded)"),
                           validators=[DataRequired(), Length(min=5, max=1000)])


class ShortlistForm(FlaskForm):
    rule = SelectField(_l("Who goes through"), choices=options([("top", _l("The top N")),
                                                                ("threshold", _l("A score threshold")),
                                                                ("manual", _l("Hand-picked"))]))
    top = IntegerField(_l("N"), validators=[Optional(), NumberRange(min=1, max=500)])
    threshold = DecimalField(_l("Minimum score (0 to 100)"), places=1,
                             validators=[Optional(), NumberRange(min=0, max=100)])
    notify = BooleanField(_l("Tell the exhibitors, in their language"))


class RoundForm(FlaskForm):
    name = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=100)])
    name_fr = StringField(_l("Name (French)"), validators=[DataRequired(), Length(max=100)])
    scoring_opens_at = DateTimeLocalField(_l("Scoring opens (UTC; empty: the edition's)"), validators=[Optional()])
    scoring_closes_at = DateTimeLocalField(_l("Scoring closes (UTC; empty: the edition's)"), validators=[Optional()])
    jurors_per_entry = IntegerField(_l("Jurors per entry (empty: the category's, or the whole jury for a final)"),
                                    validators=[Optional(), NumberRange(min=1, max=50)])
    method = SelectField(_l("Aggregation method (empty: the edition's)"),
                         choices=options([("", "—")] + [(m, METHOD_LABELS[m]) for m in SCORING_METHODS]))
    previous_round_weight = IntegerField(_l("Weight of the previous round in this round's result (%)"),
                                         validators=[InputRequired(), NumberRange(min=0, max=100)])
    visit_starts_at = DateTimeLocalField(_l("Stand visits start (UTC)"), validators=[Optional()])
    slot_minutes = IntegerField(_l("Minutes per stand"), validators=[InputRequired(), NumberRange(min=1, max=120)])

    def validate_scoring_closes_at(self, field):
        if field.data and self.scoring_opens_at.data and field.data <= self.scoring_opens_at.data:
            raise ValidationError(_l("Scoring must close after it opens."))


class JointWinnersForm(FlaskForm):
    reason = TextAreaField(_l("Why the jury keeps the tie"), validators=[DataRequired(), Length(min=5, max=1000)])


class OverrideForm(FlaskForm):
    reason = TextAreaField(_l("Why export before every sign-off (recorded)"),
                           validators=[DataRequired(), Length(min=5, max=1000)])


class PublishForm(FlaskForm):
    # Checked by the service, not here, so that a missing tick is refused with the readiness list beside it.
    confirm = BooleanField(_l("I have checked this list: publish the winners page now"))


class SendMailsForm(FlaskForm):
    confirm = BooleanField(_l("Send the result mails to every exhibitor now (once only)"))


class UnpublishForm(FlaskForm):
    reason = TextAreaField(_l("Why unpublish the results (recorded)"), validators=[Optional(), Length(max=1000)])
