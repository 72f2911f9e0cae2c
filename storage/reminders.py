"""Reminder rows: the sweep's atomic claim, and the writes that move a row on.

A claim is one `UPDATE … RETURNING` over the due rows; on PostgreSQL the rows are picked with
`FOR UPDATE SKIP LOCKED`, so two sweepers never claim the same row and never wait for each
other. SQLite has one writer, so its UPDATE is atomic on its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import CursorResult, Table, bindparam, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningUpdate

from storage.engine import Database
from storage.models import LearningMoment, Reminder, User
from storage.moments import INBOX_STATUSES
from storage.upsert import insert_for

_table = cast(Table, Reminder.__table__)  # declared as a FromClause; a mapped class has a Table
_ACTIVE = text("reminders.active")  # spelled as the partial index's WHERE, so it is used


class Claimed(NamedTuple):
    id: int
    user_id: int
    kind: str
    local_minute: int
    days: int
    time_zone: str
    quiet_days: int | None
    next_due_at: datetime
    last_sent_at: datetime | None
    snoozed_until: datetime | None


class Move(NamedTuple):
    """Where a claimed row goes next."""

    id: int
    next_due_at: datetime


_CLAIMED_COLUMNS = [getattr(_table.c, name) for name in Claimed._fields]


def claim_statement(dialect: str, now: datetime, stale_before: datetime, limit: int,
                    token: str) -> ReturningUpdate[*tuple[Any, ...]]:
    """Due, active rows that no live sweeper holds: unclaimed, or claimed by a sweeper that
    stopped before moving them on (its claim is older than `stale_before`)."""
    due = (select(_table.c.id)
           .where(_ACTIVE, _table.c.next_due_at <= now,
                  or_(_table.c.claim_token.is_(None), _table.c.claimed_at < stale_before))
           .order_by(_table.c.next_due_at)
           .limit(limit))
    if dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
    return (update(_table)
            .where(_table.c.id.in_(due.scalar_subquery()))
            .values(claim_token=token, claimed_at=now)
            .returning(*_CLAIMED_COLUMNS))


async def claim(db: Database, now: datetime, stale_before: datetime, limit: int,
                token: str) -> list[Claimed]:
    async with db.session.begin() as session:
        result = await session.execute(
            claim_statement(db.dialect, now, stale_before, limit, token))
        return [Claimed(*row) for row in result]


async def move_on(db: Database, token: str, moves: Sequence[Move]) -> None:
    """Release the claim and set the next firing; a row another sweeper took is left alone."""
    if not moves:
        return
    # Rows that fire at the same moment next (a zone's users at its default 19:00) go in one
    # UPDATE … WHERE id IN; the rest row by row, in one executemany.
    by_due: dict[datetime, list[int]] = defaultdict(list)
    for move in moves:
        by_due[move.next_due_at].append(move.id)
    alone = [{"row_id": ids[0], "due": due} for due, ids in by_due.items() if len(ids) == 1]
    async with db.session.begin() as session:
        for due, ids in by_due.items():
            if len(ids) > 1:
                await session.execute(
                    update(_table).where(_table.c.id.in_(ids), _table.c.claim_token == token)
                    .values(next_due_at=due, claim_token=None, claimed_at=None,
                            snoozed_until=None))
        if alone:
            await session.execute(
                update(_table)
                .where(_table.c.id == bindparam("row_id"), _table.c.claim_token == token)
                .values(next_due_at=bindparam("due"), claim_token=None, claimed_at=None,
                        snoozed_until=None), alone)


async def mark_sent(db: Database, ids: Iterable[int], at: datetime) -> None:
    ids = list(ids)
    if ids:
        async with db.session.begin() as session:
            await session.execute(update(_table).where(_table.c.id.in_(ids))
                                  .values(last_sent_at=at))


async def users_of(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, User]:
    rows = await session.scalars(select(User).where(User.id.in_(set(user_ids))))
    return {user.id: user for user in rows}


async def last_nudged(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, datetime]:
    """The newest reflection nudge or quiet-spell message each user was sent."""
    rows = await session.execute(
        select(_table.c.user_id, func.max(_table.c.last_sent_at))
        .where(_table.c.user_id.in_(set(user_ids)), _table.c.kind.in_(("nudge", "quiet")),
               _table.c.last_sent_at.is_not(None))
        .group_by(_table.c.user_id))
    return {user_id: at for user_id, at in rows}


class InboxHead(NamedTuple):
    """How many moments wait for reflection, and the oldest of them."""

    waiting: int
    oldest_id: int
    oldest_text: str
    oldest_sent_at: datetime


async def inbox_heads(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, InboxHead]:
    """Each user's waiting moments, counted, and the oldest: one query for a whole round
    (a query or two per nudge was what kept the sweep under 400 a second)."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    moment = LearningMoment
    waiting = (select(moment.user_id, moment.id, moment.text, moment.sent_at,
                      func.row_number().over(partition_by=moment.user_id,
                                             order_by=(moment.sent_at, moment.id))
                      .label("place"),
                      func.count().over(partition_by=moment.user_id).label("waiting"))
               .where(moment.user_id.in_(wanted), moment.status.in_(INBOX_STATUSES))
               .subquery())
    found = await session.execute(
        select(waiting.c.user_id, waiting.c.waiting, waiting.c.id, waiting.c.text,
               waiting.c.sent_at).where(waiting.c.place == 1))
    return {user_id: InboxHead(count, moment_id, text or "", sent_at)
            for user_id, count, moment_id, text, sent_at in found}


async def last_captures(session: AsyncSession,
                        user_ids: Iterable[int]) -> dict[int, datetime]:
    """When each user last captured anything; users who never did are left out."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    found = await session.execute(
        select(LearningMoment.user_id, func.max(LearningMoment.sent_at))
        .where(LearningMoment.user_id.in_(wanted)).group_by(LearningMoment.user_id))
    return {user_id: at for user_id, at in found}


async def of_user(session: AsyncSession, user_id: int, *,
                  for_update: bool = False) -> dict[str, Reminder]:
    statement = select(Reminder).where(Reminder.user_id == user_id)
    if for_update:
        statement = statement.with_for_update()
    return {row.kind: row for row in await session.scalars(statement)}


async def add_missing(session: AsyncSession, rows: Sequence[dict[str, object]]) -> None:
    """Insert reminder rows, keeping any the user already has (their choice wins)."""
    if rows:
        statement = insert_for(session, _table).on_conflict_do_nothing(
            index_elements=["user_id", "kind"])
        await session.execute(statement, list(rows))


async def switch_off(session: AsyncSession, user_id: int, reason: str) -> int:
    """Stop every active reminder of a user, remembering why, so `resume` can undo it."""
    # An UPDATE's result is a CursorResult; the session's signature only says Result.
    result = cast(CursorResult[Any], await session.execute(
        update(_table).where(_table.c.user_id == user_id, _ACTIVE)
        .values(active=False, off_reason=reason)))
    return result.rowcount or 0
