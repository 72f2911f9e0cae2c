"""Officers' nudges and each member's copy: the sweep's atomic claim and the writes after it.

The claim is the reminders' (`storage.reminders`): one `UPDATE … RETURNING` over due, unsent
copies, `FOR UPDATE SKIP LOCKED` on PostgreSQL, so two sweepers never take the same copy. A
copy is settled (its outcome written) before it is sent, as reminders are moved on before
they are sent: at most once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple, cast

from sqlalchemy import Table, bindparam, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.engine import Database
from storage.models import NudgeDelivery, OrgNudge
from storage.upsert import insert_for

_table = cast(Table, NudgeDelivery.__table__)
_UNSENT = text("nudge_deliveries.outcome IS NULL")  # the partial index's WHERE


class Claimed(NamedTuple):
    id: int
    nudge_id: int
    user_id: int
    due_at: datetime
    text: str


async def add_copies(session: AsyncSession, nudge_id: int, texts: dict[int, str],
                     due_at: datetime) -> None:
    """One copy per member (user id: its text); a member already given this nudge is not
    given it again."""
    rows = [{"nudge_id": nudge_id, "user_id": user_id, "due_at": due_at, "text": text}
            for user_id, text in texts.items()]
    if rows:
        await session.execute(insert_for(session, _table).on_conflict_do_nothing(
            index_elements=["nudge_id", "user_id"]), rows)


async def claim(db: Database, now: datetime, stale_before: datetime, limit: int,
                token: str) -> list[Claimed]:
    due = (select(_table.c.id)
           .where(_UNSENT, _table.c.due_at <= now,
                  or_(_table.c.claim_token.is_(None), _table.c.claimed_at < stale_before))
           .order_by(_table.c.due_at).limit(limit))
    if db.dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
    async with db.session.begin() as session:
        result = await session.execute(
            update(_table).where(_table.c.id.in_(due.scalar_subquery()))
            .values(claim_token=token, claimed_at=now)
            .returning(_table.c.id, _table.c.nudge_id, _table.c.user_id, _table.c.due_at,
                       _table.c.text))
        return [Claimed(*row) for row in result]


class Settle(NamedTuple):
    id: int
    outcome: str | None  # None: not yet, try again at `due_at`
    due_at: datetime


async def settle(db: Database, token: str, settled: Sequence[Settle], at: datetime) -> None:
    """Write each claimed copy's outcome, or put it back for later; releases the claims."""
    if settled:
        async with db.session.begin() as session:
            await session.execute(
                update(_table)
                .where(_table.c.id == bindparam("copy"), _table.c.claim_token == token)
                .values(outcome=bindparam("result"), due_at=bindparam("due"),
                        settled_at=bindparam("when"), claim_token=None, claimed_at=None),
                [{"copy": row.id, "result": row.outcome, "due": row.due_at,
                  "when": at if row.outcome else None} for row in settled])


async def correct(db: Database, outcomes: dict[int, str]) -> None:
    """After sending: a copy settled as sent that Telegram refused gets its real outcome."""
    if outcomes:
        async with db.session.begin() as session:
            await session.execute(
                update(_table).where(_table.c.id == bindparam("copy"))
                .values(outcome=bindparam("result")),
                [{"copy": key, "result": value} for key, value in outcomes.items()])


async def nudges_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, OrgNudge]:
    found = await session.scalars(select(OrgNudge).where(OrgNudge.id.in_(set(ids))))
    return {nudge.id: nudge for nudge in found}
