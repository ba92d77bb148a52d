"""What the API reads and writes, as marshmallow schemas: the OpenAPI document is generated from them."""

from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, fields, validate

from ..models import API_SCOPES, INNOVATION_TYPES, LANGUAGES


class UtcDateTime(fields.DateTime):
    """Times are stored as naive UTC: they leave as RFC 3339 with a Z."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")


# The app refuses text holding a NUL character (security.install_input_guards): the document says so.
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="Text cannot contain NUL characters.")


def text(*, max_length: int, min_length: int = 0, **kwargs) -> fields.Str:
    """A string the API accepts: at most `max_length` characters, no NUL."""
    return fields.Str(validate=[validate.Length(min=min_length, max=max_length), NO_NUL], **kwargs)


class Closed(Schema):
    class Meta:
        ordered = True


class EditionSchema(Closed):
    id = fields.Int(required=True)
    slug = fields.Str(required=True)
    name = fields.Str(required=True)
    venue = fields.Str(required=True)
    status = fields.Str(required=True, metadata={"enum": ["preparing", "live", "archived"]})
    results_state = fields.Str(required=True, metadata={"enum": ["open", "frozen", "published"]})
    # The trade show the edition belongs to (its short name); "current" is per show.
    show = fields.Str(required=True, attribute="show.slug", metadata={"description": "The show's short name"})
    is_current = fields.Bool(required=True)
    show_starts_on = fields.Date(allow_none=True)
    show_ends_on = fields.Date(allow_none=True)
    submission_deadline = UtcDateTime(allow_none=True)
    ceremony_at = UtcDateTime(allow_none=True)


class CategorySchema(Closed):
    id = fields.Int(required=True)
    code = fields.Str(required=True)
    name_en = fields.Str(required=True)
    name_fr = fields.Str(required=True)
    description_en = fields.Str(required=True)
    description_fr = fields.Str(required=True)
    question_set = fields.Str(required=True, metadata={"enum": ["product", "csr"]})
    position = fields.Int(required=True)


class ContactSchema(Closed):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = text(max_length=200, load_default="")
    language = fields.Str(load_default="en", validate=validate.OneOf(LANGUAGES))


class CompanySchema(Closed):
    id = fields.Int(dump_only=True)
    name = text(min_length=1, max_length=200, required=True)
    country = fields.Str(
        required=True,
        validate=validate.Regexp(r"^[A-Z]{2}$", error="An ISO 3166-1 alpha-2 code, e.g. FR."),
        metadata={"description": "ISO 3166-1 alpha-2 code, e.g. FR"},
    )
    hall = text(max_length=20, load_default="")
    stand = text(max_length=20, load_default="")
    is_startup = fields.Bool(load_default=False)
    contact_email = text(max_length=254, load_default="")
    contacts = fields.List(fields.Nested(ContactSchema), load_default=list, validate=validate.Length(max=50))


class CompanyPatchSchema(Closed):
    name = text(min_length=1, max_length=200)
    country = fields.Str(validate=validate.Regexp(r"^[A-Z]{2}$", error="An ISO 3166-1 alpha-2 code, e.g. FR."))
    hall = text(max_length=20)
    stand = text(max_length=20)
    is_startup = fields.Bool()
    contact_email = text(max_length=254)
    contacts = fields.List(fields.Nested(ContactSchema), validate=validate.Length(max=50))


class CompanyImportSchema(Closed):
    companies = fields.List(fields.Nested(CompanySchema), required=True, validate=validate.Length(min=1, max=1000))


class CompanyImportResultSchema(Closed):
    created = fields.Int(required=True)
    updated = fields.Int(required=True)
    unchanged = fields.Int(required=True)
    companies = fields.List(fields.Nested(CompanySchema), required=True)


class CompanyRefSchema(Closed):
    id = fields.Int(required=True)
    name = fields.Str(required=True)
    country = fields.Str(required=True)
    hall = fields.Str(required=True)
    stand = fields.Str(required=True)


class CategoryRefSchema(Closed):
    id = fields.Int(required=True)
    code = fields.Str(required=True)
    name_en = fields.Str(required=True)
    name_fr = fields.Str(required=True)


class AttachmentSchema(Closed):
    id = fields.Int(required=True)
    name = fields.Str(required=True, attribute="original_name")
    content_type = fields.Str(required=True)
    size = fields.Int(required=True, metadata={"description": "bytes"})
    sha256 = fields.Str(required=True)
    uploaded_at = UtcDateTime(required=True)


class AnswersSchema(Closed):
    summary = fields.Str(required=True)
    innovation_type = fields.Str(required=True, metadata={"enum": list(INNOVATION_TYPES)})
    what_is_new = fields.Str(required=True)
    operational_benefit = fields.Str(required=True)
    maturity = fields.Str(required=True)
    availability_date = fields.Date(allow_none=True, required=True)
    initiative = fields.Str(required=True)
    measurable_impact = fields.Str(required=True)
    beneficiaries = fields.Str(required=True)


class EntryRefSchema(Closed):
    id = fields.Int(required=True)
    title = fields.Str(required=True)
    company = fields.Str(required=True, attribute="organisation.name")
    company_id = fields.Int(required=True, attribute="organisation_id")


class EntrySchema(Closed):
    id = fields.Int(required=True)
    title = fields.Str(required=True)
    status = fields.Str(required=True, metadata={"enum": ["draft", "submitted", "withdrawn", "disqualified"]})
    edition = fields.Str(required=True, attribute="edition.slug")
    category = fields.Str(required=True, attribute="category.code")
    company = fields.Nested(CompanyRefSchema, attribute="organisation", required=True)
    answers = fields.Function(lambda entry: AnswersSchema().dump(entry), metadata={"type": "object"})
    attachments = fields.List(fields.Nested(AttachmentSchema), required=True)
    created_at = UtcDateTime(required=True)
    submitted_at = UtcDateTime(allow_none=True, required=True)


class PageArgs(Schema):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))


TOTAL_HEADER = {"X-Total-Count": {"description": "How many items all the pages hold", "schema": {"type": "integer"}}}


class EntryListArgs(PageArgs):
    status = fields.Str(validate=validate.OneOf(["draft", "submitted", "withdrawn", "disqualified"]))
    category = text(max_length=40, metadata={"description": "a category code"})


class CategoryWinnersSchema(Closed):
    category = fields.Nested(CategoryRefSchema, required=True)
    winners = fields.List(fields.Nested(EntryRefSchema), required=True)
    finalists = fields.List(fields.Nested(EntryRefSchema), required=True)


class WinnersSchema(Closed):
    edition = fields.Str(required=True)
    published = fields.Bool(required=True)
    categories = fields.List(fields.Nested(CategoryWinnersSchema), required=True)


class StandingSchema(Closed):
    rank = fields.Int(required=True)
    entry = fields.Nested(EntryRefSchema, required=True)
    score = fields.Float(allow_none=True, required=True, metadata={"description": "0 to 100"})
    scorecards = fields.Int(required=True)
    flags = fields.List(fields.Str(), required=True)
    outcome = fields.Str(allow_none=True, required=True, metadata={"enum": ["winner", "finalist", None]})


class CategoryResultsSchema(Closed):
    category_id = fields.Int(required=True)
    code = fields.Str(required=True)
    name = fields.Str(required=True)
    round_name = fields.Str(required=True)
    frozen = fields.Bool(required=True)
    standings = fields.List(fields.Nested(StandingSchema), required=True)


class ResultsSchema(Closed):
    edition = fields.Str(required=True)
    results_state = fields.Str(required=True, metadata={"enum": ["open", "frozen", "published"]})
    categories = fields.List(fields.Nested(CategoryResultsSchema), required=True)


class InvitationSchema(Closed):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = text(min_length=1, max_length=200, required=True)
    language = fields.Str(load_default="en", validate=validate.OneOf(LANGUAGES))


class InvitationResultSchema(Closed):
    email = fields.Str(required=True)
    category = fields.Str(required=True)
    invited = fields.Bool(required=True, metadata={"description": "false when the juror already had a password"})


SCOPES = API_SCOPES
