"""End to end: privacy.send_to_llm = "confirm", the clinician as the last check.

Before each AI call the bot shows exactly the text that would leave the server; nothing
reaches the fake OpenAI server until Send (or Redact and send) is pressed, and then exactly
the text shown goes. "after-check", "always" and "never" are checked alongside.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.config import Config
from bot.privacy.guard import find_identifiers, redact
from storage.engine import Database
from storage.models import LearningMoment, Reflection
from tests.support.chat import Chat
from tests.support.fake_openai import FakeOpenAI
from tests.support.fake_telegram import ApiCall, FakeTelegram
from tests.support.running import RunningBot

NOTE = ("Webinar on sepsis, 45 min. Learned that qSOFA of two or more means think sepsis "
        "early.")
IDENTIFIABLE = ("Pt John Smith, NHS 943 476 5919, DOB 12/03/1985: missed early sepsis, "
                "learned to use qSOFA at triage.")
ISOLATES = "\u2068\u2069"


@pytest.fixture
async def openai_server() -> AsyncIterator[FakeOpenAI]:
    server = await FakeOpenAI().start()
    yield server
    await server.stop()


def configured(config: Config, openai_server: FakeOpenAI, mode: str | None) -> Config:
    raw = config.model_dump()
    raw["llm"] = {"enabled": True, "base_url": openai_server.base_url, "model": "test-model",
                  "timeout": 1.0, "max_retries": 0}
    raw["privacy"] = {"send_to_llm": mode}
    settings = Config.model_validate(raw)
    settings.llm.api_key = "sk-test-secret"
    return settings


@pytest.fixture
async def confirming(config: Config, db: Database, telegram: FakeTelegram,
                     openai_server: FakeOpenAI) -> AsyncIterator[RunningBot]:
    running = await RunningBot(configured(config, openai_server, "confirm"), db).start(telegram)
    yield running
    await running.stop()


async def reflect(chat: Chat, note: str) -> ApiCall:
    """Capture the note, start reflecting on it, and return the first question."""
    [ack] = await chat.say(note)
    [question] = await chat.press("📝", ack)
    return question


def shown_text(screen: ApiCall) -> str:
    """The note as the confirm screen shows it: the paragraph under the heading."""
    text: str = screen.params["text"]
    return text.split("\n\n")[1].strip(ISOLATES)


def sent_notes(openai_server: FakeOpenAI) -> list[str]:
    return [request["messages"][1]["content"] for request in openai_server.requests]


async def note_of(db: Database, user_id: int) -> LearningMoment:
    async with db.session() as session:
        [moment] = list(await session.scalars(select(LearningMoment).filter_by(user_id=user_id)))
        return moment


async def test_nothing_is_sent_until_send_and_then_exactly_the_text_shown(
        confirming: RunningBot, telegram: FakeTelegram, openai_server: FakeOpenAI,
        db: Database) -> None:
    chat = Chat(telegram, 6501)
    question = await reflect(chat, NOTE)
    assert "✨ Draft it from my note" in chat.labels(question)
    [screen] = await chat.press("✨", question)
    text = screen.params["text"]
    assert text.startswith("📤 This is exactly what will be sent to the AI service (127.0.0.1). "
                           "Nothing has been sent yet.")
    assert shown_text(screen) == NOTE and "🛡" not in text and "Shortened" not in text
    assert chat.labels(screen) == ["📤 Send", "✏️ Edit", "🔒 Keep it here"]  # nothing flagged
    assert await chat.settle() == []
    assert openai_server.requests == []

    draft, follow_up = await chat.press("📤", screen, expect=2)
    assert sent_notes(openai_server) == [shown_text(screen)]
    assert "AI-assisted" in draft.params["text"]
    assert "2/4" in follow_up.params["text"]
    async with db.session() as session:
        [reflection] = list(await session.scalars(select(Reflection).filter_by(user_id=chat.id)))
    assert reflection.ai_assisted
    # Pressed again, or by someone else: refused, and nothing more is sent.
    await chat.press("📤", screen, expect=0)
    assert chat.alert == "This button has expired."
    assert len(openai_server.requests) == 1


async def test_flagged_spans_are_marked_and_redact_and_send_sends_the_redacted_text(
        confirming: RunningBot, telegram: FakeTelegram, openai_server: FakeOpenAI,
        db: Database) -> None:
    chat = Chat(telegram, 6502)
    [screen] = await chat.press("✨", await reflect(chat, IDENTIFIABLE))
    text = screen.params["text"]
    assert "⟦943 476 5919⟧" in text and "⟦DOB 12/03/1985⟧" in text
    assert "🛡 The marked parts may identify a patient: " in text and "an NHS number" in text
    assert chat.labels(screen) == ["📤 Send", "✂️ Redact and send", "✏️ Edit", "🔒 Keep it here"]
    assert await chat.settle() == [] and openai_server.requests == []

    # Another user's press on this screen is refused and sends nothing.
    other = Chat(telegram, 6503)
    await other.press_data(chat.button("✂️", screen), screen, expect=0)
    assert other.alert == "This button has expired."
    await other.press_data(chat.button("📤", screen), screen, expect=0)
    assert other.alert == "This button has expired."
    assert openai_server.requests == []

    await chat.press("✂️", screen, expect=2)
    expected = redact(IDENTIFIABLE, find_identifiers(IDENTIFIABLE))
    assert sent_notes(openai_server) == [expected]
    assert "943 476 5919" not in openai_server.sent_text() and "[NHS No.]" in expected
    assert (await note_of(db, chat.id)).text == expected


async def test_send_on_a_flagged_note_sends_it_as_shown(
        confirming: RunningBot, telegram: FakeTelegram, openai_server: FakeOpenAI) -> None:
    chat = Chat(telegram, 6504)
    [screen] = await chat.press("✨", await reflect(chat, IDENTIFIABLE))
    await chat.press("📤", screen, expect=2)
    assert sent_notes(openai_server) == [IDENTIFIABLE]  # the clinician's call, made knowingly


async def test_keep_it_here_never_sends(
        confirming: RunningBot, telegram: FakeTelegram, openai_server: FakeOpenAI,
        db: Database) -> None:
    chat = Chat(telegram, 6505)
    [screen] = await chat.press("✨", await reflect(chat, IDENTIFIABLE))
    notice, question = await chat.press("🔒", screen, expect=2)
    assert "nothing was sent" in notice.params["text"]
    assert "✨ Draft it from my note" not in chat.labels(question)
    assert (await note_of(db, chat.id)).local_only
    # The screen's other buttons, pressed late, still send nothing.
    await chat.press("📤", screen, expect=2)
    await chat.press_data(chat.button("✂️", screen), screen, expect=0)
    for answer in ("A webinar", "qSOFA", "Screen at triage"):
        await chat.say(answer)
    [card] = await chat.say("45 min")
    await chat.press("💾", card)
    assert await chat.settle() == []
    assert openai_server.requests == [] and openai_server.uploads == []
    assert (await note_of(db, chat.id)).text == IDENTIFIABLE


async def test_edit_shows_the_screen_again_and_a_stale_send_never_sends_another_text(
        confirming: RunningBot, telegram: FakeTelegram, openai_server: FakeOpenAI) -> None:
    chat = Chat(telegram, 6506)
    [first] = await chat.press("✨", await reflect(chat, IDENTIFIABLE))
    [prompt] = await chat.press("✏️", first)
    assert "Send the note again" in prompt.params["text"]
    edited = "Missed early sepsis; learned to use qSOFA at triage."
    [second] = await chat.say(edited)
    assert shown_text(second) == edited and "⟦" not in second.params["text"]
    assert openai_server.requests == []
    # The first screen's Send names the old text: the new one is shown again, not sent.
    [third] = await chat.press("📤", first)
    assert shown_text(third) == edited
    await chat.press_data(chat.button("✂️", first), first)  # and no redaction of it either
    assert openai_server.requests == []
    await chat.press("📤", third, expect=2)
    assert sent_notes(openai_server) == [edited]


async def test_a_long_note_is_shortened_on_screen_but_sent_whole(
        confirming: RunningBot, telegram: FakeTelegram, openai_server: FakeOpenAI) -> None:
    chat = Chat(telegram, 6507)
    note = "\n".join(f"Line {n}: qSOFA of two or more means think sepsis early." for n in
                     range(60))
    [screen] = await chat.press("✨", await reflect(chat, note))
    text = screen.params["text"]
    assert "Line 0: qSOFA" in text and "Line 59" not in text
    assert "\nLine 1: qSOFA" in text.replace(ISOLATES[0], "").replace(ISOLATES[1], "")
    assert f"(Shortened here: all {len(note)} characters will be sent.)" in text
    await chat.press("📤", screen, expect=2)
    assert sent_notes(openai_server) == [note]


async def test_help_on_every_reflection_still_asks_first(
        confirming: RunningBot, telegram: FakeTelegram, openai_server: FakeOpenAI) -> None:
    chat = Chat(telegram, 6508, "ru")
    [menu] = await chat.say("/settings")
    await chat.press("✨", menu, expect=2)  # AI help on every reflection
    [ack] = await chat.say("Вебинар по сепсису, 45 минут: qSOFA ≥2 — думать о сепсисе.")
    [screen] = await chat.press("📝", ack)
    assert "Пока ничего не отправлено" in screen.params["text"]
    assert chat.labels(screen) == ["📤 Отправить", "✏️ Изменить", "🔒 Оставить здесь"]
    assert await chat.settle() == [] and openai_server.requests == []
    await chat.press("📤", screen, expect=2)
    assert len(openai_server.requests) == 1


@pytest.mark.parametrize("mode", [None, "after-check"])  # None: the fake server is on loopback
async def test_after_check_is_as_before(
        mode: str | None, config: Config, db: Database, telegram: FakeTelegram,
        openai_server: FakeOpenAI) -> None:
    running = await RunningBot(configured(config, openai_server, mode), db).start(telegram)
    try:
        clean = Chat(telegram, 6510)
        draft, _question = await clean.press("✨", await reflect(clean, NOTE), expect=2)
        assert "AI-assisted" in draft.params["text"]  # no confirm screen: sent at once
        assert sent_notes(openai_server) == [NOTE]
        flagged = Chat(telegram, 6511)
        [screen] = await flagged.press("✨", await reflect(flagged, IDENTIFIABLE))
        assert "🛡 Your note may identify a patient" in screen.params["text"]
        assert flagged.labels(screen) == ["✂️ Redact and continue", "✏️ Edit the note",
                                          "🔒 Keep it, no AI"]
        assert len(openai_server.requests) == 1
    finally:
        await running.stop()


async def test_always_sends_with_no_screen_and_never_offers_no_help(
        config: Config, db: Database, telegram: FakeTelegram,
        openai_server: FakeOpenAI) -> None:
    running = await RunningBot(configured(config, openai_server, "always"), db).start(telegram)
    try:
        chat = Chat(telegram, 6520)
        await chat.press("✨", await reflect(chat, IDENTIFIABLE), expect=2)
        assert sent_notes(openai_server) == [IDENTIFIABLE]
    finally:
        await running.stop()
    running = await RunningBot(configured(config, openai_server, "never"), db).start(telegram)
    try:
        chat = Chat(telegram, 6521)
        question = await reflect(chat, NOTE)
        assert not any("✨" in label for label in chat.labels(question))
        assert len(openai_server.requests) == 1
    finally:
        await running.stop()
