from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ..domain.editions import DATE_FIELDS, date_order_problems, is_time_zone, to_local, to_utc
from ..forms import LANGUAGE_CHOICES, CountryField, options
from ..models import SCORING_METHODS
from ..wording import DATE_LABELS, METHOD_LABELS, describe_date_order


class MinuteField(DateTimeLocalField):
    """A date and time to the minute, rendered as browsers' datetime-local inputs want it ("2027-09-15T18:00")."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"], **kwargs)


class ZonedDates:
    """Form mixin: the `zoned_fields` are shown and typed as wall-clock times in `zone`, and stored in UTC."""

    zoned_fields: tuple[str, ...] = ()
    zone = "Europe/Paris"

    def show_in_zone(self) -> None:
        for name in self.zoned_fields:
            field = self[name]
            if not field.raw_data:  # the stored value (UTC), not one typed in the form
                field.data = to_local(field.data, self.zone)
            field.label.text = f"{field.label.text} ({self.zone})"

    def utc(self, name: str):
        return to_utc(self[name].data, self.zone)


class EditionForm(ZonedDates, FlaskForm):
    """An edition's settings; its dates are typed and shown in the edition's own time zone."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    timezone = StringField(
        _l("Time zone"),
        default="Europe/Paris",
        validators=[DataRequired(), Length(max=64)],
        description=_l("The dates below are read and shown in this zone, e.g. Europe/Paris, Asia/Qatar."),
    )
    show_starts_on = DateField(_l("Show opens"), validators=[Optional()])
    show_ends_on = DateField(_l("Show closes"), validators=[Optional()])
    entries_open_at = MinuteField(DATE_LABELS["entries_open_at"], validators=[Optional()])
    submission_deadline = MinuteField(DATE_LABELS["submission_deadline"], validators=[Optional()])
    scoring_opens_at = MinuteField(DATE_LABELS["scoring_opens_at"], validators=[Optional()])
    scoring_closes_at = MinuteField(DATE_LABELS["scoring_closes_at"], validators=[Optional()])
    ceremony_at = MinuteField(DATE_LABELS["ceremony_at"], validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=options([("preparing", _l("preparing")), ("live", _l("live")), ("archived", _l("archived"))]),
    )
    max_entries_per_category = IntegerField(
        _l("Entries per company per category"), default=1, validators=[DataRequired(), NumberRange(min=1, max=20)]
    )
    scoring_method = SelectField(_l("Scoring method"), choices=options((m, METHOD_LABELS[m]) for m in SCORING_METHODS))

    zoned_fields = DATE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.show_in_zone()

    @property
    def zone(self) -> str:
        """The time zone the dates are typed in (the default one until a valid zone is given)."""
        typed = (self.timezone.data or "").strip()
        return typed if is_time_zone(typed) else "Europe/Paris"

    def utc_values(self) -> dict:
        """The fields as the edition stores them: dates in UTC, text stripped."""
        values = {name: field.data for name, field in self._fields.items() if name != "csrf_token"}
        values.update({name: self.utc(name) for name in DATE_FIELDS})
        values["timezone"] = self.zone
        values["venue"] = (values.get("venue") or "").strip()
        return values

    def validate_timezone(self, field):
        if not is_time_zone((field.data or "").strip()):
            raise ValidationError(_l("Unknown time zone: give a name such as Europe/Paris or Asia/Qatar."))

    def validate_show_ends_on(self, field):
        if field.data and self.show_starts_on.data and field.data < self.show_starts_on.data:
            raise ValidationError(_l("The show cannot close before it opens."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for problem in date_order_problems({name: self[name].data for name in DATE_FIELDS}):
            self[problem.field].errors.append(describe_date_order(problem))
            valid = False
        return valid


class NewEditionForm(EditionForm):
    """A new edition: its settings, and what to start from (last year's edition, or the default categories)."""

    slug = StringField(
        _l("Short name in addresses (empty: made from the name)"),
        validators=[
            Optional(),
            Length(max=80),
            Regexp(
                r"^[a-z0-9]+(-[a-z0-9]+)*$",
                message=_l("Lower-case letters, digits and single hyphens only, e.g. milipol-paris-2027."),
            ),
        ],
    )
    show = SelectField(_l("Trade show"), coerce=int)
    clone_from = SelectField(_l("Start from"), coerce=int, default=0)
    make_current = BooleanField(_l("Make it the show's current edition"), default=True)
    # Set on the edition's page afterwards; a copy keeps those of the edition it copies.
    max_entries_per_category = None
    scoring_method = None

    def __init__(self, *args, editions=(), shows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.show.choices = options((s.id, s.name) for s in shows)
        if self.show.data is None and shows:  # not posted (a script, an older form): the first show, the default one
            self.show.data = shows[0].id
        self.clone_from.choices = options(
            [(0, _l("The six default categories, criteria and rounds"))]
            + [
                (
                    e.id,
                    _l(
                        "A copy of %(name)s of %(show)s (categories, criteria and weights, rounds, juries, settings)",
                        name=e.name,
                        show=e.show.name,
                    ),
                )
                for e in editions
            ]
        )


class ShowForm(FlaskForm):
    """A show: its name, and the name its pages, mails and ceremony workbook carry."""

    name = StringField(_l("Name of the show, e.g. Milipol Qatar"), validators=[DataRequired(), Length(max=200)])
    branding_name = StringField(
        _l("Branding name (empty: the name followed by Innovation Awards)"), validators=[Optional(), Length(max=200)]
    )


class CategoryForm(FlaskForm):
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    name_fr = StringField(_l("Name (French)"), validators=[DataRequired(), Length(max=200)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional(), Length(max=2000)])
    description_fr = TextAreaField(_l("Description (French)"), validators=[Optional(), Length(max=2000)])
    position = IntegerField(_l("Ceremony order"), validators=[DataRequired(), NumberRange(min=1, max=99)])
    jurors_per_entry = IntegerField(_l("Jurors per entry"), validators=[DataRequired(), NumberRange(min=1, max=50)])


class DisqualifyForm(FlaskForm):
    reason = TextAreaField(_l("Reason (shown to the exhibitor)"), validators=[DataRequired(), Length(min=5, max=1000)])


class ReinstateForm(FlaskForm):
    reason = TextAreaField(_l("Why reinstate it (recorded)"), validators=[DataRequired(), Length(min=5, max=1000)])


class UnfreezeForm(FlaskForm):
    reason = TextAreaField(
        _l("Why unfreeze the results (recorded)"), validators=[DataRequired(), Length(min=5, max=1000)]
    )


class ShortlistForm(FlaskForm):
    rule = SelectField(
        _l("Who goes through"),
        choices=options(
            [("top", _l("The top N")), ("threshold", _l("A score threshold")), ("manual", _l("Hand-picked"))]
        ),
    )
    top = IntegerField(_l("N"), validators=[Optional(), NumberRange(min=1, max=500)])
    threshold = DecimalField(
        _l("Minimum score (0 to 100)"), places=1, validators=[Optional(), NumberRange(min=0, max=100)]
    )
    notify = BooleanField(_l("Tell the exhibitors, in their language"))


class RoundForm(ZonedDates, FlaskForm):
    """A round's settings; its times are in the edition's time zone."""

    zoned_fields = ("scoring_opens_at", "scoring_closes_at", "visit_starts_at")
    name = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=100)])
    name_fr = StringField(_l("Name (French)"), validators=[DataRequired(), Length(max=100)])
    scoring_opens_at = MinuteField(_l("Scoring opens (empty: the edition's)"), validators=[Optional()])
    scoring_closes_at = MinuteField(_l("Scoring closes (empty: the edition's)"), validators=[Optional()])
    jurors_per_entry = IntegerField(
        _l("Jurors per entry (empty: the category's, or the whole jury for a final)"),
        validators=[Optional(), NumberRange(min=1, max=50)],
    )
    method = SelectField(
        _l("Aggregation method (empty: the edition's)"),
        choices=options([("", "—")] + [(m, METHOD_LABELS[m]) for m in SCORING_METHODS]),
    )
    previous_round_weight = IntegerField(
        _l("Weight of the previous round in this round's result (%)"),
        validators=[InputRequired(), NumberRange(min=0, max=100)],
    )
    visit_starts_at = MinuteField(_l("Stand visits start"), validators=[Optional()])
    slot_minutes = IntegerField(_l("Minutes per stand"), validators=[InputRequired(), NumberRange(min=1, max=120)])

    def __init__(self, *args, zone: str = "Europe/Paris", **kwargs):
        self.zone = zone
        super().__init__(*args, **kwargs)
        self.show_in_zone()

    def validate_scoring_closes_at(self, field):
        if field.data and self.scoring_opens_at.data and field.data <= self.scoring_opens_at.data:
            raise ValidationError(_l("Scoring must close after it opens."))


