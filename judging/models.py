"""The awards data model: editions, categories, entries, juries, rounds and scorecards.

One edition has categories; each category has ordered rounds (pre-selection on the dossier, final on
the stand), each round its own criteria; a scorecard belongs to one juror, one entry and one round.
Times are stored as naive UTC datetimes on both SQLite and PostgreSQL.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db
from .text import fold


def utcnow() -> datetime:
    """Now as a naive UTC datetime, the form every timestamp is stored in."""
    return datetime.now(UTC).replace(tzinfo=None)


ROLES = ("exhibitor", "juror", "organiser")
# What an organiser may do (see permissions.organiser_may): everything, only read, or read and message people.
ORGANISER_ROLES = ("full", "read_only", "communications")
LANGUAGES = ("en", "fr")
INNOVATION_TYPES = ("product", "equipment", "service", "solution", "business_model")
MATURITY_LEVELS = ("concept", "prototype", "pilot", "available", "deployed")
ENTRY_STATUSES = ("draft", "submitted", "withdrawn", "disqualified")
QUESTION_SETS = ("product", "csr")
EDITION_STATUSES = ("preparing", "live", "archived")
RESULTS_STATES = ("open", "frozen", "published")
SCORING_METHODS = ("mean", "median", "trimmed", "zscore", "fitted")
JURY_ROLES = ("member", "observer", "trainee")  # only members' marks count
CONFLICT_KINDS = ("employer", "client", "competitor", "investor", "family", "other")
SCORECARD_STATUSES = ("draft", "submitted")
SCORECARD_PURPOSES = ("counted", "calibration")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Show(db.Model):
    """A trade show whose awards run year after year, e.g. "Milipol Qatar": its editions, and the name its pages,
    mails and ceremony workbook carry. One show is the default, the one the plain public addresses are about."""

    __table_args__ = (
        # At most one default show, enforced by the database itself.
        sa.Index(
            "uq_show_one_default",
            "is_default",
            unique=True,
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # What the header, the footer, the mails and the ceremony workbook say, e.g. "Milipol Qatar Innovation Awards".
    branding_name: Mapped[str] = mapped_column(sa.String(200))
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    editions: Mapped[list[Edition]] = relationship(back_populates="show", order_by="Edition.id.desc()")


class Edition(db.Model):
    """One show's awards of one year, e.g. "Milipol Paris 2025". At most one edition of each show is current."""

    __table_args__ = (
        sa.CheckConstraint(_in("status", EDITION_STATUSES), name="status"),
        sa.CheckConstraint(_in("results_state", RESULTS_STATES), name="results_state"),
        sa.CheckConstraint(_in("scoring_method", SCORING_METHODS), name="scoring_method"),
        # At most one current edition per show, enforced by the database itself.
        sa.Index(
            "uq_edition_one_current_per_show",
            "show_id",
            "is_current",
            unique=True,
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(sa.ForeignKey("show.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    show_starts_on: Mapped[date | None]
    show_ends_on: Mapped[date | None]
    # Exhibitors may create entries from this moment (None: as soon as the edition exists).
    entries_open_at: Mapped[datetime | None]
    submission_deadline: Mapped[datetime | None]
    scoring_opens_at: Mapped[datetime | None]
    scoring_closes_at: Mapped[datetime | None]
    ceremony_at: Mapped[datetime | None]
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Europe/Paris")
    status: Mapped[str] = mapped_column(sa.String(20), default="preparing")
    results_state: Mapped[str] = mapped_column(sa.String(20), default="open")
    is_current: Mapped[bool] = mapped_column(default=False)
    max_entries_per_category: Mapped[int] = mapped_column(default=1)
    # Set when an organiser lets the ceremony export go out before every category is signed off.
    signoff_override_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    signoff_override_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # The override holds only for the results it was given for (see `rounds.override_fingerprint`).
    signoff_override_fingerprint: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    # Set once when the result mails go out: sending them is a separate step from publishing, never repeated.
    results_mailed_at: Mapped[datetime | None]
    scoring_method: Mapped[str] = mapped_column(sa.String(20), default="mean")
    trim: Mapped[int] = mapped_column(default=1)
    min_scorecards: Mapped[int] = mapped_column(default=3)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    show: Mapped[Show] = relationship(back_populates="editions")
    categories: Mapped[list[Category]] = relationship(
        back_populates="edition", order_by="Category.position", cascade="all, delete-orphan"
    )

    def accepts_entries(self, now: datetime | None = None) -> bool:
        """Entries may be created, edited, submitted or withdrawn while the edition is live, from the opening until
        the deadline. An edition still being prepared, or archived, takes none (even when named by `?edition=`).
        """
        now = now or utcnow()
        return (
            self.status == "live"
            and (self.entries_open_at is None or now >= self.entries_open_at)
            and (self.submission_deadline is None or now <= self.submission_deadline)
        )

    def __repr__(self) -> str:
        return f"<Edition {self.slug}>"


class Category(db.Model):
    """An award category of one edition, with its own entry questions and jury."""

    __table_args__ = (
        sa.UniqueConstraint("edition_id", "code"),
        sa.CheckConstraint(_in("question_set", QUESTION_SETS), name="question_set"),
        sa.CheckConstraint("jurors_per_entry >= 1", name="jurors_per_entry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_fr: Mapped[str] = mapped_column(sa.String(200))
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    description_fr: Mapped[str] = mapped_column(sa.Text, default="")
    question_set: Mapped[str] = mapped_column(sa.String(20), default="product")
    position: Mapped[int] = mapped_column(default=0)  # also the ceremony order
    jurors_per_entry: Mapped[int] = mapped_column(default=3)

    edition: Mapped[Edition] = relationship(back_populates="categories")
    rounds: Mapped[list[Round]] = relationship(
        back_populates="category", order_by="Round.position", cascade="all, delete-orphan"
    )

    def name(self, language: str = "en") -> str:
        return self.name_fr if language == "fr" else self.name_en

    def description(self, language: str = "en") -> str:
        return self.description_fr if language == "fr" else self.description_en


class Organisation(db.Model):
    """An exhibitor company (or a juror's employer, which conflicts the juror with it)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # text.fold(name): what search and duplicate checks compare, whatever the accents and case.
    name_key: Mapped[str] = mapped_column(sa.String(200), default="", server_default="", index=True)
    country: Mapped[str] = mapped_column(sa.String(2))  # ISO 3166-1 alpha-2
    hall: Mapped[str] = mapped_column(sa.String(20), default="")
    stand: Mapped[str] = mapped_column(sa.String(20), default="")
    is_startup: Mapped[bool] = mapped_column(default=False)
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = fold(name)
        return name

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


def new_session_token() -> str:
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
    """A person who logs in: an exhibitor's contact, a juror or an organiser."""

    __table_args__ = (
        sa.CheckConstraint(_in("role", ROLES), name="role"),
        sa.CheckConstraint(_in("language", LANGUAGES), name="language"),
        sa.CheckConstraint(_in("organiser_role", ORGANISER_ROLES), name="organiser_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    # Empty until an invited juror sets a password; such an account cannot log in.
    password_hash: Mapped[str] = mapped_column(sa.String(256), default="")
    role: Mapped[str] = mapped_column(sa.String(20))
    organiser_role: Mapped[str] = mapped_column(sa.String(20), default="full", server_default="full")
    language: Mapped[str] = mapped_column(sa.String(2), default="en")
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    # Part of every session and remember-me cookie: replacing it ends all of them at once.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token, server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship()

    def get_id(self) -> str:  # what Flask-Login stores in the session and the remember cookie
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Every session and remember-me cookie of this account stops working (logout, password change)."""
        self.session_token = new_session_token()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.end_sessions()  # whoever held a session with the old password loses it

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class Entry(db.Model):
    """An exhibitor's application for one category's trophy."""

    __table_args__ = (
        sa.CheckConstraint(_in("status", ENTRY_STATUSES), name="status"),
        sa.CheckConstraint(_in("innovation_type", INNOVATION_TYPES), name="innovation_type"),
        sa.Index("ix_entry_edition_status", "edition_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("category.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(200))
    title_key: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")  # text.fold(title)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    innovation_type: Mapped[str] = mapped_column(sa.String(20), default="product")
    # Product questions (every category but CSR).
    what_is_new: Mapped[str] = mapped_column(sa.Text, default="")
    operational_benefit: Mapped[str] = mapped_column(sa.Text, default="")
    maturity: Mapped[str] = mapped_column(sa.String(20), default="")
    availability_date: Mapped[date | None]
    # CSR questions.
    initiative: Mapped[str] = mapped_column(sa.Text, default="")
    measurable_impact: Mapped[str] = mapped_column(sa.Text, default="")
    beneficiaries: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    disqualification_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # Position of the furthest round the entry takes part in (1 = pre-selection; shortlisting raises it).
    round_reached: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]

    edition: Mapped[Edition] = relationship()
    category: Mapped[Category] = relationship()
    organisation: Mapped[Organisation] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="entry", order_by="Attachment.id", cascade="all, delete-orphan"
    )

    @validates("title")
    def _keep_title_key(self, _key: str, title: str) -> str:
        self.title_key = fold(title)
        return title

    @property
    def is_editable_status(self) -> bool:
        return self.status in ("draft", "submitted")

    def __repr__(self) -> str:
        return f"<Entry {self.id} {self.title!r} {self.status}>"


MAX_ATTACHMENTS = 10


def _free_attachment_slot(context) -> int:
    """The entry's smallest free slot, or one past the limit (which the check constraint then refuses).

    Two uploads racing for the last free slot pick the same one: the unique constraint refuses the second.
    (Read at insert time: add one attachment per flush, as uploads do.)
    """
    entry = sa.table("attachment", sa.column("entry_id"), sa.column("slot"))
    used = set(
        context.connection.execute(
            sa.select(entry.c.slot).where(entry.c.entry_id == context.get_current_parameters()["entry_id"])
        ).scalars()
    )
    return next(n for n in range(1, MAX_ATTACHMENTS + 2) if n not in used)


class Attachment(db.Model):
    """A file of an entry, stored outside static under a random name and served only to allowed users."""

    __table_args__ = (
        # At most MAX_ATTACHMENTS files per entry, enforced by the database even when uploads race.
        sa.UniqueConstraint("entry_id", "slot"),
        sa.CheckConstraint(f"slot BETWEEN 1 AND {MAX_ATTACHMENTS}", name="slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    slot: Mapped[int] = mapped_column(default=_free_attachment_slot)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(50))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="attachments")


class Round(db.Model):
    """One judging stage of a category: its window, criteria, jurors per entry and method."""

    __table_args__ = (
        sa.UniqueConstraint("category_id", "position"),
        sa.CheckConstraint("method IS NULL OR " + _in("method", SCORING_METHODS), name="method"),
        sa.CheckConstraint("previous_round_weight >= 0 AND previous_round_weight <= 100", name="previous_round_weight"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("category.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(sa.String(100))  # in English
    name_fr: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    on_stand: Mapped[bool] = mapped_column(default=False)  # finals are scored on the exhibitor's stand
    # None means: the edition's window, the category's jurors per entry (or the whole jury for a final).
    scoring_opens_at: Mapped[datetime | None]
    scoring_closes_at: Mapped[datetime | None]
    jurors_per_entry: Mapped[int | None]
    method: Mapped[str | None] = mapped_column(sa.String(20))
    previous_round_weight: Mapped[int] = mapped_column(default=0)  # percent carried from the round before
    # Stand visits of a final: when the jury starts and how long each stand gets.
    visit_starts_at: Mapped[datetime | None]
    slot_minutes: Mapped[int] = mapped_column(default=10, server_default="10")

    category: Mapped[Category] = relationship(back_populates="rounds")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="round", order_by="Criterion.position", cascade="all, delete-orphan"
    )

    def display_name(self, language: str = "en") -> str:
        """The round's name in the reader's language (the English one until a French one is given)."""
        return self.name_fr if language == "fr" and self.name_fr else self.name


class Criterion(db.Model):
    """A weighted criterion of a round; the weights of a round total 100."""

    __table_args__ = (
        sa.UniqueConstraint("round_id", "key"),
        sa.CheckConstraint("weight > 0 AND weight <= 100", name="weight"),
        sa.CheckConstraint("scale_max > scale_min", name="scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int] = mapped_column(default=0)
    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_fr: Mapped[str] = mapped_column(sa.String(200))
    guidance_en: Mapped[str] = mapped_column(sa.Text, default="")
    guidance_fr: Mapped[str] = mapped_column(sa.Text, default="")
    weight: Mapped[float] = mapped_column(sa.Float)
    scale_min: Mapped[int] = mapped_column(default=0)
    scale_max: Mapped[int] = mapped_column(default=10)

    round: Mapped[Round] = relationship(back_populates="criteria")

    def name(self, language: str = "en") -> str:
        return self.name_fr if language == "fr" else self.name_en


class Jury(db.Model):
    """The jury of one category (one per category per edition)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("category.id", ondelete="CASCADE"), unique=True)

    category: Mapped[Category] = relationship()
    members: Mapped[list[JuryMember]] = relationship(back_populates="jury", cascade="all, delete-orphan")


class JuryMember(db.Model):
    """A juror's seat on a jury; observers and trainees score without their marks counting."""

    __table_args__ = (
        sa.UniqueConstraint("jury_id", "user_id"),
        sa.CheckConstraint(_in("role", JURY_ROLES), name="role"),
        # One president per jury, enforced by the database.
        sa.Index(
            "uq_jury_member_one_president",
            "jury_id",
            unique=True,
            sqlite_where=sa.text("is_president"),
            postgresql_where=sa.text("is_president"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jury_id: Mapped[int] = mapped_column(sa.ForeignKey("jury.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20), default="member")
    is_president: Mapped[bool] = mapped_column(default=False)

    jury: Mapped[Jury] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class Conflict(db.Model):
    """A declared tie between a juror and an exhibitor organisation: the juror never judges its entries."""

    __table_args__ = (
        sa.UniqueConstraint("juror_id", "organisation_id"),
        sa.CheckConstraint(_in("kind", CONFLICT_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    declared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assignment(db.Model):
    """A juror asked to score an entry in a round. A recusal keeps the row, with its reason."""

    __table_args__ = (sa.UniqueConstraint("round_id", "entry_id", "juror_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    manual: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    recused_at: Mapped[datetime | None]
    recusal_reason: Mapped[str] = mapped_column(sa.String(500), default="")


class Scorecard(db.Model):
    """One juror's marks for one entry in one round. `version` guards against silent overwrites."""

    __table_args__ = (
        sa.UniqueConstraint("round_id", "entry_id", "juror_id", "purpose"),
        sa.CheckConstraint(_in("status", SCORECARD_STATUSES), name="status"),
        sa.CheckConstraint(_in("purpose", SCORECARD_PURPOSES), name="purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(20), default="counted")
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    marks: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)  # criterion key -> mark
    comments: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)  # criterion key -> text
    overall_comment: Mapped[str] = mapped_column(sa.Text, default="")
    weighted_total: Mapped[float | None]  # stored on save by scoring.weighted_total
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    # Every UPDATE says "WHERE version = <the version read>": a concurrent save of the same version fails to
    # match instead of overwriting (services set the new version themselves).
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class AuditEvent(db.Model):
    """An append-only record of a change that matters to the fairness of the results."""

    __table_args__ = (sa.Index("ix_audit_event_edition_at", "edition_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    edition_id: Mapped[int | None] = mapped_column(sa.ForeignKey("edition.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(50))
    object_type: Mapped[str] = mapped_column(sa.String(50))
    object_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    actor: Mapped[User | None] = relationship()


class ResultSnapshot(db.Model):
    """The ranking of one round as it was frozen: method, parameters, fingerprint and every line.

    Snapshots are never edited; unfreezing marks them superseded and the next freeze writes new ones.
    """

    __table_args__ = (sa.Index("ix_result_snapshot_edition_round", "edition_id", "round_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    method: Mapped[str] = mapped_column(sa.String(20))
    parameters: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    ranking: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)  # one dict per RankedEntry
    superseded_at: Mapped[datetime | None]


class SignOff(db.Model):
    """The jury president's approval of a round's ranking, tied to the fingerprint of its inputs.

    A change to any input voids it (`voided_at`, with the kinds of input that changed); the row stays as history.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"), unique=True)
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    inputs: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)  # results.result_inputs when signed
    voided_at: Mapped[datetime | None]
    void_reasons: Mapped[list[Any] | None] = mapped_column(sa.JSON)

    signed_by: Mapped[User | None] = relationship()


class TieDecision(db.Model):
    """A tie the jury decided to keep: the entries share first place, for the recorded reason."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"), index=True)
    entry_ids: Mapped[list[Any]] = mapped_column(sa.JSON)
    reason: Mapped[str] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalibrationSample(db.Model):
    """An entry the organiser chose for jurors to practise on before a round; its marks never count."""

    __table_args__ = (sa.UniqueConstraint("round_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"))


# --- the final on the show floor ------------------------------------------------------------------------------------

FLOOR_VISIT_ENDS = ("moved", "skipped", "scored")


class FloorVisit(db.Model):
    """A juror at a finalist's stand during a final: opened when the juror walks there, ended when they move on.

    The open visit (no `ended_at`) is where the juror stands now; a visit ended as "skipped" puts the stand back
    in the juror's queue for later (see scoring.floor)."""

    __table_args__ = (
        sa.CheckConstraint("ended_how IS NULL OR " + _in("ended_how", FLOOR_VISIT_ENDS), name="ended_how"),
        sa.Index("ix_floor_visit_round_juror", "round_id", "juror_id"),
        # At most one open visit per juror and round, enforced by the database.
        sa.Index(
            "uq_floor_visit_one_open",
            "round_id",
            "juror_id",
            unique=True,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"))
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    ended_how: Mapped[str | None] = mapped_column(sa.String(20))


class FloorDispatch(db.Model):
    """An organiser or the jury president sending a juror to a stand; the latest open one is shown to the juror.

    Done when the juror opens that stand; replaced by a newer dispatch; cancelled by the sender."""

    __table_args__ = (sa.Index("ix_floor_dispatch_round_juror", "round_id", "juror_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"))
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"))
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]  # reached, replaced or cancelled


class StandClosure(db.Model):
    """A finalist's stand closed for a while during a final (its exhibitor is away); reopening ends it."""

    __table_args__ = (sa.Index("ix_stand_closure_round_entry", "round_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"))
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reopened_at: Mapped[datetime | None]


class PairwiseAnswer(db.Model):
    """A juror's one-tap cross-check after scoring a finalist: better or worse than the stand scored before.

    Stored beside the marks; never part of the official result (see scoring.pairwise)."""

    __table_args__ = (
        sa.UniqueConstraint("round_id", "juror_id", "entry_id"),
        sa.CheckConstraint("entry_id <> previous_entry_id", name="two_entries"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"))
    previous_entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"))
    better: Mapped[bool]  # the entry just scored is better than the previous one
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


OUTBOX_STATUSES = ("queued", "sending", "retrying", "sent", "failed")


class OutboxMessage(db.Model):
    """A mail written in the same transaction as the action that causes it, sent later by the worker.

    `key` is unique per recipient and message, so the same notification is never queued twice; `status` goes
    queued -> sending (claimed by one worker until `claimed_until`) -> sent, or retrying (after a temporary
    failure, at `next_attempt_at`) and finally failed (a permanent refusal, or too many attempts).
    """

    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    to: Mapped[str] = mapped_column(sa.String(254), index=True)
    language: Mapped[str] = mapped_column(sa.String(2), default="en")
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(64))
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    resent_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_message.id", ondelete="SET NULL"))


JOB_STATUSES = ("queued", "running", "done", "failed")


class Job(db.Model):
    """Long work run by the worker (an import of thousands of rows): its page shows the progress, then the result
    or the reason it failed. The work itself is one transaction, so a job that fails or is interrupted by a
    restart has applied nothing."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    edition_id: Mapped[int | None] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    # The uploaded file, in the database so that a worker on another machine reads it; emptied when the job ends.
    payload: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)

    created_by: Mapped[User | None] = relationship()


API_SCOPES = ("read-results", "read-entries", "write-companies", "invite-jurors")
WEBHOOK_EVENTS = ("entry.submitted", "results.published", "winner.changed")
DELIVERY_STATUSES = ("pending", "delivered", "failed")


class ApiToken(db.Model):
    """An organiser-issued key to the REST API. Only a SHA-256 of the secret is kept; the secret is shown once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    # The first characters of the secret, shown in the list so that an organiser can tell tokens apart.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    created_by: Mapped[User | None] = relationship()

    def allows(self, scope: str) -> bool:
        return self.revoked_at is None and scope in (self.scopes or [])


class WebhookEndpoint(db.Model):
    """An address outside that is told, signed with its own secret, when chosen events happen."""

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(500))
    events: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    # Kept in clear: the HMAC needs it. Shown to the organiser once, when the endpoint is registered.
    secret: Mapped[str] = mapped_column(sa.String(64))
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(db.Model):
    """One event for one endpoint, written in the transaction of the event and sent by `deliver_pending`."""

    __table_args__ = (
        sa.CheckConstraint(_in("status", DELIVERY_STATUSES), name="status"),
        sa.Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(sa.String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")

    endpoint: Mapped[WebhookEndpoint] = relationship()


MESSAGE_AUDIENCES = (
    "exhibitors",
    "exhibitors_with_drafts",
    "exhibitors_submitted",
    "exhibitors_without_entry",
    "jurors",
    "jurors_behind",
    "selected_entries",
)


class Message(db.Model):
    """An announcement the organisers sent: to whom (the audience), in both languages, and when."""

    __table_args__ = (sa.CheckConstraint(_in("audience", MESSAGE_AUDIENCES), name="audience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int | None] = mapped_column(sa.ForeignKey("edition.id", ondelete="SET NULL"), index=True)
    audience: Mapped[str] = mapped_column(sa.String(40))
    subject_en: Mapped[str] = mapped_column(sa.String(200))
    body_en: Mapped[str] = mapped_column(sa.Text)
    subject_fr: Mapped[str] = mapped_column(sa.String(200))
    body_fr: Mapped[str] = mapped_column(sa.Text)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    sent_by: Mapped[User | None] = relationship()
    recipients: Mapped[list[MessageRecipient]] = relationship(
        back_populates="message", order_by="MessageRecipient.email", cascade="all, delete-orphan"
    )


class MessageRecipient(db.Model):
    """One recipient of a message, as it was addressed (the account may change or go later)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("message.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(2))

    message: Mapped[Message] = relationship(back_populates="recipients")


SAVED_VIEW_PAGES = ("entries", "companies")


class SavedView(db.Model):
    """A list's filters and sort, saved under a name by an organiser ("Drafts in hall 5, by company")."""

    __table_args__ = (
        sa.UniqueConstraint("user_id", "page", "name"),
        sa.CheckConstraint(_in("page", SAVED_VIEW_PAGES), name="page"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    page: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(100))
    query: Mapped[str] = mapped_column(sa.String(1000))  # the list's query string, as its links write it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
