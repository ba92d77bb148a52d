"""Entry writes: create, edit, submit, back to draft, attach. Changes the session; the request commits."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from ..errors import Refused
from ..extensions import db
from ..models import MAX_ATTACHMENTS, Attachment, Category, Edition, Entry, User, utcnow
from ..storage import local_root, storage
from ..templating import language
from ..uploads import (
    RejectedUpload,
    is_stored_name,
    rendition_path,
    safe_display_name,
    store_upload,
    tablet_rendition,
)
from . import audit, webhooks

EDITABLE_FIELDS = (
    "title",
    "summary",
    "innovation_type",
    "what_is_new",
    "operational_benefit",
    "maturity",
    "availability_date",
    "initiative",
    "measurable_impact",
    "beneficiaries",
)

# Which questions each category's question set asks, required before submission.
QUESTIONS = {
    "product": ("what_is_new", "operational_benefit", "maturity", "availability_date"),
    "csr": ("initiative", "measurable_impact", "beneficiaries"),
}
ALWAYS_REQUIRED = ("title", "summary", "innovation_type")


def _ensure_open(edition: Edition) -> None:
    if edition.status != "live":
        raise Refused(_("This edition is not open for entries."), 403)
    if not edition.accepts_entries():
        raise Refused(_("The submission deadline has passed: entries can no longer be created or changed."), 403)


def _counted_entries(organisation_id: int):
    """The entries that count against the per-category limit: every one of the company but the withdrawn."""
    return db.select(func.count(Entry.id)).where(Entry.organisation_id == organisation_id, Entry.status != "withdrawn")


def entries_left(edition: Edition, organisation_id: int) -> dict[int, int]:
    """How many more entries the company may create in each category of the edition (0: the limit is reached),
    said before the form is filled."""
    counted = (
        _counted_entries(organisation_id)
        .add_columns(Entry.category_id)
        .where(Entry.edition_id == edition.id)
        .group_by(Entry.category_id)
    )
    used = {category_id: n for n, category_id in db.session.execute(counted)}
    return {c.id: max(edition.max_entries_per_category - used.get(c.id, 0), 0) for c in edition.categories}


def _ensure_within_limit(
    edition: Edition, category: Category, organisation_id: int, ignore_entry: Entry | None = None
) -> None:
    query = _counted_entries(organisation_id).where(Entry.category_id == category.id)
    if ignore_entry is not None:
        query = query.where(Entry.id != ignore_entry.id)
    if db.session.scalar(query) >= edition.max_entries_per_category:
        raise Refused(
            _(
                "Your company already has %(n)d entry(ies) in '%(category)s', the limit for this edition.",
                n=edition.max_entries_per_category,
                category=category.name(language()),
            ),
            409,
            field="category",
        )


def _category_of(edition: Edition, category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None or category.edition_id != edition.id:
        raise Refused(_("Choose one of this edition's categories."), 400, field="category")
    return category


def _apply(entry: Entry, values: dict) -> None:
    for field in EDITABLE_FIELDS:
        if field in values:
            value = values[field]
            setattr(entry, field, value if value is not None or field == "availability_date" else "")


def create_entry(*, user: User, edition: Edition, category_id: int, values: dict) -> Entry:
    """Create a draft for the user's organisation, within the deadline and the per-category limit."""
    _ensure_open(edition)
    category = _category_of(edition, category_id)
    _ensure_within_limit(edition, category, user.organisation_id)
    entry = Entry(
        edition=edition, category=category, organisation_id=user.organisation_id, created_by_id=user.id, status="draft"
    )
    _apply(entry, values)
    db.session.add(entry)
    db.session.flush()
    return entry


def update_entry(*, entry: Entry, category_id: int, values: dict) -> Entry:
    """Save an edit; a submitted entry stays submitted and must still be complete."""
    _ensure_open(entry.edition)
    if not entry.is_editable_status:
        raise Refused(_("A withdrawn or disqualified entry cannot be changed."), 409)
    if category_id != entry.category_id:
        if entry.status != "draft":
            raise Refused(_("Take the entry back to draft to change its category."), 409, field="category")
        category = _category_of(entry.edition, category_id)
        _ensure_within_limit(entry.edition, category, entry.organisation_id, ignore_entry=entry)
        entry.category = category
    _apply(entry, values)
    if entry.status == "submitted" and missing_answers(entry):
        db.session.rollback()
        raise Refused(
            _(
                "A submitted entry must stay complete: %(fields)s cannot be left empty.",
                fields=", ".join(missing_answers(entry)),
            ),
            400,
        )
    db.session.flush()
    return entry


