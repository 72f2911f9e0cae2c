"""Reminder rows: the sweep's atomic claim, and the writes that move a row on.

A claim is one `UPDATE … RETURNING` over the due rows; on PostgreSQL the rows are picked with
`FOR UPDATE SKIP LOCKED`, so two sweepers never claim the same row and never wait for each
other. SQLite has one writer, so its UPDATE is atomic on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import CursorResult, Table, bindparam, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningUpdate

from storage.engine import Database
from storage.models import LearningMoment, Reminder, User
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
    statement = (update(_table)
                 .where(_table.c.id == bindparam("row_id"), _table.c.claim_token == token)
                 .values(next_due_at=bindparam("due"), claim_token=None, claimed_at=None,
                         snoozed_until=None))
    async with db.session.begin() as session:
        await session.execute(statement, [{"row_id": move.id, "due": move.next_due_at}
                                          for move in moves])


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


async def last_capture(session: AsyncSession, user_id: int) -> datetime | None:
    return await session.scalar(select(func.max(LearningMoment.sent_at))
                                .where(LearningMoment.user_id == user_id))


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
