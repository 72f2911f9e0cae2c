"""SQLAlchemy 2 models. Every time is stored in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.vocabulary import MembershipStatus, MomentStatus, RecordStatus, Role

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use UTC-aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str | None] = mapped_column(String(256))
    telegram_language: Mapped[str | None] = mapped_column(String(35))
    # Set only when the user picks a language with /language; otherwise Telegram's wins.
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the user's next text message answers: a step of a reflection, or an edit of one.
    input_reflection_id: Mapped[int | None] = mapped_column(BigInteger)
    input_field: Mapped[str | None] = mapped_column(String(40))
    # CPD settings, from onboarding in /start and /settings.
    time_zone: Mapped[str | None] = mapped_column(String(64))  # IANA; None means UTC
    framework_id: Mapped[str | None] = mapped_column(String(24))  # None: the hours log
    profession: Mapped[str | None] = mapped_column(String(16))  # doctor | nurse | other
    # The appraisal, revalidation or cycle date: the end of the current cycle.
    cycle_end: Mapped[date | None] = mapped_column(Date)
    annual_target: Mapped[int | None] = mapped_column(Integer)  # hundredths; overrides
    share_reflections: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=false())  # with admins
    setup_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Quiet hours for reminders, as local minutes after midnight; the span may cross midnight.
    quiet_from: Mapped[int | None] = mapped_column(Integer)
    quiet_until: Mapped[int | None] = mapped_column(Integer)
    # AI help: draft every reflection from the note at once (else only on request), and the
    # answer to "may voice notes go to the transcription provider?" (None: not asked yet).
    ai_help: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    voice_consent: Mapped[bool | None] = mapped_column(Boolean)
    voice_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Reminders sent by the user's organisations' CPD offices; the user can turn them off.
    org_messages: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class LearningMoment(Base):
    """Anything a clinician sent to keep: the raw material of a reflection."""

    __tablename__ = "learning_moments"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id", name="uq_moment_source_message"),
        Index("ix_moment_user_status_time", "user_id", "status", "sent_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    forward_origin: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    file_id: Mapped[str | None] = mapped_column(String(256))
    file_unique_id: Mapped[str | None] = mapped_column(String(128))
    file_name: Mapped[str | None] = mapped_column(String(512))
    mime_type: Mapped[str | None] = mapped_column(String(128))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=MomentStatus.NEW)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dropped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ack_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # A voice note's transcript (also put in `text`), and the clinician's choice to keep a
    # note that looks identifiable on this server only: it is never sent to an LLM.
    transcript: Mapped[str | None] = mapped_column(Text)
    local_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


_OPEN = text("status = 'open'")


class Reflection(Base):
    """A structured reflection on a moment: a draft while open or parked, then a log entry."""

    __tablename__ = "reflections"
    __table_args__ = (
        Index("ix_reflection_user_status_date", "user_id", "status", "activity_date"),
        # At most one reflection in progress per user: the one their messages answer.
        Index("uq_reflection_open_per_user", "user_id", unique=True,
              sqlite_where=_OPEN, postgresql_where=_OPEN),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger,
                                         ForeignKey("users.id", ondelete="CASCADE"))
    moment_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("learning_moments.id", ondelete="SET NULL"))
    template_id: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16))  # open | parked | saved | deleted
    step: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    activity_type: Mapped[str] = mapped_column(String(24))
    activity_date: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int | None] = mapped_column(Integer)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)  # chosen by the user
    # Derived on every write, for search: every tag (chosen and #hashtags) as " a b c ",
    # and all the text lower-cased, since SQLite's lower() only folds ASCII.
    tags_text: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    # The newest user message applied to it, so a redelivered message changes nothing.
    last_message_id: Mapped[int | None] = mapped_column(BigInteger)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The LLM drafted some of it; its follow-up question for each section it left empty.
    ai_assisted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    title: Mapped[str | None] = mapped_column(String(200))  # the draft's, from the note
    follow_ups: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # Every ORM update is conditional on this: "UPDATE ... WHERE id = ? AND version = ?".
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CpdRecord(Base):
    """What a regulator counts: an activity with its date, time, category and credits.

    Made from a saved reflection (or an imported line) by `bot.cpd.records`, the one writer.
    Credits are kept in hundredths so sums are exact on every backend. `raw` is what the
    framework's rule gives; `credits` is what counts after the caps of its year and cycle.
    """

    __tablename__ = "cpd_records"
    __table_args__ = (
        # With the credits in it, a period's sums per member (a roster) read the index alone.
        Index("ix_cpd_record_user_date", "user_id", "status", "activity_date", "credits"),
        Index("ix_cpd_record_date", "activity_date"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    reflection_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("reflections.id", ondelete="SET NULL"), unique=True)
    source: Mapped[str] = mapped_column(String(16))  # reflection | import
    status: Mapped[str] = mapped_column(String(8), default=RecordStatus.ACTIVE)  # active | void
    framework_id: Mapped[str] = mapped_column(String(24))
    activity_date: Mapped[date] = mapped_column(Date)
    activity_type: Mapped[str] = mapped_column(String(24))
    template_id: Mapped[str | None] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(300))
    minutes: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(24))
    unit: Mapped[str] = mapped_column(String(8))
    raw: Mapped[int] = mapped_column(Integer)  # hundredths, before caps
    credits: Mapped[int] = mapped_column(Integer)  # hundredths, after caps
    # How the figure came about: the rule, rate, time, rounding and any cap (see bot.cpd.rules).
    rule: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ai_assisted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Evidence(Base):
    """A file the clinician attached to a log entry as its evidence: a certificate, a photo
    of one. The file itself stays with Telegram; the moment it came in holds its id, so an
    export fetches it when it is made."""

    __tablename__ = "evidence"
    __table_args__ = (
        UniqueConstraint("reflection_id", "moment_id", name="uq_evidence_entry_file"),
        Index("ix_evidence_moment", "moment_id"),
        Index("ix_evidence_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    reflection_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("reflections.id", ondelete="CASCADE"))
    moment_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("learning_moments.id", ondelete="CASCADE"))
    attached_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CreditMonth(Base):
    """Each user's active credits per calendar month, and their latest activity in it: a
    roster of 20,000 reads twelve rows a member, not every record. Rebuilt for a user by
    `storage.credit_months.refresh` whenever `bot.cpd.records` changes their records."""

    __tablename__ = "credit_months"
    # On SQLite the rows live in the key's own b-tree, so a roster's sums read one index.
    __table_args__ = ({"sqlite_with_rowid": False},)

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the 1st
    credits: Mapped[int] = mapped_column(BigInteger)  # hundredths
    last_activity: Mapped[date] = mapped_column(Date)


class Organisation(Base):
    """A ministry, region, hospital or department: a node of a tree.

    `path` is the ids from the root down, "/1/5/12/", so "this organisation and everything
    below it" is one indexed prefix match, on SQLite and PostgreSQL alike.
    """

    __tablename__ = "organisations"
    __table_args__ = (Index("ix_organisation_path", "path"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    parent_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("organisations.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    framework_id: Mapped[str | None] = mapped_column(String(24))  # a default for its members
    time_zone: Mapped[str | None] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(1000), default="")
    # Joining by an open link waits for an officer's approval.
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Membership(Base):
    """A clinician in an organisation, with a role there, and what they share with it.

    Records and totals are shared by joining; reflective text only with `share_reflections`,
    which the clinician sets per organisation.
    """

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("organisation_id", "user_id", name="uq_membership"),
        Index("ix_membership_user", "user_id"),
        Index("ix_membership_org_status", "organisation_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(8), default=Role.MEMBER)
    status: Mapped[str] = mapped_column(String(8), default=MembershipStatus.ACTIVE)
    staff_number: Mapped[str | None] = mapped_column(String(64))
    department: Mapped[str | None] = mapped_column(String(200))
    listed_name: Mapped[str | None] = mapped_column(String(200))  # as on the staff list
    share_reflections: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=false())
    sharing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Invite(Base):
    """A link that lets people join an organisation: `https://t.me/<bot>?start=<code>`.

    The code is random (never an id), may expire or run out of uses, and can be revoked. A
    personal invite (from a staff list) carries the person's staff number and department and
    is good for one use.
    """

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("organisations.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger)  # Telegram id; None: the CLI
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    staff_number: Mapped[str | None] = mapped_column(String(64))
    department: Mapped[str | None] = mapped_column(String(200))
    listed_name: Mapped[str | None] = mapped_column(String(200))
    # The role it gives: member, or officer for the links superadmins make for first officers.
    role: Mapped[str] = mapped_column(String(8), default=Role.MEMBER,
                                      server_default=Role.MEMBER.value)


class OrgNudge(Base):
    """A reminder an officer sent to some of an organisation's members ("those behind in
    Cardiology"): who sent it, to whom, and how many. Each person's copy is a delivery."""

    __tablename__ = "org_nudges"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("organisations.id", ondelete="CASCADE"))
    sent_by: Mapped[int | None] = mapped_column(BigInteger)  # Telegram id; None: erased
    audience: Mapped[str] = mapped_column(String(16))  # an Audience
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set once, when the officer confirms: a second press of "Send" finds it set.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


