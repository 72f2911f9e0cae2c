"""The reminder sweep on a real database, driven by an injectable clock (never by sleeps).

Sends go to a recording `send`, the sweep's own seam; delivery over the wire to the fake
Telegram server is covered in test_reminders_e2e.py.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select

from bot.library.loader import load_library
from bot.reminders import schedules as reminders
from bot.reminders.messages import Nudge
from bot.reminders.sweep import Outcome, Report, Rules, SlowDown, sweep
from bot.reminders.times import EVERY_DAY, Schedule
from bot.runtime.pacing import Pacer
from bot.settings import profile as settings
from storage import reminders as rows
from storage.engine import Database
from storage.models import CpdRecord, LearningMoment, Reminder, User
from tests.support.running import POSTGRES_URL

LIBRARY = load_library()
RULES = Rules(per_second=50, interval=timedelta(seconds=30))
_message_ids = itertools.count(1)
MARCH_FIRST = datetime(2026, 3, 1, tzinfo=UTC)


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def at(self, value: datetime) -> Clock:
        self.now = value
        return self


class Recorder:
    """The sweep's `send`: records what would go out, answers as Telegram would."""

    def __init__(self) -> None:
        self.sent: list[Nudge] = []
        self.answers: list[Outcome | Exception] = []

    async def __call__(self, nudge: Nudge) -> Outcome:
        await asyncio.sleep(0)  # let concurrent sweepers interleave
        if self.answers:
            answer = self.answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            if answer is not Outcome.SENT:
                return answer
        self.sent.append(nudge)
        return Outcome.SENT


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0,
        second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


async def add_user(db: Database, user_id: int, zone: str, language: str = "en",
                   **fields: Any) -> None:
    async with db.session.begin() as session:
        session.add(User(id=user_id, first_name="Olena", telegram_language=language,
                         time_zone=zone, created_at=utc(2026, 1, 1), **fields))


async def add_moments(db: Database, user_id: int, *texts: str,
                      sent_at: datetime = MARCH_FIRST) -> None:
    async with db.session.begin() as session:
        for number, text in enumerate(texts):
            session.add(LearningMoment(user_id=user_id, chat_id=user_id,
                                       message_id=next(_message_ids), kind="text", text=text,
                                       sent_at=sent_at + timedelta(minutes=number)))


async def reminder(db: Database, user_id: int, kind: str = "nudge") -> Reminder:
    async with db.session() as session:
        row = await session.scalar(select(Reminder).where(Reminder.user_id == user_id,
                                                          Reminder.kind == kind))
        assert row is not None
        return row


async def run(db: Database, clock: Clock, send: Recorder, rules: Rules = RULES) -> Report:
    return await sweep(db, LIBRARY, send, Pacer(10_000, chat_interval=0), clock, rules)


async def only_nudge(db: Database, user_id: int, at: time, now: datetime,
                     days: frozenset[int] = EVERY_DAY) -> None:
    """The user's nudge at `at`; the other kinds switched off so they stay out of the way."""
    for kind in ("digest", "deadline"):
        await reminders.set_kind(db, user_id, kind, False, now)
    await reminders.set_schedule(db, user_id, "nudge", Schedule(at, days), now)


async def test_nudge_names_waiting_moments_once_and_only_when_due(db: Database) -> None:
    await add_user(db, 1, "Europe/Kyiv")
    await add_moments(db, 1, "Sepsis bundle: lactate within 1 h", "ECG: Wellens", "NICE NG51")
    clock = Clock(utc(2026, 3, 10, 5, 0))  # 07:00 in Kyiv
    await only_nudge(db, 1, time(9, 0), clock.now)
    send = Recorder()

    await run(db, clock.at(utc(2026, 3, 10, 6, 59)), send)
    assert send.sent == []
    report = await run(db, clock.at(utc(2026, 3, 10, 7, 0, 20)), send)  # 09:00:20 Kyiv
    assert report.sent == 1
    (nudge,) = send.sent
    assert "3 learning moments are waiting" in nudge.text
    assert "Sepsis bundle" in nudge.text  # the oldest is shown
    async with db.session() as session:
        oldest = await session.scalar(select(LearningMoment.id).order_by(LearningMoment.id))
    assert nudge.moment_id == oldest

    await run(db, clock.at(utc(2026, 3, 10, 7, 1)), send)
    await run(db, clock.at(utc(2026, 3, 10, 20, 0)), send)
    assert len(send.sent) == 1, "one nudge a day"
    row = await reminder(db, 1)
    assert row.next_due_at == utc(2026, 3, 11, 7, 0)
    assert row.last_sent_at == utc(2026, 3, 10, 7, 0, 20)


