"""The update journal: Telegram updates stored before Telegram is told they arrived."""

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, text, update

from storage.engine import Database
from storage.models import JournalEntry, utcnow
from storage.upsert import insert_for

# Tries per update: one that fails or kills the process this often stays in the journal,
# unhandled, instead of blocking its user for ever.
MAX_ATTEMPTS = 3


def user_key(raw: dict[str, Any]) -> int:
    """Whose update this is: the sender, else the chat; 0 when it names neither."""
    for kind in ("message", "edited_message", "callback_query", "my_chat_member",
                 "channel_post", "edited_channel_post", "chat_member"):
        body = raw.get(kind)
        if isinstance(body, dict):
            for holder in ("from", "chat"):
                found = body.get(holder)
                if isinstance(found, dict) and isinstance(found.get("id"), int):
                    return int(found["id"])
            message = body.get("message")  # a callback query's message, without "from"
            if isinstance(message, dict) and isinstance(message.get("chat"), dict):
                chat_id = message["chat"].get("id")
                if isinstance(chat_id, int):
                    return chat_id
    return 0


async def record_batch(db: Database, entries: Sequence[tuple[int, str]],
                       attempts: int = 1) -> set[int]:
    """Store a fetched batch durably in one transaction; return the ids not seen before.

    SQLite runs with synchronous=NORMAL: WAL commits survive a process crash and replay in
    order after a power cut, so a lost later write is simply redone from this journal. The
    journal is the point of no return (Telegram forgets what we confirm next), so its commit
    alone is fsynced. PostgreSQL commits are always durable. The poller counts the fetch as
    the first attempt; the webhook stores 0, as its dispatcher counts each attempt it makes.
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
        rows = [{"update_id": update_id, "payload": payload, "received_at": now,
                 "attempts": attempts, "user_key": user_key(json.loads(payload))}
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


# -- webhook mode: each user's waiting updates, oldest first, on one instance at a time ---------


async def waiting_users(db: Database, max_attempts: int, limit: int,
                        skip: Iterable[int] = ()) -> list[int]:
    """Users with updates still to handle, the longest-waiting first (`skip`: ours already)."""
    skipped = list(skip)
    async with db.session() as session:
        statement = (
            select(JournalEntry.user_key, func.min(JournalEntry.update_id).label("first"))
            .where(JournalEntry.processed_at.is_(None), JournalEntry.attempts < max_attempts)
            .group_by(JournalEntry.user_key).order_by(text("first")).limit(limit))
        if skipped:
            statement = statement.where(JournalEntry.user_key.not_in(skipped))
        return [row[0] or 0 for row in await session.execute(statement)]


async def take_for_user(db: Database, user_key: int, max_attempts: int,
                        limit: int) -> list[tuple[int, str]]:
    """The user's oldest waiting updates, each counted as an attempt: one killed mid-way is
    tried again by whoever takes the user over, and at most `max_attempts` times."""
    async with db.session.begin() as session:
        rows = (await session.execute(
            select(JournalEntry.update_id, JournalEntry.payload)
            .where(JournalEntry.user_key == user_key, JournalEntry.processed_at.is_(None),
                   JournalEntry.attempts < max_attempts)
            .order_by(JournalEntry.update_id).limit(limit))).all()
        if rows:
            await session.execute(
                update(JournalEntry).where(JournalEntry.update_id.in_([row[0] for row in rows]))
                .values(attempts=JournalEntry.attempts + 1))
        return [(row[0], row[1]) for row in rows]


async def give_up(db: Database, update_id: int, max_attempts: int) -> None:
    """Leave an update in the journal, never to be tried again (it failed or can't be read)."""
    async with db.session.begin() as session:
        await session.execute(update(JournalEntry).where(JournalEntry.update_id == update_id)
                              .values(attempts=max_attempts))


async def backlog(db: Database, max_attempts: int) -> int:
    """Updates stored and still to be handled."""
    async with db.session() as session:
        return await session.scalar(
            select(func.count()).select_from(JournalEntry)
            .where(JournalEntry.processed_at.is_(None),
                   JournalEntry.attempts < max_attempts)) or 0
