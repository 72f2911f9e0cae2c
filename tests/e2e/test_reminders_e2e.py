"""Reminders over the wire: the real application, sweeping every second, against the fake
Telegram server; settings made through /remind exactly as a clinician would."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.config import Config
from storage.engine import Database
from storage.models import LearningMoment, Reminder
from tests.support.chat import Chat
from tests.support.fake_telegram import ApiCall, FakeTelegram, buttons
from tests.support.running import Clock, RunningBot
from tests.unit.test_reminders import reminder

ZONE = "Asia/Kathmandu"  # +05:45: a wrong offset anywhere would show


def nudges(telegram: FakeTelegram, chat_id: int) -> list[ApiCall]:
    return [call for call in telegram.sent(chat_id)
            if any(data.startswith("rm:s:") for _label, data in buttons(call))]


async def start(config: Config, db: Database, telegram: FakeTelegram,
                clock: Clock | None = None) -> RunningBot:
    config.reminders.sweep_seconds = 1
    return await RunningBot(config, db, clock).start(telegram)


async def set_zone(chat: Chat) -> None:
    await chat.press_data("st:zt")
    await chat.say("Kathmandu")


async def make_due(db: Database, user_id: int, kind: str = "nudge") -> None:
    """Move a reminder's next firing to now, as if its time had come."""
    async with db.session.begin() as session:
        await session.execute(update(Reminder).where(
            Reminder.user_id == user_id, Reminder.kind == kind).values(
            next_due_at=datetime.now(UTC) - timedelta(seconds=1)))