async def test_nothing_waiting_means_no_nudge(db: Database) -> None:
    await add_user(db, 2, "Asia/Kathmandu")  # +05:45
    clock = Clock(utc(2026, 3, 10, 0, 0))
    await only_nudge(db, 2, time(9, 0), clock.now)
    send = Recorder()
    report = await run(db, clock.at(utc(2026, 3, 10, 3, 15, 5)), send)  # 09:00:05 there
    assert (report.claimed, report.silent, send.sent) == (1, 1, [])
    assert (await reminder(db, 2)).next_due_at == utc(2026, 3, 11, 3, 15)


@pytest.mark.parametrize(("zone", "at", "start", "expected"), [
    # Berlin springs forward at 02:00 on 29 March 2026: 02:30 does not exist that night.
    ("Europe/Berlin", time(2, 30), utc(2026, 3, 27, 12),
     [utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 30)]),
    # New York falls back at 02:00 on 1 November 2026: 01:30 happens twice.
    ("America/New_York", time(1, 30), utc(2026, 10, 30, 12),
     [utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]),
    # London falls back on 25 October 2026.
    ("Europe/London", time(1, 15), utc(2026, 10, 23, 12),
     [utc(2026, 10, 24, 0, 15), utc(2026, 10, 25, 0, 15), utc(2026, 10, 26, 1, 15)]),
    # Chatham (+12:45, then +13:45) springs forward at 02:45 on 27 September 2026: 02:50
    # falls in the gap and goes at 03:45, the first minute after it.
    ("Pacific/Chatham", time(2, 50), utc(2026, 9, 25, 0),
     [utc(2026, 9, 25, 14, 5), utc(2026, 9, 26, 14, 0), utc(2026, 9, 27, 13, 5)]),
])
async def test_clock_changes_neither_double_nor_miss_a_nudge(
        db: Database, zone: str, at: time, start: datetime, expected: list[datetime]) -> None:
    await add_user(db, 3, zone)
    await add_moments(db, 3, "a moment that stays waiting")
    clock = Clock(start)
    await only_nudge(db, 3, at, clock.now)
    send = Recorder()
    sent_at = []
    while clock.now < expected[-1] + timedelta(hours=1):  # a sweep every 5 minutes
        before = len(send.sent)
        await run(db, clock, send)
        if len(send.sent) > before:
            sent_at.append(clock.now)
        clock.now += timedelta(minutes=5)
    # One per local day, each in the first sweep at or after its firing time.
    assert len(sent_at) == len(expected), sent_at
    assert all(timedelta(0) <= got - want < timedelta(minutes=5)
               for got, want in zip(sent_at, expected, strict=True)), sent_at


async def test_downtime_gives_one_message_per_user_or_none_when_long_past(
        db: Database) -> None:
    for user_id in (4, 5):
        await add_user(db, user_id, "UTC")
        await add_moments(db, user_id, "waiting")
        await only_nudge(db, user_id, time(9, 0), utc(2026, 3, 1))
        await reminders.set_schedule(db, user_id, "digest", Schedule(time(9, 0), EVERY_DAY),
                                     utc(2026, 3, 1))
    send = Recorder()
    # Down from 1 March until 3 March 10:00: both rows of both users missed three firings.
    report = await run(db, Clock(utc(2026, 3, 3, 10, 0)), send)
    assert report.claimed == 4
    assert Counter(n.chat_id for n in send.sent) == {4: 1, 5: 1}
    assert {n.kind for n in send.sent} == {"nudge"}  # the more urgent kind speaks
    assert report.dropped == 2
    # Down again, this time for longer than catch_up (2 h) past the firing: nothing at all.
    send.sent.clear()
    report = await run(db, Clock(utc(2026, 3, 4, 11, 30)), send)
    assert (report.claimed, report.dropped, send.sent) == (4, 4, [])
    assert (await reminder(db, 4)).next_due_at == utc(2026, 3, 5, 9, 0)


