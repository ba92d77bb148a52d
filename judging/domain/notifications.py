"""Every mail the awards send, queued in the transaction of the action that causes it (the outbox).

`queue` renders the mail `templates/mail/<kind>.txt` (its `subject` and `body` blocks) in the recipient's
language through the catalogue, wraps the text in the HTML layout `mail/layout.html`, and adds an
`OutboxMessage` row to the session. Nothing is sent here: the commit wakes the worker (`judging.tasks`), a
rollback leaves no row, so no mail. The key makes a notification idempotent: queued twice with the same key
(per recipient), it is written once.
"""

from __future__ import annotations

import hashlib
import re
import uuid

from flask import current_app
from flask_babel import force_locale
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from ..extensions import db
from ..mail import PENDING, header_text
from ..models import OutboxMessage, User

KINDS = (
    "account_exists",
    "confirm_address",
    "password_reset",
    "no_account",
    "colleague_exists",
    "colleague_invitation",
    "company_taken",
    "company_contact_invitation",
    "announcement",
    "jury_invitation",
    "cards_voided",
    "reminder",
    "receipt",
    "shortlist",
    "results",
    "signoff_void",
)

_URL = re.compile(r"https?://[^\s<>\"']+")


def html_paragraphs(text: str) -> list[Markup]:
    """The text part as HTML paragraphs: every character escaped, line breaks kept, links clickable."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = []
        for line in block.splitlines():
            parts, last = [], 0
            for match in _URL.finditer(line):
                url = match.group(0)
                parts.append(escape(line[last : match.start()]))
                parts.append(Markup('<a href="{0}">{0}</a>').format(url))
                last = match.end()
            parts.append(escape(line[last:]))
            lines.append(Markup("").join(parts))
        paragraphs.append(Markup("<br>\n").join(lines))
    return paragraphs


def render(kind: str, *, language: str, branding: str = "", **context) -> tuple[str, str, str]:
    """(subject, text, html) of the mail `kind` in `language`, headed by the show's `branding` name when given."""
    if kind not in KINDS:
        raise ValueError(f"unknown mail {kind!r}")
    env = current_app.jinja_env
    template = env.get_template(f"mail/{kind}.txt")
    with force_locale(language):
        values = dict(context, language=language)
        blocks = template.blocks
        subject = header_text("".join(blocks["subject"](template.new_context(values))))
        text = re.sub(r"\n{3,}", "\n\n", "".join(blocks["body"](template.new_context(values))).strip()) + "\n"
        html = env.get_template("mail/layout.html").render(
            subject=subject, paragraphs=html_paragraphs(text), language=language, branding=branding
        )
    return subject, text, html


def _key(kind: str, key: str | None, to: str) -> str:
    raw = f"{kind}:{key or uuid.uuid4().hex}:{to}"
    return raw if len(raw) <= 200 else f"{kind}:{hashlib.sha256(raw.encode()).hexdigest()}"


def queue(
    kind: str, *, to: str, language: str, key: str | None = None, session: Session | None = None, **context
) -> OutboxMessage | None:
    """Write the mail `kind` to `to` into the outbox of the current transaction; None when already queued.

    `key` names the message (e.g. "edition:3" for an edition's result mails): with the recipient it is unique,
    so a second call with the same key adds nothing. Without a key every call is a new message (a reset link).
    """
    session = session or db.session
    language = "fr" if language == "fr" else "en"
    full_key = _key(kind, key, to)
    if key is not None and session.query(OutboxMessage.id).filter_by(key=full_key).first() is not None:
        return None
    subject, text, html = render(kind, language=language, **context)
    row = OutboxMessage(
        key=full_key, kind=kind, to=header_text(to), language=language, subject=subject, body_text=text, body_html=html
    )
    session.add(row)
    session.info[PENDING] = True
    return row


def notify(user: User, kind: str, *, key: str | None = None, session: Session | None = None, **context):
    """`queue` to a user, in the user's language (mails follow the reader, not the sender)."""
    return queue(kind, to=user.email, language=user.language, key=key, session=session, user=user, **context)


def resend(*, actor: User, message: OutboxMessage) -> OutboxMessage:
    """Queue a copy of a mail (failed, or lost by its recipient) as a new message; recorded in the audit trail."""
    from . import audit

    copy = OutboxMessage(
        key=f"resend:{message.id}:{uuid.uuid4().hex}",
        kind=message.kind,
        to=message.to,
        language=message.language,
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        resent_from_id=message.id,
    )
    db.session.add(copy)
    db.session.info[PENDING] = True
    audit.record(
        actor=actor,
        action="mail.resend",
        obj=message,
        edition_id=None,
        after={"to": message.to, "subject": message.subject},
    )
    db.session.flush()
    return copy
