"""Who can see what of a clinician's data, and erasing all of it.

Erasure is one transaction over every table that holds the user's id or words: moments,
reflections, records, evidence links, reminders, memberships, AI usage, the update journal
(which holds their messages as Telegram sent them) and the audit log's rows about them. The
audit log then keeps one row saying an erasure happened, with no id and no content.
Organisations see the member as gone from that commit on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, or_, select, update

from storage import organisations
from storage.engine import Database
from storage.models import (
    AuditEvent,
    CpdRecord,
    CreditMonth,
    Evidence,
    Invite,
    JournalEntry,
    LearningMoment,
    LlmUsage,
    Membership,
    NudgeDelivery,
    Organisation,
    OrgNudge,
    Reflection,
    Reminder,
    User,
)
from storage.vocabulary import MembershipStatus

# What erasure takes, in an order the foreign keys allow, and how each is named to the user.
HOLDINGS: tuple[tuple[str, Any], ...] = (
    ("evidence", Evidence), ("records", CpdRecord), ("reflections", Reflection),
    ("moments", LearningMoment), ("reminders", Reminder), ("memberships", Membership),
    ("ai_usage", LlmUsage), ("organisation_messages", NudgeDelivery),
)


@dataclass(frozen=True)
class Seen:
    """One organisation that sees the user's data, and what of it."""

    organisation: Organisation
    path_name: str
    status: str  # active | pending
    role: str
    since: Any  # datetime joined
    reflections_since: Any  # datetime, or None: reflective text not shared


async def who_sees(db: Database, user_id: int) -> list[Seen]:
    async with db.session() as session:
        found = await organisations.memberships_of(session, user_id)
        result = []
        for membership, organisation in found:
            chain = await organisations.chain(session, organisation)
            result.append(Seen(organisation, " / ".join(org.name for org in chain),
                               membership.status, membership.role, membership.joined_at,
                               membership.sharing_since if membership.share_reflections
                               and membership.status == MembershipStatus.ACTIVE else None))
        return result


async def holdings(db: Database, user_id: int) -> dict[str, int]:
    """How many of each thing erasure would take."""
    async with db.session() as session:
        counts = {}
        for name, model in HOLDINGS:
            counts[name] = await session.scalar(
                select(func.count()).select_from(model).where(model.user_id == user_id)) or 0
        return counts


async def erase(db: Database, user_id: int) -> dict[str, int]:
    """Delete everything of the user's, in one transaction; returns what went, by kind."""
    gone: dict[str, int] = {}
    async with db.session.begin() as session:
        for name, model in HOLDINGS:
            result = cast(CursorResult[Any], await session.execute(
                delete(model).where(model.user_id == user_id)))
            gone[name] = result.rowcount or 0
        await session.execute(delete(CreditMonth).where(CreditMonth.user_id == user_id))
        journal = cast(CursorResult[Any], await session.execute(
            delete(JournalEntry).where(JournalEntry.user_key == user_id)))
        gone["journal"] = journal.rowcount or 0
        await session.execute(delete(AuditEvent).where(or_(
            AuditEvent.user_id == user_id, AuditEvent.actor == f"user:{user_id}",
            AuditEvent.actor == f"admin:{user_id}")))
        await session.execute(update(Invite).where(Invite.created_by == user_id)
                              .values(created_by=None))
        await session.execute(update(OrgNudge).where(OrgNudge.sent_by == user_id)
                              .values(sent_by=None))
        await session.execute(delete(User).where(User.id == user_id))
        session.add(AuditEvent(actor="system", action="account_erased", detail={}))
    return gone
