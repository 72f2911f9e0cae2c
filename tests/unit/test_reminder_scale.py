"""Reminders with several instances and at national scale: the leader lease, paid broadcasts,
the outcome counters, the batched reads, and the pacer after a stall."""

from __future__ import annotations

import asyncio
import time
from datetime import time as dt_time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from telegram import Bot

from bot.common import metrics
from bot.config import ConfigError, load_config
from bot.reminders.messages import Nudge, compose, known_for
from bot.reminders.sweep import LEASE_KEY, Outcome, Rules, SlowDown, lead, sweep
from bot.runtime.http import AiohttpRequest
from bot.runtime.pacing import LATE, Pacer
from handlers.reminders.remind import sender
from storage import leases
from storage import reminders as rows
from storage.engine import Database
from storage.models import Lease
from tests.support.fake_telegram import FakeTelegram
from tests.unit.test_reminders import (
    LIBRARY,
    Clock,
    Recorder,
    _many_due,
    add_moments,
    add_user,
    only_nudge,
    utc,
)

DUE = utc(2026, 3, 1, 9, 0)
NOW = DUE + timedelta(seconds=5)


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_more_than_30_a_second_needs_paid_broadcast(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""), {})
    assert (config.reminders.paid_broadcast, config.reminders.max_per_second) == (False, 28)
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "[reminders]\nmax_per_second = 31\n"), {})
    assert caught.value.key == "reminders.max_per_second"
    assert "reminders.paid_broadcast = true" in caught.value.problem
    paid = load_config(write(tmp_path, "[reminders]\nmax_per_second = 1000\n"
                                       "paid_broadcast = true\n"), {})
    assert paid.reminders.max_per_second == 1000 and paid.reminders.paid_broadcast
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "[reminders]\npaid_broadcast = true\n"
                                    "max_per_second = 1001\n"), {})
    assert caught.value.key == "reminders.max_per_second"


@pytest.mark.parametrize("paid", [False, True])
async def test_paid_broadcast_goes_with_every_reminder_and_only_then(paid: bool) -> None:
    telegram = await FakeTelegram().start()
    bot = Bot(telegram.token, base_url=telegram.base_url, request=AiohttpRequest(pool_size=2))
    try:
        async with bot:
            send = sender(bot, paid_broadcast=paid)
            nudge = Nudge(1, 42, "nudge", "en", "🔔 1 learning moment is waiting", 7)
            assert await send(nudge) is Outcome.SENT
    finally:
        await telegram.stop()
    (call,) = telegram.sent(42)
    assert call.params.get("allow_paid_broadcast") == (True if paid else None)
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    assert [button["text"] for button in keyboard[0]] == ["✍️ Reflect now"]
    assert [button["callback_data"] for button in keyboard[1]] == [
        "rm:s:nudge-hour", "rm:s:nudge-tomorrow", "rm:s:nudge-off"]


def _counts() -> dict[str, float]:
    return {outcome: metrics.REMINDERS.labels(outcome)._value.get()
            for outcome in ("sent", "skipped", "refused_429", "refused_403")}


async def test_every_outcome_is_counted(db: Database) -> None:
    for user_id in (1, 2, 3):
        await add_user(db, user_id, "UTC")
        await only_nudge(db, user_id, dt_time(9, 0), utc(2026, 3, 1))
    await add_moments(db, 1, "waiting")
    await add_moments(db, 2, "waiting too")
    # user 3 has nothing waiting: its nudge is skipped
    before = _counts()
    send = Recorder()
    send.answers = [SlowDown(0), Outcome.SENT, Outcome.BLOCKED]
    await sweep(db, LIBRARY, send, Pacer(10_000, 0), Clock(NOW), Rules(per_second=50))
    after = _counts()
    assert {key: after[key] - before[key] for key in after} == {
        "sent": 1, "skipped": 1, "refused_429": 1, "refused_403": 1}