_UNSENT = text("outcome IS NULL")


class NudgeDelivery(Base):
    """One member's copy of an officer's nudge: sent once, by the reminder sweep's pacer,
    outside the member's quiet hours. Claimed and settled like reminder rows."""

    __tablename__ = "nudge_deliveries"
    __table_args__ = (
        UniqueConstraint("nudge_id", "user_id", name="uq_nudge_delivery"),
        Index("ix_nudge_delivery_due", "due_at", sqlite_where=_UNSENT,
              postgresql_where=_UNSENT),
        Index("ix_nudge_delivery_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    nudge_id: Mapped[int] = mapped_column(BigId, ForeignKey("org_nudges.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Written when the officer confirmed, in the member's language with their figures: the
    # officer was shown one of these, exactly.
    text: Mapped[str] = mapped_column(Text)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(8))  # a DeliveryOutcome once settled
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConsoleLink(Base):
    """A single-use console login link the bot sent an officer. Only the token's SHA-256 is
    kept: a copy of the database opens no one's console."""

    __tablename__ = "console_links"
    __table_args__ = (Index("ix_console_link_user", "user_id", "created_at"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConsoleSession(Base):
    """A signed-in browser, by the SHA-256 of its cookie, in the database so that any
    instance serves it. Ends at logout, after `idle` without a request, or at `expires_at`."""

    __tablename__ = "console_sessions"
    __table_args__ = (Index("ix_console_session_user", "user_id"),)

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))  # every form of the session carries it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Who changed a CPD record or exported records, and what the figures were."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_subject", "user_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))  # user:<id> | admin:<id> | cli | system
    action: Mapped[str] = mapped_column(String(24))
    user_id: Mapped[int | None] = mapped_column(BigInteger)  # whose data, if one user's
    record_id: Mapped[int | None] = mapped_column(BigInteger)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


_ACTIVE = text("active")


class Reminder(Base):
    """One kind of reminder for one user: a schedule in their zone and when it is next due.

    Rows, not scheduler jobs: one sweep claims the due rows (see `storage.reminders`), so a
    restart or a second instance loses and repeats nothing.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", name="uq_reminder_user_kind"),
        # The sweep's only query: due, active rows in order. Inactive rows are not indexed.
        Index("ix_reminder_due", "next_due_at", sqlite_where=_ACTIVE, postgresql_where=_ACTIVE),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # nudge | digest | deadline | quiet
    local_minute: Mapped[int] = mapped_column(Integer)  # wall-clock time, minutes after 00:00
    days: Mapped[int] = mapped_column(Integer)  # weekday bits, Monday = 1
    time_zone: Mapped[str] = mapped_column(String(64))  # IANA
    quiet_days: Mapped[int | None] = mapped_column(Integer)  # the quiet spell's N days
    next_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    off_reason: Mapped[str | None] = mapped_column(String(8))  # off | paused | blocked
    # Set by the sweep that claimed the row, cleared when it moves next_due_at on.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


_UNPROCESSED = text("processed_at IS NULL")


class JournalEntry(Base):
    """A fetched Telegram update, stored before Telegram is told it arrived."""

    __tablename__ = "update_journal"
    __table_args__ = (
        Index("ix_journal_unprocessed", "processed_at", "update_id"),
        # Webhook mode hands each user's waiting updates, oldest first, to one instance.
        Index("ix_journal_user_waiting", "user_key", "update_id",
              sqlite_where=_UNPROCESSED, postgresql_where=_UNPROCESSED),
    )

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # Whose update it is (the sender, else the chat; 0 for neither): the unit of ordering.
    user_key: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class Lease(Base):
    """Work one instance holds for a while: a user's updates ("user:<id>", webhook mode) or
    the reminder sweep ("sweep:reminders"). An instance that dies stops renewing, and the
    lease passes to another once it expires."""

    __tablename__ = "leases"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(96))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LlmUsage(Base):
    """Tokens, calls and failures per user and UTC day: for cost, limits and health."""

    __tablename__ = "llm_usage"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    calls: Mapped[int] = mapped_column(Integer, default=0)
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    audio_seconds: Mapped[int] = mapped_column(Integer, default=0)
