"""Announcements to exhibitors and jurors: who receives one (an audience of the edition), what each recipient
reads (their own language, their name, company and the deadline filled in), and the log of what went to whom.

Mails go into the outbox (`notifications.queue`, kind "announcement") in the same transaction as the log row:
nothing goes out if the action is rolled back, and each recipient gets the message once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import force_locale, format_date, format_time, gettext as _, lazy_gettext as _l

from ..errors import Refused
from ..extensions import db
from ..models import (
    MESSAGE_AUDIENCES,
    Category,
    Edition,
    Entry,
    Jury,
    JuryMember,
    Message,
    MessageRecipient,
    User,
)
from . import audit, notifications

AUDIENCE_LABELS = {
    "exhibitors": _l("Every exhibitor with an account"),
    "exhibitors_with_drafts": _l("Exhibitors with an unsubmitted draft"),
    "exhibitors_submitted": _l("Exhibitors with a submitted entry"),
    "exhibitors_without_entry": _l("Exhibitors with an account but no entry yet"),
    "jurors": _l("Every juror of the edition"),
    "jurors_behind": _l("Jurors behind schedule"),
    "selected_entries": _l("The exhibitors of the entries chosen in the list"),
}
PLACEHOLDERS = ("name", "company", "deadline", "edition")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def recipients(edition: Edition, audience: str, *, entry_ids: tuple[int, ...] = ()) -> list[User]:
    """The active accounts an announcement to `audience` reaches, once each, sorted by email."""
    if audience not in MESSAGE_AUDIENCES:
        raise Refused(_("Choose who receives the message."), 400, field="audience")
    if audience in ("jurors", "jurors_behind"):
        if audience == "jurors_behind":
            from .progress import jurors_behind

            ids = {juror.id for juror, _submitted, _assigned in jurors_behind(edition)}
            query = db.select(User).where(User.id.in_(ids))
        else:
            seated = (
                db.select(JuryMember.user_id)
                .join(Jury, Jury.id == JuryMember.jury_id)
                .join(Category, Category.id == Jury.category_id)
                .where(Category.edition_id == edition.id)
            )
            query = db.select(User).where(User.id.in_(seated))
        return list(db.session.scalars(query.where(User.active, User.role == "juror").order_by(User.email)))
    in_edition = db.select(Entry.organisation_id).where(Entry.edition_id == edition.id)
    query = db.select(User).where(User.active, User.role == "exhibitor", User.organisation_id.is_not(None))
    if audience == "exhibitors_with_drafts":
        query = query.where(User.organisation_id.in_(in_edition.where(Entry.status == "draft")))
    elif audience == "exhibitors_submitted":
        query = query.where(User.organisation_id.in_(in_edition.where(Entry.status == "submitted")))
    elif audience == "exhibitors_without_entry":
        query = query.where(User.organisation_id.not_in(in_edition))
    elif audience == "selected_entries":
        query = query.where(User.organisation_id.in_(in_edition.where(Entry.id.in_(entry_ids or (-1,)))))
    return list(db.session.scalars(query.order_by(User.email)))


def unknown_placeholders(text: str) -> list[str]:
    """The {words} in `text` that are not placeholders we fill in (a typo would reach every recipient as is)."""
    return sorted({m for m in _PLACEHOLDER.findall(text) if m not in PLACEHOLDERS})


def personalise(text: str, *, user: User, edition: Edition) -> str:
    """The text as `user` reads it: {name}, {company}, {deadline} (in the edition's zone and the reader's
    language) and {edition} filled in; any other brace is left as typed."""
    from .editions import to_local

    deadline = "—"
    if edition.submission_deadline is not None:
        with force_locale(user.language):
            local = to_local(edition.submission_deadline, edition.timezone)
            deadline = f"{format_date(local, 'long')}, {format_time(local, 'short')} ({edition.timezone})"
    values = {
        "name": user.name or user.email,
        "company": user.organisation.name if user.organisation else "",
        "deadline": deadline,
        "edition": edition.name,
    }
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


@dataclass(frozen=True)
class Draft:
    audience: str
    subject_en: str
    body_en: str
    subject_fr: str
    body_fr: str
    entry_ids: tuple[int, ...] = ()

    def text_for(self, language: str) -> tuple[str, str]:
        """(subject, body) in `language`; the English text for a language left empty."""
        if language == "fr" and self.subject_fr.strip() and self.body_fr.strip():
            return self.subject_fr, self.body_fr
        return self.subject_en, self.body_en


def preview(edition: Edition, draft: Draft) -> tuple[list[User], dict[str, tuple[str, str]]]:
    """(the recipients, language -> the mail the first reader of that language will get)."""
    people = recipients(edition, draft.audience, entry_ids=draft.entry_ids)
    samples = {}
    for user in people:
        if user.language not in samples:
            subject, body = draft.text_for(user.language)
            samples[user.language] = (
                personalise(subject, user=user, edition=edition),
                personalise(body, user=user, edition=edition),
            )
    return people, samples


def send_message(*, actor: User, edition: Edition, draft: Draft, key: str | None = None, progress=None) -> Message:
    """Send the announcement to each recipient in their language and log it (message and recipients). `key` names
    the mails in the outbox (default: the message), once per recipient; `progress(done, total)` follows the
    queuing (a job's progress bar)."""
    people = recipients(edition, draft.audience, entry_ids=draft.entry_ids)
    if not people:
        raise Refused(_("Nobody receives this message: choose another audience."), 409, field="audience")
    message = Message(
        edition_id=edition.id,
        audience=draft.audience,
        subject_en=draft.subject_en,
        body_en=draft.body_en,
        subject_fr=draft.subject_fr,
        body_fr=draft.body_fr,
        sent_by_id=actor.id,
    )
    db.session.add(message)
    db.session.flush()  # the message's id names each mail in the outbox
    key = key or f"message:{message.id}"
    for done, user in enumerate(people, start=1):
        language = "fr" if user.language == "fr" else "en"
        subject, body = (personalise(t, user=user, edition=edition) for t in draft.text_for(language))
        notifications.queue(
            "announcement",
            to=user.email,
            language=language,
            key=key,
            subject=subject,
            body=body,
            branding=edition.show.branding_name,
        )
        message.recipients.append(MessageRecipient(user_id=user.id, email=user.email, language=user.language))
        if progress is not None and (done % 50 == 0 or done == len(people)):
            progress(done, len(people))
    db.session.flush()
    audit.record(
        actor=actor,
        action="message.send",
        obj=message,
        edition_id=edition.id,
        after={"audience": draft.audience, "recipients": len(people), "subject": draft.subject_en},
    )
    db.session.flush()
    return message


def sent_messages(edition: Edition) -> list[tuple[Message, int]]:
    """The edition's messages, newest first, each with how many received it."""
    from sqlalchemy import func

    count = (
        db.select(func.count(MessageRecipient.id))
        .where(MessageRecipient.message_id == Message.id)
        .correlate(Message)
        .scalar_subquery()
    )
    return [
        (message, n)
        for message, n in db.session.execute(
            db.select(Message, count).where(Message.edition_id == edition.id).order_by(Message.sent_at.desc())
        )
    ]
