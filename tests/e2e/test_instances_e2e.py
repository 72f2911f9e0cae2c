"""End to end: two real `cpdbot` processes in webhook mode on one PostgreSQL.

The fake Bot API server delivers a burst from many users by webhook, spread over both
instances as a load balancer would, and retries whatever is not answered with a 2xx. One
instance is killed with SIGKILL in the middle. Every message must be stored once and
acknowledged, each user's in the order sent, and the survivor must stop cleanly on SIGTERM.
"""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from bot.config import normalise_database_url
from storage.engine import Database
from storage.models import JournalEntry, LearningMoment
from tests.support.fake_telegram import FakeTelegram
from tests.support.postgres import private_postgres
from tests.support.processes import (
    free_port,
    healthy,
    kill,
    start_cpdbot,
    stored_moments,
    write_config,
)

SECRET = "instances-secret_42"
USERS = range(8801, 8826)  # 25 clinicians
NOTES = 8  # each sends this many, one after another


def instance_config(path: Path, telegram: FakeTelegram, url: str, port: int) -> Path:
    return write_config(
        path, telegram, url, web_port=port,
        telegram_extra='mode = "webhook"\nlease_seconds = 2\n',
        web_extra=f'public_url = "http://127.0.0.1:{port}"\n')


async def wait_for(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        result = predicate() if callable(predicate) else predicate
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def acks(telegram: FakeTelegram, user_id: int) -> list[int]:
    """The message each acknowledgement sent to the user replies to, in the order sent."""
    return [call.params["reply_parameters"]["message_id"] for call in telegram.sent(user_id)
            if call.params["text"].startswith("✅")]


def acked(telegram: FakeTelegram, user_id: int) -> int:
    """How many of the user's messages have been acknowledged."""
    return len(set(acks(telegram, user_id)))


async def test_two_instances_take_a_burst_and_survive_a_sigkill(
        telegram: FakeTelegram, tmp_path: Path) -> None:
    with private_postgres() as postgres:
        url = normalise_database_url(postgres.url)
        ports = free_port(), free_port()
        configs = [instance_config(tmp_path / f"instance{n}.toml", telegram, url, port)
                   for n, port in enumerate(ports)]
        env = {"TELEGRAM_WEBHOOK_SECRET": SECRET}
        migrate = await start_cpdbot(configs[0], "migrate")
        assert await migrate.wait() == 0
        first, second = [await start_cpdbot(path, env=env) for path in configs]
        try:
            await wait_for(lambda: len(telegram.calls_to("setWebhook")) >= 2, 30,
                           "both instances to set the webhook")
            for port in ports:
                await wait_for(healthy(port), 10, f"the web server on {port}")
            telegram.webhook_targets = [f"http://127.0.0.1:{port}/telegram/webhook"
                                        for port in ports]
            total = len(USERS) * NOTES
            for note in range(NOTES // 2):
                for user_id in USERS:
                    telegram.user(user_id).send_text(f"note {note} from {user_id}")
            await wait_for(lambda: sum(acked(telegram, user) for user in USERS) >= total // 4,
                           30, "a quarter of the burst")
            await kill(first)  # SIGKILL, mid-burst: its users' updates are half done
            for note in range(NOTES // 2, NOTES):  # and half of these go to the dead one
                for user_id in USERS:
                    telegram.user(user_id).send_text(f"note {note} from {user_id}")
            await wait_for(lambda: all(acked(telegram, user) >= NOTES for user in USERS), 90,
                           "every message acknowledged by the survivor")
            second.send_signal(signal.SIGTERM)
            started = time.monotonic()
            assert await asyncio.wait_for(second.wait(), 15) == 0
            assert time.monotonic() - started < 10
        finally:
            await kill(first)
            await kill(second)
        statuses = {status for _, status in telegram.deliveries}
        assert 0 in statuses and statuses <= {0, 200, 503}  # refused by the dead, then retried

        db = Database(url)
        try:
            async with db.session() as session:
                moments = (await session.scalars(select(LearningMoment).order_by(
                    LearningMoment.id))).all()
                waiting = await session.scalar(select(func.count()).select_from(
                    JournalEntry).where(JournalEntry.processed_at.is_(None)))
        finally:
            await db.dispose()
    assert waiting == 0
    assert len(moments) == len({(m.chat_id, m.message_id) for m in moments}) == total
    for user_id in USERS:
        # Stored once each, and in the order sent: the ids were given as they were handled.
        texts = [moment.text for moment in moments if moment.user_id == user_id]
        assert texts == [f"note {note} from {user_id}" for note in range(NOTES)], user_id
    assert all(moment.ack_message_id is not None for moment in moments)
    # Only the message in hand when the instance died is handled again: stored once all the
    # same, though its acknowledgement may have gone out just before the kill.
    assert all(len(acks(telegram, user)) <= NOTES + 1 for user in USERS)


async def ready(port: int) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as session, session.get(
            f"http://127.0.0.1:{port}/readyz") as answer:
        return answer.status, await answer.json()


async def test_readiness_follows_the_database_and_nothing_sent_meanwhile_is_lost(
        telegram: FakeTelegram, tmp_path: Path) -> None:
    with private_postgres() as postgres:
        url = normalise_database_url(postgres.url)
        port = free_port()
        path = instance_config(tmp_path / "config.toml", telegram, url, port)
        process = await start_cpdbot(path, env={"TELEGRAM_WEBHOOK_SECRET": SECRET})
        try:
            await wait_for(lambda: telegram.calls_to("setWebhook"), 30, "the webhook")
            assert (await ready(port))[0] == 200
            telegram.user(8901).send_text("before the outage")
            await wait_for(lambda: acked(telegram, 8901) == 1, 10, "the first note")

            postgres.stop()
            status, body = await ready(port)
            assert status == 503 and "database unavailable" in str(body["reason"])
            telegram.user(8901).send_text("during the outage")  # refused: Telegram retries
            await wait_for(lambda: any(code >= 500 for _, code in telegram.deliveries), 10,
                           "a refused delivery")
            assert acked(telegram, 8901) == 1

            postgres.start()
            await wait_for(lambda: acked(telegram, 8901) == 2, 30, "the note sent meanwhile")
            assert (await ready(port))[0] == 200
        finally:
            await kill(process)
        texts = [moment.text for moment in await stored_moments(url)]
    assert texts == ["before the outage", "during the outage"]


async def test_a_second_instance_on_one_sqlite_file_is_refused(
        telegram: FakeTelegram, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'one.sqlite3'}"
    first = await start_cpdbot(write_config(tmp_path / "first.toml", telegram, url))
    try:
        await wait_for(lambda: telegram.calls_to("getUpdates"), 30, "the first instance")
        second = await start_cpdbot(write_config(tmp_path / "second.toml", telegram, url))
        _, stderr = await asyncio.wait_for(second.communicate(), 30)
        assert second.returncode == 2
        lines = stderr.decode().strip().splitlines()
        assert lines[-1].startswith("cpdbot: config error: storage.url: another cpdbot is "
                                    "already running on ")
        assert first.returncode is None  # the first carries on
    finally:
        await kill(first)
