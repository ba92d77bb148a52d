"""Who may do what: small named predicates used by routes and templates alike."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from ..models import Entry, User


def is_organiser(user: User) -> bool:
    return bool(user and user.is_authenticated and user.role == "organiser")


# Organiser pages a communications organiser may use beyond reading: messages to exhibitors and jurors.
COMMUNICATION_ENDPOINTS = frozenset(
    {"organiser.send_reminders", "organiser.people.resend_invitation", "organiser.messages.send"}
)
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Posts that change no data, only which show and edition the organiser's own pages are about: every organiser.
NAVIGATION_ENDPOINTS = frozenset({"organiser.work_on_edition"})


def organiser_may(user: User, endpoint: str | None, method: str) -> bool:
    """The one rule for organiser roles: a full organiser does everything; a read-only organiser only reads;
    a communications organiser reads and sends messages (reminders, invitations), and changes nothing else."""
    if not is_organiser(user):
        return False
    if method in READING_METHODS or user.organiser_role == "full" or endpoint in NAVIGATION_ENDPOINTS:
        return True
    return user.organiser_role == "communications" and endpoint in COMMUNICATION_ENDPOINTS


def can_change(user: User, endpoint: str) -> bool:
    """Whether the page should offer `endpoint`'s form to this organiser (the server checks it again)."""
    return organiser_may(user, endpoint, "POST")


def can_follow_job(user: User, job, *, edition_id: int | None = None) -> bool:
    """A job's page and its file (a jury pack, a workbook of every answer): the organiser who started it, or a full
    organiser; the file is the edition's, so a job of another edition is refused when the page names one."""
    if not is_organiser(user) or not (job.created_by_id == user.id or user.organiser_role == "full"):
        return False
    return edition_id is None or edition_id == job.edition_id


def is_exhibitor(user: User) -> bool:
    return bool(user and user.is_authenticated and user.role == "exhibitor")


def is_juror(user: User) -> bool:
    return bool(user and user.is_authenticated and user.role == "juror")


def owns_entry(user: User, entry: Entry) -> bool:
    """An exhibitor sees and edits only the entries of their own organisation."""
    return is_exhibitor(user) and user.organisation_id is not None and entry.organisation_id == user.organisation_id


def can_view_entry(user: User, entry: Entry) -> bool:
    # Jurors get entries through their assignments (jury blueprint), never through this path.
    return is_organiser(user) or owns_entry(user, entry)


def can_edit_entry(user: User, entry: Entry) -> bool:
    return owns_entry(user, entry) and entry.is_editable_status


def role_required(*roles: str):
    """Route decorator: 401 to the login page when anonymous, 403 for another role."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from ..extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def judgeable_by(user: User):
    """SQL condition on `Entry`: the entries `user` may judge, the rule of `may_judge` for queries of many entries
    (a juror's list of dossiers), so that a list never shows what its links would refuse."""
    from ..extensions import db
    from ..models import Conflict, Jury, JuryMember

    seated = db.exists().where(
        JuryMember.user_id == user.id, JuryMember.jury_id == Jury.id, Jury.category_id == Entry.category_id
    )
    conflicted = db.exists().where(Conflict.juror_id == user.id, Conflict.organisation_id == Entry.organisation_id)
    condition = seated & ~conflicted
    if user.organisation_id is not None:
        condition = condition & (Entry.organisation_id != user.organisation_id)
    return condition


def may_judge(user: User, entry: Entry) -> bool:
    """A juror may see and score an entry only while sitting on its category's jury (in any jury role) and not
    conflicted with its company (a declared conflict, or the juror's employer). One query; checked by every
    jury path to an entry: scorecards, autosave, recusal, attachments, calibration samples."""
    from ..extensions import db

    if not is_juror(user) or entry is None:
        return False
    return db.session.scalar(db.select(Entry.id).where(Entry.id == entry.id, judgeable_by(user))) is not None


def is_assigned(user: User, entry: Entry) -> bool:
    """A juror with a live (not recused) assignment on the entry, in any round, who may still judge it."""
    from ..extensions import db
    from ..models import Assignment

    if not may_judge(user, entry):
        return False
    return (
        db.session.scalar(
            db.select(Assignment.id)
            .where(Assignment.entry_id == entry.id, Assignment.juror_id == user.id, Assignment.recused_at.is_(None))
            .limit(1)
        )
        is not None
    )


def can_view_attachment(user: User, attachment) -> bool:
    entry = attachment.entry
    return can_view_entry(user, entry) or is_assigned(user, entry)