class JointWinnersForm(FlaskForm):
    reason = TextAreaField(_l("Why the jury keeps the tie"), validators=[DataRequired(), Length(min=5, max=1000)])


class OverrideForm(FlaskForm):
    reason = TextAreaField(
        _l("Why export before every sign-off (recorded)"), validators=[DataRequired(), Length(min=5, max=1000)]
    )


class PublishForm(FlaskForm):
    # Checked by the service, not here, so that a missing tick is refused with the readiness list beside it.
    confirm = BooleanField(_l("I have checked this list: publish the winners page now"))


class SendMailsForm(FlaskForm):
    confirm = BooleanField(_l("Send the result mails to every exhibitor now (once only)"))


class UnpublishForm(FlaskForm):
    reason = TextAreaField(_l("Why unpublish the results (recorded)"), validators=[Optional(), Length(max=1000)])


class _Checkboxes(SelectMultipleField):
    """Several choices, one checkbox each."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _at_least_one(message):
    """Like DataRequired, without its `required` flag: on checkboxes the browser would demand that every box be
    ticked and silently refuse to send the form."""

    def check(form, field):
        if not field.data:
            raise ValidationError(message)

    return check


SCOPE_LABELS = {
    "read-results": _l("read-results: rankings and scores, even before publication"),
    "read-entries": _l("read-entries: entries with their answers and attachments' details, companies"),
    "write-companies": _l("write-companies: import and update companies and their contacts"),
    "invite-jurors": _l("invite-jurors: seat jurors on a jury and mail their invitations"),
}
EVENT_LABELS = {
    "entry.submitted": _l("An entry is submitted"),
    "results.published": _l("The results are published"),
    "winner.changed": _l("A category's winner changed since the previous publication"),
}


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Name (who or what uses it)"), validators=[DataRequired(), Length(max=100)])
    scopes = _Checkboxes(
        _l("Scopes"),
        choices=options(SCOPE_LABELS.items()),
        validators=[_at_least_one(_l("Choose at least one scope."))],
    )


class WebhookForm(FlaskForm):
    url = StringField(_l("Endpoint address"), validators=[DataRequired(), Length(max=500)])
    events = _Checkboxes(
        _l("Events"),
        choices=options(EVENT_LABELS.items()),
        validators=[_at_least_one(_l("Choose at least one event."))],
    )


class CompanyForm(FlaskForm):
    """A company's details in the directory."""

    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    country = CountryField(_l("Country"), validators=[DataRequired()])
    hall = StringField(_l("Hall"), validators=[Optional(), Length(max=20)])
    stand = StringField(_l("Stand"), validators=[Optional(), Length(max=20)])
    is_startup = BooleanField(_l("Start-up"))
    contact_email = EmailField(
        _l("Contact email"), validators=[Optional(), Email(check_deliverability=False), Length(max=254)]
    )