async def test_a_round_is_composed_from_two_queries(db: Database) -> None:
    """The batched reads say what the per-user ones said."""
    for user_id in (5, 6):
        await add_user(db, user_id, "UTC")
        await only_nudge(db, user_id, dt_time(9, 0), utc(2026, 3, 1))
    await add_moments(db, 5, "the oldest", "a newer one", sent_at=DUE - timedelta(hours=3))
    claimed = await rows.claim(db, NOW, DUE, 10, "t")
    assert {row.user_id for row in claimed} == {5, 6}
    async with db.session() as session:
        known = await known_for(session, claimed)
        users = await rows.users_of(session, {5, 6})
    assert set(known.inbox) == {5}
    head = known.inbox[5]
    assert (head.waiting, head.oldest_text) == (2, "the oldest")
    nudges = {row.user_id: await compose(db, LIBRARY, row, users[row.user_id], NOW, known)
              for row in claimed}
    alone = {row.user_id: await compose(db, LIBRARY, row, users[row.user_id], NOW)
             for row in claimed}
    assert nudges == alone and nudges[6] is None
    nudge = nudges[5]
    assert nudge is not None and nudge.moment_id == head.oldest_id
    assert "2 learning moments are waiting" in nudge.text and "the oldest" in nudge.text


async def test_only_the_lease_holder_sweeps_until_its_lease_expires(db: Database) -> None:
    await _many_due(db, 5, DUE)
    wall = Clock(utc(2026, 6, 1, 12))
    async with db.session.begin() as session:
        assert await leases.acquire(session, [LEASE_KEY], "other", wall(),
                                    wall() + timedelta(seconds=15))
    send = Recorder()
    rules = Rules(per_second=50)
    assert await lead(db, LIBRARY, send, Pacer(10_000, 0), Clock(NOW), rules, "me",
                      wall=wall) is None
    assert send.sent == []
    wall.at(wall() + timedelta(seconds=16))  # the other instance died 16 s ago
    report = await lead(db, LIBRARY, send, Pacer(10_000, 0), Clock(NOW), rules, "me",
                        wall=wall)
    assert report is not None and report.sent == 5 and len(send.sent) == 5
    async with db.session() as session:
        assert await session.get(Lease, LEASE_KEY) is None, "given back after the sweep"


async def test_a_long_sweep_renews_its_lease_and_stops_when_it_is_taken(
        db: Database) -> None:
    await _many_due(db, 100, DUE)
    rules = Rules(per_second=10, interval=timedelta(seconds=30), lease=timedelta(seconds=0.3))
    send = Recorder()
    pacer = Pacer(20, 0)  # 10 a round, a round each half second (the next claimed meanwhile)
    sweeping = asyncio.create_task(lead(db, LIBRARY, send, pacer, Clock(NOW), rules, "me"))
    await asyncio.sleep(0.45)  # past the first expiry: only a renewal keeps it ours
    async with db.session() as session:
        held = await session.scalar(select(Lease.holder).where(Lease.key == LEASE_KEY))
    assert held == "me"
    async with db.session.begin() as session:  # another instance took it (ours had lapsed)
        await session.execute(update(Lease).where(Lease.key == LEASE_KEY)
                              .values(holder="thief"))
    report = await sweeping
    assert report is not None and 0 < report.sent < 100, "stopped after the rounds in hand"
    assert report.sent == len(send.sent)
    async with db.session() as session:
        held = await session.scalar(select(Lease.holder).where(Lease.key == LEASE_KEY))
    assert held == "thief", "not ours to give back"


async def test_the_pacer_spreads_what_fell_due_during_a_stall() -> None:
    """Sends reserve their slots up front; a stall of the event loop (a full garbage
    collection, a slow round) must not let all that fell due meanwhile out at once."""
    pacer = Pacer(100, chat_interval=0)
    sent: list[float] = []

    async def one(chat: int) -> None:
        await pacer.wait(chat)
        sent.append(time.monotonic())
        if chat == 10:
            time.sleep(0.3)  # noqa: ASYNC251 - the loop is stuck: 30 slots fall due meanwhile

    await asyncio.gather(*(one(chat) for chat in range(1, 61)))
    busiest = max(sum(1 for at in sent if start <= at < start + 0.1) for start in sent)
    assert busiest <= 10 + LATE * 100 + 2, f"{busiest} sends within 0.1 s at 100 a second"
