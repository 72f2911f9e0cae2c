"""The update journal: Telegram updates stored before Telegram is told they arrived."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, text, update

from storage.engine import Database
from storage.models import JournalEntry, utcnow
from storage.upsert import insert_for


async def record_batch(db: Database, entries: Sequence[tuple[int, str]]) -> set[int]:
    """Store a fetched batch durably in one transaction; return the ids not seen before.

    SQLite runs with synchronous=NORMAL: WAL commits survive a process crash and replay in
    order after a power cut, so a lost later write is simply redone from this journal. The
    journal is the point of no return (Telegram forgets what we confirm next), so its commit
    alone is fsynced. PostgreSQL commits are always durable.
    """
    if not entries:
        return set()
    now = utcnow()
    async with db.session() as session:
        on_sqlite = session.get_bind().dialect.name == "sqlite"
        if on_sqlite:
            await session.execute(text("PRAGMA synchronous=FULL"))
        table = JournalEntry.__table__
        statement = (
            insert_for(session, table)
            .on_conflict_do_nothing(index_elements=["update_id"])
            .returning(table.c.update_id)
        )
        rows = [{"update_id": update_id, "payload": payload, "received_at": now, "attempts": 1}
                for update_id, payload in entries]
        fresh = set((await session.execute(statement, rows)).scalars())
        await session.commit()
        if on_sqlite:
            await session.execute(text("PRAGMA synchronous=NORMAL"))
        return fresh


async def mark_processed(db: Database, update_ids: Iterable[int]) -> None:
    ids = list(update_ids)
    if not ids:
        return
    async with db.session.begin() as session:
        await session.execute(
            update(JournalEntry)
            .where(JournalEntry.update_id.in_(ids), JournalEntry.processed_at.is_(None))
            .values(processed_at=utcnow())
        )


async def claim_unprocessed(db: Database, max_attempts: int) -> list[tuple[int, str]]:
    """Updates stored but not handled (the bot stopped mid-way); counts this attempt."""
    async with db.session.begin() as session:
        rows = (
            await session.execute(
                select(JournalEntry.update_id, JournalEntry.payload)
                .where(
                    JournalEntry.processed_at.is_(None),
                    JournalEntry.attempts < max_attempts,
                )
                .order_by(JournalEntry.update_id)
            )
        ).all()
        if rows:
            await session.execute(
                update(JournalEntry)
                .where(JournalEntry.update_id.in_([row[0] for row in rows]))
                .values(attempts=JournalEntry.attempts + 1)
            )
        return [(row[0], row[1]) for row in rows]


async def prune_processed(db: Database, before: datetime) -> int:
    async with db.session.begin() as session:
        # A DELETE's result is a CursorResult; the session's signature only says Result.
        result = cast(CursorResult[Any], await session.execute(
            delete(JournalEntry).where(JournalEntry.processed_at < before)
        ))
        return result.rowcount