class InviteContactForm(FlaskForm):
    """Invite someone into a company: its contact (the first account of an imported company) or a colleague."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    language = SelectField(_l("Language of the mail"), choices=LANGUAGE_CHOICES, default="en")


class MergeForm(FlaskForm):
    """Name the duplicate to fold into this company (accents and case aside); `confirm` is set by the preview."""

    duplicate = StringField(_l("Name of the duplicate company"), validators=[DataRequired(), Length(max=200)])
    confirm = HiddenField()


ORGANISER_ROLE_LABELS = {
    "full": _l("Full organiser"),
    "read_only": _l("Read-only"),
    "communications": _l("Communications"),
}


class OrganiserRoleForm(FlaskForm):
    organiser_role = SelectField(_l("Organiser role"), choices=options(ORGANISER_ROLE_LABELS.items()))


BULK_LABELS = {
    "disqualify": _l("Disqualify"),
    "reinstate": _l("Reinstate"),
    "move": _l("Move to another category"),
    "export": _l("Export to a workbook (xlsx)"),
    "message": _l("Write to their exhibitors"),
}


class BulkForm(FlaskForm):
    """An action on the entries ticked in the list (or every entry matching its filter)."""

    action = SelectField(_l("With the selected entries"), choices=options(BULK_LABELS.items()))
    reason = TextAreaField(_l("Reason (shown to the exhibitor, recorded)"), validators=[Length(max=1000)])
    to_category = SelectField(_l("Move to"), coerce=int, validate_choice=False)
    confirm = HiddenField()

    def validate_reason(self, field):
        if (
            self.confirm.data
            and self.action.data in ("disqualify", "reinstate")
            and len((field.data or "").strip()) < 5
        ):
            raise ValidationError(_l("Give the reason, in a few words (at least 5 characters)."))

    def validate_to_category(self, field):
        if self.confirm.data and self.action.data == "move" and not field.data:
            raise ValidationError(_l("Choose the category to move them to."))


class MessageForm(FlaskForm):
    """An announcement: to whom, and its text in English (required) and French (empty: the English one)."""

    audience = SelectField(_l("To"))
    subject_en = StringField(_l("Subject (English)"), validators=[DataRequired(), Length(max=200)])
    body_en = TextAreaField(_l("Message (English)"), validators=[DataRequired(), Length(max=10000)])
    subject_fr = StringField(_l("Subject (French)"), validators=[Length(max=200)])
    body_fr = TextAreaField(_l("Message (French)"), validators=[Length(max=10000)])
    entry_ids = HiddenField()
    confirm = HiddenField()

    def __init__(self, *args, **kwargs):
        from ..domain.messaging import AUDIENCE_LABELS

        super().__init__(*args, **kwargs)
        self.audience.choices = options(AUDIENCE_LABELS.items())

    def selected_entries(self) -> tuple[int, ...]:
        return tuple(int(i) for i in (self.entry_ids.data or "").split(",") if i.isdigit())[:5000]

    def _no_unknown_placeholders(self, field):
        from ..domain.messaging import PLACEHOLDERS, unknown_placeholders

        unknown = unknown_placeholders(field.data or "")
        if unknown:
            raise ValidationError(
                _l("Unknown placeholder(s): %(unknown)s. Use only %(known)s.")
                % {
                    "unknown": ", ".join("{" + u + "}" for u in unknown),
                    "known": ", ".join("{" + p + "}" for p in PLACEHOLDERS),
                }
            )

    validate_body_en = validate_subject_en = validate_subject_fr = _no_unknown_placeholders

    def validate_body_fr(self, field):
        self._no_unknown_placeholders(field)
        if bool((field.data or "").strip()) != bool((self.subject_fr.data or "").strip()):
            raise ValidationError(_l("Give both the French subject and message, or neither (the English is sent)."))


class SaveViewForm(FlaskForm):
    name = StringField(_l("Save this view as"), validators=[DataRequired(), Length(max=100)])