async def test_a_crash_between_claim_and_move_loses_nothing(db: Database) -> None:
    """The dead sweeper claimed but never moved the row on, so nothing was sent; once its
    claim times out another sweeper sends it, once."""
    await add_user(db, 6, "UTC")
    await add_moments(db, 6, "waiting")
    await only_nudge(db, 6, time(9, 0), utc(2026, 3, 1))
    due = utc(2026, 3, 1, 9, 0)
    claimed = await rows.claim(db, due, due - RULES.claim_timeout, 10, "dead-sweeper")
    assert [row.user_id for row in claimed] == [6]
    send = Recorder()
    await run(db, Clock(due + timedelta(seconds=30)), send)
    assert send.sent == [], "a fresh claim is respected"
    await run(db, Clock(due + RULES.claim_timeout + timedelta(seconds=1)), send)
    assert [n.chat_id for n in send.sent] == [6]
    await run(db, Clock(due + RULES.claim_timeout + timedelta(seconds=40)), send)
    assert len(send.sent) == 1


class Crash(Exception):
    """The process dying mid-send."""


async def test_a_crash_between_move_and_send_is_at_most_once(db: Database) -> None:
    await add_user(db, 7, "UTC")
    await add_moments(db, 7, "waiting")
    await only_nudge(db, 7, time(9, 0), utc(2026, 3, 1))
    send = Recorder()
    send.answers = [Crash()]
    with pytest.raises(Crash):
        await run(db, Clock(utc(2026, 3, 1, 9, 0, 5)), send)
    # After the restart: that firing is gone, never repeated; the next one comes as usual.
    for minutes in (1, 5, 60, 600):
        await run(db, Clock(utc(2026, 3, 1, 9, 0) + timedelta(minutes=minutes)), send)
    assert send.sent == []
    await run(db, Clock(utc(2026, 3, 2, 9, 0, 5)), send)
    assert [n.chat_id for n in send.sent] == [7]


async def test_blocked_bot_switches_reminders_off_until_unblocked(db: Database) -> None:
    await add_user(db, 8, "UTC")
    await add_moments(db, 8, "waiting")
    await only_nudge(db, 8, time(9, 0), utc(2026, 3, 1))
    send = Recorder()
    send.answers = [Outcome.BLOCKED]
    report = await run(db, Clock(utc(2026, 3, 1, 9, 0, 5)), send)
    assert report.blocked == 1
    row = await reminder(db, 8)
    assert (row.active, row.off_reason) == (False, "blocked")
    await run(db, Clock(utc(2026, 3, 2, 9, 0, 5)), send)
    assert send.sent == []
    assert await reminders.unblocked(db, 8, utc(2026, 3, 2, 10)) == 1
    row = await reminder(db, 8)
    assert (row.active, row.next_due_at) == (True, utc(2026, 3, 3, 9, 0))
    assert not (await reminder(db, 8, "digest")).active, "switched off by the user: stays off"


async def test_retry_after_pauses_and_the_message_goes_once(db: Database) -> None:
    await add_user(db, 9, "UTC")
    await add_moments(db, 9, "waiting")
    await only_nudge(db, 9, time(9, 0), utc(2026, 3, 1))
    ticks = [100.0]

    async def sleep(seconds: float) -> None:
        ticks[0] += seconds

    pacer = Pacer(28, clock=lambda: ticks[0], sleep=sleep)
    send = Recorder()
    send.answers = [SlowDown(3)]
    report = await sweep(db, LIBRARY, send, pacer, Clock(utc(2026, 3, 1, 9, 0, 5)), RULES)
    assert (report.rate_limited, report.sent, len(send.sent)) == (1, 1, 1)
    assert ticks[0] >= 103.0, "the retry waited for retry_after"


async def test_quiet_hours_hold_a_reminder_until_they_end(db: Database) -> None:
    await add_user(db, 10, "Europe/Madrid", quiet_from=22 * 60, quiet_until=7 * 60)
    await add_moments(db, 10, "waiting")
    await only_nudge(db, 10, time(23, 0), utc(2026, 3, 1))
    send = Recorder()
    report = await run(db, Clock(utc(2026, 3, 1, 22, 0, 5)), send)  # 23:00 in Madrid
    assert (report.deferred, send.sent) == (1, [])
    assert (await reminder(db, 10)).next_due_at == utc(2026, 3, 2, 6, 0)  # 07:00 Madrid
    await run(db, Clock(utc(2026, 3, 2, 6, 0, 5)), send)
    assert len(send.sent) == 1


