"""End to end: two instances of the application sweep reminders on one PostgreSQL database.

Both run the sweep job every second against the fake Bot API server, which answers 429 to
any send beyond `LIMIT` within one second. Each instance paces itself at `PACE`, under the
limit alone but over it together, so only the leader lease ("sweep:reminders") keeps the
two within it: every due nudge must arrive exactly once, with no 429 and no second holding
more than `LIMIT` sends. The server is a private PostgreSQL (tests/support/postgres.py), so
this runs in the SQLite pass of the suite too.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import insert, select

from bot.config import Config, normalise_database_url
from storage.engine import Database
from storage.leases import acquire
from storage.migrate import upgrade
from storage.models import LearningMoment, Lease, Reminder, User, utcnow
from tests.support.fake_telegram import ApiCall, FakeTelegram
from tests.support.postgres import private_postgres
from tests.support.running import RunningBot

LIMIT = 25  # sends a second the fake server allows
PACE = 20  # reminders.max_per_second of each instance: two of them would send 40 a second
USERS = range(7001, 7061)  # 60 clinicians, each with a nudge due now
LEASE_KEY = "sweep:reminders"


def instance_config(telegram: FakeTelegram, url: str) -> Config:
    return Config.model_validate({
        "telegram": {"token": telegram.token, "base_url": telegram.base_url,
                     "base_file_url": telegram.base_file_url, "poll_timeout": 1},
        "storage": {"url": url},
        "reminders": {"sweep_seconds": 1, "max_per_second": PACE},
        "web": {"enabled": False},
    })


async def seed_due_nudges(db: Database) -> None:
    now = utcnow()
    async with db.session.begin() as session:
        await session.execute(insert(User), [
            {"id": user_id, "first_name": "N", "telegram_language": "en", "time_zone": "UTC",
             "created_at": now - timedelta(days=30)} for user_id in USERS])
        await session.execute(insert(LearningMoment), [
            {"user_id": user_id, "chat_id": user_id, "message_id": 1, "kind": "text",
             "text": f"moment of {user_id}", "sent_at": now - timedelta(hours=3)}
            for user_id in USERS])
        await session.execute(insert(Reminder), [
            {"user_id": user_id, "kind": "nudge", "local_minute": 0, "days": 127,
             "time_zone": "UTC", "next_due_at": now - timedelta(seconds=30), "active": True}
            for user_id in USERS])


def busiest_second(sends: list[ApiCall]) -> int:
    times = [call.at for call in sends]
    return max((sum(1 for other in times if at <= other < at + 1.0) for at in times), default=0)


async def test_two_instances_send_each_reminder_once_within_one_rate(
        telegram: FakeTelegram) -> None:
    telegram.max_per_second = LIMIT
    with private_postgres() as postgres:
        url = normalise_database_url(postgres.url)
        await asyncio.to_thread(upgrade, url)
        databases = [Database(url), Database(url)]
        try:
            await seed_due_nudges(databases[0])
            bots = [RunningBot(instance_config(telegram, url), db) for db in databases]
            for running in bots:
                await running.start(telegram)
            try:
                await telegram.wait_until(lambda: len(telegram.sent()) >= len(USERS),
                                          timeout=20, what="every nudge")
                await asyncio.sleep(1.5)  # a nudge sent twice would come now
            finally:
                for running in bots:
                    await running.stop()
            async with databases[0].session() as session:
                lease = await session.scalar(select(Lease).where(Lease.key == LEASE_KEY))
                waiting = await session.scalar(select(Reminder.id).where(
                    Reminder.next_due_at <= utcnow(), Reminder.active))
        finally:
            for db in databases:
                await db.dispose()
    sends = telegram.sent()
    per_user = Counter(int(call.params["chat_id"]) for call in sends)
    assert set(per_user) == set(USERS) and set(per_user.values()) == {1}, "each exactly once"
    assert telegram.too_many_requests == 0
    assert busiest_second(sends) <= LIMIT
    assert lease is None, "the last holder gave the lease back when it stopped"
    assert waiting is None, "every row moved on to its next firing"


async def test_a_dead_holders_lease_is_taken_over_once_it_expires(
        telegram: FakeTelegram) -> None:
    """An instance that died holding the lease stops the others only until it expires."""
    with private_postgres() as postgres:
        url = normalise_database_url(postgres.url)
        await asyncio.to_thread(upgrade, url)
        db = Database(url)
        try:
            await seed_due_nudges(db)
            async with db.session.begin() as session:  # the dead one's lease, 3 s to go
                now = utcnow()
                assert await acquire(session, [LEASE_KEY], "dead-instance", now,
                                     now + timedelta(seconds=3))
            running = await RunningBot(instance_config(telegram, url), db).start(telegram)
            try:
                await asyncio.sleep(1.5)
                assert telegram.sent() == [], "nothing while the dead holder's lease lasts"
                await telegram.wait_until(lambda: len(telegram.sent()) >= len(USERS),
                                          timeout=15, what="the survivor to take over")
            finally:
                await running.stop()
        finally:
            await db.dispose()
    assert len({int(call.params["chat_id"]) for call in telegram.sent()}) == len(USERS)