def missing_answers(entry: Entry) -> list[str]:
    """The questions of the entry's category still unanswered (names of the fields)."""
    required = ALWAYS_REQUIRED + QUESTIONS[entry.category.question_set]
    missing = []
    for field in required:
        value = getattr(entry, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(field)
    return missing


def submit_entry(*, entry: Entry) -> Entry:
    _ensure_open(entry.edition)
    if entry.status != "draft":
        raise Refused(_("Only a draft can be submitted."), 409)
    if missing_answers(entry):
        raise Refused(
            _("Answer every question before submitting: %(fields)s.", fields=", ".join(missing_answers(entry))), 400
        )
    entry.status = "submitted"
    entry.submitted_at = utcnow()
    db.session.flush()
    send_receipt(entry)
    webhooks.emit("entry.submitted", event_data(entry))
    return entry


def event_data(entry: Entry) -> dict:
    """What a webhook tells about an entry (no answers: those are read through the API with its scope)."""
    return {
        "entry": {
            "id": entry.id,
            "title": entry.title,
            "status": entry.status,
            "submitted_at": entry.submitted_at.isoformat() + "Z" if entry.submitted_at else None,
        },
        "category": {"id": entry.category_id, "code": entry.category.code},
        "company": {"id": entry.organisation_id, "name": entry.organisation.name},
        "edition": {"id": entry.edition_id, "slug": entry.edition.slug},
    }


def send_receipt(entry: Entry) -> None:
    """The submission receipt, to each contact of the company, in their language."""
    from . import notifications

    when = entry.submitted_at.strftime("%Y-%m-%d %H:%M UTC")
    for user in db.session.scalars(
        db.select(User).where(User.organisation_id == entry.organisation_id, User.role == "exhibitor")
    ):
        notifications.notify(
            user,
            "receipt",
            # One receipt per submission: submitted again after "back to draft", it is a new one.
            key=f"entry:{entry.id}:{entry.submitted_at.isoformat()}",
            title=entry.title,
            category=entry.category.name(user.language),
            when=when,
            branding=entry.edition.show.branding_name,
        )


def back_to_draft(*, entry: Entry) -> Entry:
    """Take a submitted entry back to draft before the deadline: it is not judged unless submitted again, and
    every answer and file is kept (this replaced withdrawing, which made the exhibitor retype everything)."""
    _ensure_open(entry.edition)
    if entry.status != "submitted":
        raise Refused(_("Only a submitted entry can go back to draft."), 409)
    entry.status = "draft"
    entry.submitted_at = None
    db.session.flush()
    return entry


def add_attachment(*, entry: Entry, user: User, data: bytes, filename: str, folder: str | None = None) -> Attachment:
    """Validate the file by its content and attach it; the entry is unchanged when the file is refused. The file
    goes to the app's storage (shared by every app machine), or to the directory `folder` when given."""
    _ensure_changeable(entry)
    if len(entry.attachments) >= MAX_ATTACHMENTS:
        raise Refused(_("An entry can have at most %(n)d files.", n=MAX_ATTACHMENTS), 400)
    return _attach(entry, user, keep_file(data=data, filename=filename, folder=folder), storage(folder))


def keep_file(*, data: bytes, filename: str, folder: str | None = None) -> dict:
    """Validate a file by its content and store it, not yet attached: what the entry form keeps when it is
    refused for another field, so the exhibitor does not choose the file again. Returns the file's description
    (plain data, for the session), to give to `attach_kept_files` or `discard_kept_files`."""
    try:
        stored = store_upload(data, storage(folder))
    except RejectedUpload as error:
        raise Refused(_(str(error)), 400, field="files") from error
    return {
        "stored_name": stored.stored_name,
        "original_name": safe_display_name(filename),
        "content_type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256,
    }


def attach_kept_files(*, entry: Entry, user: User, kept: list[dict], folder: str | None = None) -> None:
    """Attach the files `keep_file` stored, once the entry form is saved; refused (nothing attached) beyond
    the limit of files per entry."""
    if not kept:
        return
    _ensure_changeable(entry)
    if len(entry.attachments) + len(kept) > MAX_ATTACHMENTS:
        raise Refused(_("An entry can have at most %(n)d files.", n=MAX_ATTACHMENTS), 400, field="files")
    files = storage(folder)
    for file in kept:
        if is_stored_name(file.get("stored_name")) and files.exists(file["stored_name"]):
            _attach(entry, user, file, files)


def discard_kept_files(kept: list[dict], folder: str | None = None) -> None:
    """Delete files `keep_file` stored that the exhibitor removed before saving."""
    files = storage(folder)
    for file in kept:
        if is_stored_name(file.get("stored_name")):
            files.delete(file["stored_name"])


def _ensure_changeable(entry: Entry) -> None:
    _ensure_open(entry.edition)
    if not entry.is_editable_status:
        raise Refused(_("A withdrawn or disqualified entry cannot be changed."), 409)


def _attach(entry: Entry, user: User, file: dict, files) -> Attachment:
    attachment = Attachment(entry=entry, uploaded_by_id=user.id, **file)
    db.session.add(attachment)
    try:
        db.session.flush()  # the insert reaches the database now, so the slot constraint speaks here
    except IntegrityError:  # another upload took the last free slot at the same moment
        db.session.rollback()
        files.delete(file["stored_name"])
        raise Refused(_("An entry can have at most %(n)d files.", n=MAX_ATTACHMENTS), 409) from None
    # Made now, so that the jury's tablets download (and keep offline) the small copy from the first day (beside
    # the files, when they are in a directory; from object storage the tablets get the original).
    root = local_root(files)
    if root is not None:
        tablet_rendition(root, file["stored_name"], sha256=file["sha256"], content_type=file["content_type"])
    return attachment


def remove_attachment(*, attachment: Attachment, folder: str | None = None) -> None:
    _ensure_changeable(attachment.entry)
    name = attachment.stored_name if is_stored_name(attachment.stored_name) else None
    sha256 = attachment.sha256
    files = storage(folder)
    root = local_root(files)
    rendition = rendition_path(root, sha256=sha256, content_type=attachment.content_type) if root else None
    db.session.delete(attachment)
    db.session.flush()
    if name is not None:
        files.delete(name)
    # Renditions are kept by content: another file with the same bytes still uses it.
    if rendition is not None and not db.session.scalar(
        db.select(Attachment.id).where(Attachment.sha256 == sha256).limit(1)
    ):
        rendition.unlink(missing_ok=True)


def disqualify_entry(*, actor: User, entry: Entry, reason: str) -> Entry:
    if entry.status not in ("submitted", "draft"):
        raise Refused(_("Only a draft or submitted entry can be disqualified."), 409)
    # A disqualification changes the result: refused while it is frozen or published, so that the public page,
    # the frozen ranking and its sign-off never disagree. Unpublishing and unfreezing are recorded steps.
    if entry.status == "submitted" and entry.edition.results_state == "published":
        raise Refused(
            _(
                "The results are published: unpublish them (this hides the winners page at once), then "
                "unfreeze them, before disqualifying this entry. Publish again once the jury has signed "
                "off the new ranking."
            ),
            409,
        )
    if entry.status == "submitted" and entry.edition.results_state == "frozen":
        raise Refused(
            _("The results are frozen: unfreeze them (with the reason) before disqualifying this entry."), 409
        )
    before = {"status": entry.status, "reason": entry.disqualification_reason}
    entry.status = "disqualified"
    entry.disqualification_reason = reason.strip()
    audit.record(
        actor=actor,
        action="entry.disqualify",
        obj=entry,
        edition_id=entry.edition_id,
        before=before,
        after={"status": entry.status, "reason": entry.disqualification_reason},
    )
    db.session.flush()
    return entry


def reinstate_entry(*, actor: User, entry: Entry, reason: str) -> Entry:
    """Undo a disqualification: the entry is back as it was (submitted, or a draft), the reason recorded."""
    if entry.status != "disqualified":
        raise Refused(_("Only a disqualified entry can be reinstated."), 400)  # already done, e.g. in another tab
    # Like a disqualification, bringing a submitted entry back changes the result: not while it is frozen.
    if entry.submitted_at is not None and entry.edition.results_state != "open":
        raise Refused(
            _("The results are frozen or published: unfreeze them (with the reason) before reinstating this entry."),
            409,
        )
    before = {"status": entry.status, "reason": entry.disqualification_reason}
    entry.status = "submitted" if entry.submitted_at is not None else "draft"
    entry.disqualification_reason = ""
    audit.record(
        actor=actor,
        action="entry.reinstate",
        obj=entry,
        edition_id=entry.edition_id,
        before=before,
        after={"status": entry.status, "reason": reason.strip()},
    )
    db.session.flush()
    return entry


def move_problem(entry: Entry, category: Category) -> str | None:
    """Why `entry` cannot move to `category` (None: it can): same edition, same questions, no juror yet."""
    from ..models import Assignment

    if category.edition_id != entry.edition_id:
        return _("Choose one of this edition's categories.")
    if category.id == entry.category_id:
        return _("It is already in this category.")
    if category.question_set != entry.category.question_set:
        return _("That category asks other questions: the exhibitor would have to answer them again.")
    if db.session.scalar(db.select(Assignment.id).where(Assignment.entry_id == entry.id).limit(1)) is not None:
        return _("Jurors are already assigned to it: remove them first.")
    return None


def move_entry(*, actor: User, entry: Entry, category: Category) -> Entry:
    """Move an entry to another category of its edition (a wrong choice by the exhibitor), within the company's
    entry limit there, before any juror is assigned; recorded in the audit trail."""
    problem = move_problem(entry, category)
    if problem:
        raise Refused(problem, 409, field="category")
    if entry.status != "withdrawn":
        _ensure_within_limit(entry.edition, category, entry.organisation_id, ignore_entry=entry)
    before = {"category": entry.category.code}
    entry.category = category
    entry.round_reached = 1
    audit.record(
        actor=actor,
        action="entry.move_category",
        obj=entry,
        edition_id=entry.edition_id,
        before=before,
        after={"category": category.code},
    )
    db.session.flush()
    return entry