async def eventually(read: Callable[[], Awaitable[Reminder]],
                     check: Callable[[Reminder], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check(await read()):
        assert time.monotonic() < deadline, "the reminder row never changed"
        await asyncio.sleep(0.05)


async def test_a_reminder_for_the_next_minute_comes_once_and_never_again(
        config: Config, db: Database, telegram: FakeTelegram) -> None:
    clock = Clock()
    bot = await start(config, db, telegram, clock)
    waiting, idle = Chat(telegram, 501), Chat(telegram, 502)
    await waiting.say("Wells score before D-dimer, not after")
    await waiting.say("Ottawa ankle rules: 4 steps both immediately and in ED")
    for chat in (waiting, idle):
        await chat.say("/remind")
        await chat.press_data("rm:k:digest", chat.last, expect=0)  # only the nudge here
        await set_zone(chat)
    next_minute = clock.now.astimezone(ZoneInfo(ZONE)) + timedelta(minutes=1)
    for chat in (waiting, idle):
        await chat.press_data("rm:ty")
        replies = await chat.say(f"{next_minute:%H:%M} daily")
        assert "✅" in replies[0].params["text"]
    await asyncio.sleep(1.5)  # a sweep or two before the minute turns: nothing is due yet
    assert nudges(telegram, 501) == [], "not before its minute"

    clock.advance(timedelta(minutes=1, seconds=5))  # the minute turns
    await telegram.wait_until(lambda: nudges(telegram, 501), 15, "the nudge")
    (nudge,) = nudges(telegram, 501)
    text = nudge.params["text"]
    assert "2 learning moments are waiting" in text and "Wells score" in text
    labels = [label for label, _data in buttons(nudge)]
    assert any("Reflect now" in label for label in labels)
    assert any("In an hour" in label for label in labels)
    await asyncio.sleep(3)  # three more sweeps
    await bot.stop()
    bot = await start(config, db, telegram, clock)
    await asyncio.sleep(3)
    await bot.stop()
    assert len(nudges(telegram, 501)) == 1, "no repeat, before or after the restart"
    assert nudges(telegram, 502) == [], "nothing waiting, so no nudge"
    assert (await reminder(db, 502)).last_sent_at is None
    due = (await reminder(db, 501)).next_due_at.astimezone(ZoneInfo(ZONE))
    assert (due.hour, due.minute) == (next_minute.hour, next_minute.minute)
    assert due.date() == (next_minute + timedelta(days=1)).date()


async def test_remind_screen_buttons_typed_input_and_snooze(
        config: Config, db: Database, telegram: FakeTelegram) -> None:
    bot = await start(config, db, telegram)
    try:
        chat = Chat(telegram, 503, language="ru")
        await chat.say("Шкала qSOFA: 3 признака")
        (screen,) = await chat.say("/remind")
        assert "Напоминани" in screen.params["text"]
        await chat.press_data("rm:t:0480", screen, expect=0)
        await chat.press_data("rm:d:wk", screen, expect=0)
        await chat.press_data("rm:qh:1320-0420", screen, expect=0)
        nudge_row = await reminder(db, 503)
        assert (nudge_row.local_minute, nudge_row.days) == (480, 0b11111)
        shown = telegram.messages[(503, screen.result["message_id"])]["text"]
        assert "08:00" in shown and "22:00–07:00" in shown

        await chat.press_data("rm:t:0999", screen, expect=0)  # forged: not a time we offer
        assert chat.alert and "кнопк" in chat.alert.lower()
        await chat.press_data("rm:p", screen, expect=0)
        assert not (await reminder(db, 503)).active
        await chat.press_data("rm:r", screen, expect=0)
        assert (await reminder(db, 503)).active

        await chat.press_data("rm:ty")
        _kept, problem = await chat.say("когда-нибудь потом", expect=2)
        assert [data for _label, data in buttons(problem)] == ["rm:ty"]
        async with db.session() as session:
            kept = await session.scalar(select(LearningMoment.id).where(
                LearningMoment.text == "когда-нибудь потом"))
        assert kept is not None, "unreadable input is kept as a note"
        await chat.press_data("rm:ty")
        await chat.say("вт чт 8:15")
        nudge_row = await reminder(db, 503)
        assert (nudge_row.local_minute, nudge_row.days) == (8 * 60 + 15, 0b1010)

        await chat.press_data("rm:qh:off", screen, expect=0)
        await make_due(db, 503)
        await telegram.wait_until(lambda: nudges(telegram, 503), 10, "the nudge")
        (nudge,) = nudges(telegram, 503)
        assert "2 учебных момента ждут" in nudge.params["text"]
        chat.seen = len(chat.messages)
        await chat.press_data("rm:s:nudge-hour", nudge, expect=0)
        assert chat.alert and "час" in chat.alert
        later = (await reminder(db, 503)).next_due_at - datetime.now(UTC)
        assert timedelta(minutes=59) < later <= timedelta(hours=1)
        left = buttons(telegram.messages[(503, nudge.result["message_id"])])
        assert [data for _label, data in left if data.startswith("rm:")] == []
        assert any(data.startswith("m:r:") for _label, data in left), "reflect stays"
        await chat.press_data("rm:s:digest-off", nudge, expect=0)
        assert not (await reminder(db, 503, "digest")).active
        await chat.press_data("rm:s:digest-hour", nudge, expect=0)  # stale: it is off now
        assert chat.alert and "кнопк" in chat.alert.lower()
    finally:
        await bot.stop()


async def test_retry_after_and_a_blocked_bot(
        config: Config, db: Database, telegram: FakeTelegram) -> None:
    bot = await start(config, db, telegram)
    try:
        first, second = Chat(telegram, 504), Chat(telegram, 505)
        for chat in (first, second):
            await chat.say("note to reflect on")
            await chat.say("/remind")
        telegram.fail_next("sendMessage", 429, "Too Many Requests: retry after 1",
                           retry_after=1)
        await make_due(db, 504)
        await telegram.wait_until(lambda: nudges(telegram, 504), 10, "the nudge after a 429")
        calls = [call for call in telegram.calls_to("sendMessage")
                 if int(call.params["chat_id"]) == 504]
        refused, delivered = calls[-2], calls[-1]
        assert refused.result is None and delivered.result is not None
        assert delivered.at - refused.at >= 0.95, "retry_after was honoured"
        await asyncio.sleep(1.5)  # a sweep or two more: the retried nudge must not come again
        assert len(nudges(telegram, 504)) == 1

        telegram.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
        await make_due(db, 505)
        await eventually(lambda: reminder(db, 505), lambda found: not found.active)
        stopped = await reminder(db, 505)
        assert (stopped.active, stopped.off_reason) == (False, "blocked")

        # Unblocking shows up as a my_chat_member update: reminders come back.
        telegram.push({"my_chat_member": {
            "chat": {"id": 505, "type": "private", "first_name": "Olena"},
            "from": {"id": 505, "is_bot": False, "first_name": "Olena"},
            "date": int(time.time()),
            "old_chat_member": {"status": "kicked", "until_date": 0,
                                "user": {"id": 7000001, "is_bot": True, "first_name": "CPD"}},
            "new_chat_member": {"status": "member",
                                "user": {"id": 7000001, "is_bot": True, "first_name": "CPD"}},
        }})
        await eventually(lambda: reminder(db, 505), lambda found: found.active)
        await asyncio.sleep(1.5)  # a sweep or two: back on, but not due again until its time
        assert nudges(telegram, 505) == []
        assert (await reminder(db, 505)).next_due_at > datetime.now(UTC)
    finally:
        await bot.stop()


async def test_remind_takes_what_is_typed_after_it(bot: RunningBot, telegram: FakeTelegram,
                                                   db: Database) -> None:
    chat = Chat(telegram, 520, language="ru")
    [screen] = await chat.say("/remind 07:45 mon-fri")
    nudge_row = await reminder(db, 520)
    assert (nudge_row.local_minute, nudge_row.days, nudge_row.active) == (7 * 60 + 45,
                                                                          0b11111, True)
    assert screen.params["text"].startswith("✅") and "07:45" in screen.params["text"]
    [screen] = await chat.say("/remind off")
    async with db.session() as session:
        active = (await session.scalars(select(Reminder.kind).where(
            Reminder.user_id == 520, Reminder.active))).all()
    assert active == []
    assert "⏸" in screen.params["text"]
    [screen] = await chat.say("/remind on")
    assert (await reminder(db, 520)).active
    [screen] = await chat.say("/remind выкл")  # the words of the screen work too
    assert not (await reminder(db, 520)).active
    [screen] = await chat.say("/remind возобновить")
    assert (await reminder(db, 520)).active
    [screen] = await chat.say("/remind когда-нибудь")
    text = screen.params["text"]
    assert text.startswith("⚠️") and "когда-нибудь" in text.split("\n")[0]
    assert "Напоминани" in text and buttons(screen), "the menu comes with the problem"
    assert (await reminder(db, 520)).local_minute == 7 * 60 + 45, "nothing changed"
    [screen] = await chat.say("/remind")
    assert not screen.params["text"].startswith(("✅", "⚠️"))


@pytest.mark.parametrize("language", ["en", "ru", "uk", "es"])
async def test_every_remind_button_says_what_it_does(
        bot: RunningBot, telegram: FakeTelegram, language: str) -> None:
    chat = Chat(telegram, 530 + ["en", "ru", "uk", "es"].index(language), language=language)
    [screen] = await chat.say("/remind")
    mute = [label for label in chat.labels(screen) if not any(c.isalnum() for c in label)]
    assert mute == [], "a button labelled with an icon alone"