async def test_snoozes(db: Database) -> None:
    await add_user(db, 11, "UTC")
    await add_moments(db, 11, "waiting")
    await only_nudge(db, 11, time(9, 0), utc(2026, 3, 1))
    send = Recorder()
    await run(db, Clock(utc(2026, 3, 1, 9, 0, 5)), send)
    # "In an hour": asked for, so it beats the one-a-day rule.
    await reminders.snooze(db, 11, "nudge", "hour", utc(2026, 3, 1, 9, 1))
    await run(db, Clock(utc(2026, 3, 1, 10, 1, 5)), send)
    assert len(send.sent) == 2
    # "Tomorrow": the same time the next day, and nothing before.
    await reminders.snooze(db, 11, "nudge", "tomorrow", utc(2026, 3, 1, 10, 2))
    assert (await reminder(db, 11)).next_due_at == utc(2026, 3, 2, 9, 0)
    # "Turn off": and an old message's button can't bring it back.
    assert await reminders.snooze(db, 11, "nudge", "off", utc(2026, 3, 1, 10, 3)) is not None
    assert await reminders.snooze(db, 11, "nudge", "hour", utc(2026, 3, 1, 10, 4)) is None
    await run(db, Clock(utc(2026, 3, 2, 9, 0, 5)), send)
    assert len(send.sent) == 2
    assert await reminders.snooze(db, 11, "nope", "hour", utc(2026, 3, 1)) is None


async def test_quiet_spell_speaks_once_per_spell(db: Database) -> None:
    await add_user(db, 12, "UTC", language="ru")
    await add_moments(db, 12, "old", sent_at=utc(2026, 3, 1, 8))
    await only_nudge(db, 12, time(9, 0), utc(2026, 3, 1))
    await reminders.set_kind(db, 12, "nudge", False, utc(2026, 3, 1))
    await reminders.set_quiet_spell(db, 12, 3, utc(2026, 3, 1))
    send = Recorder()
    for day in range(2, 10):  # 10:00 UTC, the quiet spell's default time, each day
        await run(db, Clock(utc(2026, 3, day, 10, 0, 5)), send)
    assert [n.kind for n in send.sent] == ["quiet", "quiet"]  # on day 4 and day 7
    # The last capture was on 1 March at 08:00: 3 days and 2 hours by the 4th at 10:00, 6 days
    # and 2 hours by the 7th.
    assert "ничего нового уже 3 дня." in send.sent[0].text
    assert "ничего нового уже 6 дней." in send.sent[1].text
    assert send.sent[0].language == "ru" and "Nothing new" not in send.sent[0].text


async def hours_logger(db: Database, user_id: int, target_hours: int, done_on: date,
                       hours: float, only: str, **fields: Any) -> None:
    """A user of the plain hours log with one course done, and only the `only` reminder on."""
    await add_user(db, user_id, "UTC", framework_id="generic_hours",
                   annual_target=target_hours * 100, **fields)
    async with db.session.begin() as session:
        session.add(CpdRecord(user_id=user_id, source="import", framework_id="generic_hours",
                              activity_date=done_on, activity_type="course", title="ALS",
                              minutes=int(hours * 60), category="learning", unit="hour",
                              raw=int(hours * 100), credits=int(hours * 100)))
    for kind in ("nudge", "digest", "deadline"):
        if kind != only:
            await reminders.set_kind(db, user_id, kind, False, utc(2026, 3, 1))


async def test_deadline_warns_60_30_and_7_days_out_with_the_shortfall(db: Database) -> None:
    cycle_end = date(2026, 6, 30)
    await hours_logger(db, 13, target_hours=40, done_on=date(2026, 3, 1), hours=10,
                       only="deadline", cycle_end=cycle_end)
    send = Recorder()
    day = utc(2026, 4, 25, 9, 0, 5)
    while day < utc(2026, 7, 2):
        await run(db, Clock(day), send)
        day += timedelta(days=1)
    assert [n.kind for n in send.sent] == ["deadline"] * 3
    assert ["60 days" in send.sent[0].text, "30 days" in send.sent[1].text,
            "7 days" in send.sent[2].text] == [True] * 3
    assert "In total: 30" in send.sent[1].text  # 40 h target, 10 h done


async def test_digest_reports_the_week(db: Database) -> None:
    await hours_logger(db, 14, target_hours=50, done_on=date(2026, 3, 3), hours=1.5,
                       only="digest")
    send = Recorder()
    await run(db, Clock(utc(2026, 3, 8, 18, 0, 5)), send)  # Sunday 18:00
    (digest,) = send.sent
    assert "This week: 1.5 hours" in digest.text
    assert "This year: 1.5 of 50 hours" in digest.text
    assert "behind pace" in digest.text


async def test_new_zone_keeps_the_wall_clock_time(db: Database) -> None:
    await add_user(db, 15, "Europe/London")
    await only_nudge(db, 15, time(9, 0), utc(2026, 3, 1))
    await settings.set_zone(db, LIBRARY, 15, "Asia/Almaty")
    row = await reminder(db, 15)
    assert row.time_zone == "Asia/Almaty"
    assert row.next_due_at.astimezone(ZoneInfo("Asia/Almaty")).time() == time(9, 0)


