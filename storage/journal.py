"""The update journal: Telegram updates stored before Telegram is told they arrived."""

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    String,
    delete,
    func,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy import cast as sql_cast

from storage import leases
from storage.engine import Database
from storage.models import JournalEntry, Lease, utcnow
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


async def turn(db: Database, handled: Sequence[int], holder: str, now: datetime,
               until: datetime, busy: Iterable[int], held: Iterable[int], max_users: int,
               max_attempts: int, per_user: int) -> tuple[dict[int, list[tuple[int, str]]],
                                                        set[int]]:
    """One dispatcher turn for every user at once (webhook mode), in two short transactions.

    First, mark what was handled and give back the leases of users held but idle with nothing
    waiting. Then lease the users with waiting updates who are neither being handled here
    (`busy`) nor leased by another instance, and take each one's oldest waiting updates,
    counted as an attempt (one killed mid-way is tried again by whoever takes the user over,
    at most `max_attempts` times). Lease rows are touched in key order and other instances'
    live leases not at all, so two instances never wait on each other for long nor deadlock.
    Returns the updates taken, by user, and the users whose lease is held after the turn."""
    busy_users, held_users = set(busy), set(held)
    async with db.session.begin() as session:
        if handled:
            await session.execute(
                update(JournalEntry).where(JournalEntry.update_id.in_(list(handled)))
                .values(processed_at=now))
        idle = held_users - busy_users
        if idle:
            still = {key or 0 for key in (await session.scalars(
                select(JournalEntry.user_key).distinct().where(
                    JournalEntry.user_key.in_(list(idle)), JournalEntry.processed_at.is_(None),
                    JournalEntry.attempts < max_attempts))).all()}
            gone = sorted(idle - still)
            if gone:
                await leases.release(session, [f"user:{key}" for key in gone], holder)
                held_users -= set(gone)
    room = max(0, max_users - len(busy_users))
    if not room:
        return {}, held_users
    lease_key = literal("user:") + sql_cast(JournalEntry.user_key, String)
    async with db.session.begin() as session:
        statement = (
            select(JournalEntry.user_key, func.min(JournalEntry.update_id).label("first"))
            .outerjoin(Lease, Lease.key == lease_key)
            .where(JournalEntry.processed_at.is_(None), JournalEntry.attempts < max_attempts,
                   or_(Lease.key.is_(None), Lease.expires_at < now, Lease.holder == holder))
            .group_by(JournalEntry.user_key).order_by(text("first"))
            .limit(room + len(busy_users)))
        waiting = [key or 0 for key, _first in await session.execute(statement)
                   if (key or 0) not in busy_users][:room]
        if not waiting:
            return {}, held_users
        won = {int(key.removeprefix("user:")) for key in await leases.acquire(
            session, sorted(f"user:{key}" for key in waiting), holder, now, until)}
        taken: dict[int, list[tuple[int, str]]] = {}
        if won:
            rows = (await session.execute(
                select(JournalEntry.user_key, JournalEntry.update_id, JournalEntry.payload)
                .where(JournalEntry.user_key.in_(list(won)),
                       JournalEntry.processed_at.is_(None),
                       JournalEntry.attempts < max_attempts)
                .order_by(JournalEntry.update_id))).all()
            for key, update_id, payload in rows:
                found = taken.setdefault(key or 0, [])
                if len(found) < per_user:
                    found.append((update_id, payload))
            ids = [update_id for found in taken.values() for update_id, _ in found]
            if ids:
                await session.execute(
                    update(JournalEntry).where(JournalEntry.update_id.in_(ids))
                    .values(attempts=JournalEntry.attempts + 1))
        return taken, held_users | won


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
