"""The words the string columns may hold, named once: statuses, and what a typed reply answers.

The database keeps plain strings (so older rows and other tools read them as before); the
code names them through these enums, so a misspelt name fails at once instead of a query that
silently matches nothing.
"""

from __future__ import annotations

from enum import StrEnum


class MomentStatus(StrEnum):
    NEW = "new"  # just captured
    KEPT = "kept"  # "Later": still waiting in the inbox
    DROPPED = "dropped"  # can be undone
    REFLECTED = "reflected"  # a saved reflection came from it
    EVIDENCE = "evidence"  # attached to a log entry as its evidence (storage.evidence)


class ReflectionStatus(StrEnum):
    OPEN = "open"  # in progress; at most one per user
    PARKED = "parked"  # a draft set aside, to continue later
    SAVED = "saved"  # in the log
    DELETED = "deleted"  # can be restored for 30 days


class RecordStatus(StrEnum):
    ACTIVE = "active"
    VOID = "void"  # its reflection was deleted


class Role(StrEnum):
    """What a member may do in an organisation and everything below it."""

    MEMBER = "member"  # a clinician whose records the organisation sees
    OFFICER = "officer"  # sees and exports the subtree, manages invites, sends nudges
    VIEWER = "viewer"  # sees totals; exports nothing


class DeliveryOutcome(StrEnum):
    """What became of one member's copy of an officer's nudge."""

    SENT = "sent"
    OPTED_OUT = "opted"  # they turned organisation messages off before it went
    GONE = "gone"  # no longer a member, or the account was erased
    BLOCKED = "blocked"  # they blocked the bot
    FAILED = "failed"


class MembershipStatus(StrEnum):
    ACTIVE = "active"
    PENDING = "pending"  # joined by a link that needs an officer's approval
    LEFT = "left"  # left, or was declined; the organisation no longer sees them


class Awaiting(StrEnum):
    """What the user's next text message answers (`users.input_field`).

    The first group belongs to a reflection (`users.input_reflection_id` is set); the rest are
    typed answers outside one, stored with the `setting:` prefix. Members ending in ":" take an
    argument: a template step id, or a voice note's moment id.
    """

    STEP = "step"  # the reflection's current question
    SECTION = "section:"  # a section being edited: + step id
    DATE = "date"
    MINUTES = "minutes"
    TAGS = "tags"
    NOTE = "note"  # a new text for the note, before AI help drafts from it

    ZONE = "zone"  # a typed city
    CYCLE = "cycle"  # the appraisal or cycle date
    TARGET = "target"  # an annual target of one's own
    EXPORT_DATES = "exdates"  # the period of /export
    ADMIN_EXPORT_DATES = "axdates"  # read from older rows only: /admin_export had no scope
    ORG_EXPORT_DATES = "oxdates:"  # the period of /admin_export: + organisation id
    REMIND_TIME = "remind"  # the nudge's time and days
    QUIET_HOURS = "quiet"
    IMPORT_FILE = "import"  # the file /import asked for (a document, not text)
    VOICE_LINE = "line:"  # a typed line for a voice note: + moment id
    EVIDENCE_FILE = "evidence:"  # a certificate for a log entry (a file): + reflection id
    ORG_NAME = "orgname"  # a superadmin's new top-level organisation
    STAFF_LIST = "staff:"  # an officer's staff list (a file): + organisation id