async def _many_due(db: Database, count: int, due: datetime) -> None:
    """`count` users, each with a waiting moment and a nudge due at `due`."""
    base = 100_000
    async with db.session.begin() as session:
        await session.execute(insert(User), [
            {"id": base + n, "first_name": "N", "telegram_language": "en",
             "time_zone": "UTC", "created_at": due} for n in range(count)])
        await session.execute(insert(LearningMoment), [
            {"user_id": base + n, "chat_id": base + n, "message_id": 1, "kind": "text",
             "text": f"moment {n}", "sent_at": due - timedelta(hours=1)} for n in range(count)])
        await session.execute(insert(Reminder), [
            {"user_id": base + n, "kind": "nudge", "local_minute": due.hour * 60 + due.minute,
             "days": 127, "time_zone": "UTC", "next_due_at": due, "active": True}
            for n in range(count)])


async def test_two_sweepers_deliver_each_of_1000_due_reminders_exactly_once(
        db: Database, database_url: str) -> None:
    due = utc(2026, 3, 1, 9, 0)
    await _many_due(db, 1000, due)
    second = Database(database_url)
    try:
        first_send, second_send = Recorder(), Recorder()
        clock = Clock(due + timedelta(seconds=5))
        rules = Rules(per_second=100, interval=timedelta(seconds=30))
        reports = await asyncio.gather(
            sweep(db, LIBRARY, first_send, Pacer(10_000, 0), clock, rules),
            sweep(second, LIBRARY, second_send, Pacer(10_000, 0), clock, rules))
    finally:
        await second.dispose()
    delivered = Counter(n.reminder_id for n in first_send.sent + second_send.sent)
    assert len(delivered) == 1000 and set(delivered.values()) == {1}
    assert sum(report.sent for report in reports) == 1000
    if POSTGRES_URL:  # SQLite serialises writers; PostgreSQL really runs both at once
        assert first_send.sent and second_send.sent, "both sweepers took a share"
    async with db.session() as session:
        left = await session.scalar(select(Reminder.id).where(Reminder.next_due_at <= due))
        assert left is None


async def test_pause_and_resume(db: Database) -> None:
    await add_user(db, 16, "UTC")
    await add_moments(db, 16, "waiting")
    await only_nudge(db, 16, time(9, 0), utc(2026, 3, 1))
    view = await reminders.pause(db, 16, utc(2026, 3, 1, 8))
    assert view is not None and view.paused
    send = Recorder()
    await run(db, Clock(utc(2026, 3, 1, 9, 0, 5)), send)
    assert send.sent == []
    view = await reminders.resume(db, 16, utc(2026, 3, 3, 12))
    assert view is not None and not view.paused
    assert view.reminders["nudge"].next_due_at == utc(2026, 3, 4, 9, 0), "no catch-up burst"
    assert not view.reminders["digest"].active, "what the user switched off stays off"


async def test_pacer_spaces_sends_overall_and_per_chat() -> None:
    ticks = [0.0]
    slots: list[tuple[int, float]] = []

    async def sleep(seconds: float) -> None:
        ticks[0] += seconds

    pacer = Pacer(28, chat_interval=1.0, clock=lambda: ticks[0], sleep=sleep)
    for n in range(56):
        chat = 1 if n % 4 == 0 else 100 + n  # every fourth send goes to the same chat
        await pacer.wait(chat)
        slots.append((chat, ticks[0]))
    times = [at for _chat, at in slots]
    assert all(b - a >= 1 / 28 - 1e-9 for a, b in itertools.pairwise(times))
    same_chat = [at for chat, at in slots if chat == 1]
    assert all(b - a >= 1.0 - 1e-9 for a, b in itertools.pairwise(same_chat))


async def test_finishing_onboarding_starts_the_default_reminders(db: Database) -> None:
    await add_user(db, 17, "America/Lima")
    await settings.set_cycle_end(db, LIBRARY, 17, date(2027, 3, 31))
    async with db.session() as session:
        found = await rows.of_user(session, 17)
    assert {kind: row.active for kind, row in found.items()} == {
        "nudge": True, "digest": True, "deadline": True, "quiet": False}
    local = found["nudge"].next_due_at.astimezone(ZoneInfo("America/Lima"))
    assert (local.hour, local.minute, found["nudge"].time_zone) == (19, 0, "America/Lima")
