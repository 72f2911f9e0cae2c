"""The update journal: Telegram updates stored before Telegram is told they arrived."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, select, update

from storage.engine import Database
from storage.models import JournalEntry, utcnow
from storage.upsert import insert_for


async def record_batch(db: Database, entries: Sequence[tuple[int, str]]) -> set[int]:
    """Store a fetched batch in one transaction; return the ids not seen before."""
    if not entries:
        return set()
    now = utcnow()
    async with db.session.begin() as session:
        statement = (
            insert_for(session, JournalEntry)
            .values(
                [
                    {"update_id": update_id, "payload": payload, "received_at": now, "attempts": 1}
                    for update_id, payload in entries
                ]
            )
            .on_conflict_do_nothing(index_elements=["update_id"])
            .returning(JournalEntry.update_id)
        )
        return set((await session.execute(statement)).scalars())


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
        result = await session.execute(
            delete(JournalEntry).where(JournalEntry.processed_at < before)
        )
        return result.rowcount
