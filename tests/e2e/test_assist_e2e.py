"""End to end: AI help over the wire, the bot's real openai client against the fake server.

Drafts in English and Russian, the privacy guard before anything is sent, voice notes, every
failure mode falling back to the guided questions, the circuit breaker and the token limit.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import select

from bot.config import Config
from storage.engine import Database
from storage.models import CpdRecord, LearningMoment, LlmUsage, Reflection, User
from tests.support.chat import Chat
from tests.support.fake_openai import FakeOpenAI
from tests.support.fake_telegram import FakeTelegram
from tests.support.processes import start_cpdbot, write_config
from tests.support.running import RunningBot

Row = TypeVar("Row")
NOTE_EN = ("Webinar on sepsis, 45 min. Learned that qSOFA of two or more means think sepsis "
           "early.")
NOTE_RU = "Вебинар по сепсису, 45 минут. Понял, что qSOFA ≥2 — повод сразу думать о сепсисе."
IDENTIFIABLE = ("Pt John Smith, NHS 943 476 5919, DOB 12/03/1985: missed early sepsis, "
                "learned to use qSOFA at triage.")


@pytest.fixture
async def openai_server() -> AsyncIterator[FakeOpenAI]:
    server = await FakeOpenAI().start()
    yield server
    await server.stop()


def with_llm(config: Config, base_url: str, **llm: object) -> Config:
    raw = config.model_dump()
    raw["llm"] = {"enabled": True, "base_url": base_url, "model": "test-model",
                  "timeout": 1.0, "max_retries": 0, "failures_to_pause": 3,
                  "pause_seconds": 600, **llm}
    settings = Config.model_validate(raw)
    settings.llm.api_key = "sk-test-secret"
    return settings


@pytest.fixture
async def ai_bot(config: Config, db: Database, telegram: FakeTelegram,
                 openai_server: FakeOpenAI) -> AsyncIterator[RunningBot]:
    running = await RunningBot(with_llm(config, openai_server.base_url), db).start(telegram)
    yield running
    await running.stop()


async def rows(db: Database, model: type[Row], **where: object) -> list[Row]:
    async with db.session() as session:
        statement = select(model).filter_by(**where)
        return list(await session.scalars(statement))


async def reflect(chat: Chat, note: str) -> None:
    [ack] = await chat.say(note)
    await chat.press("📝", ack)


async def answer_and_save(chat: Chat, db: Database, time_spent: str) -> Reflection:
    """Answer the event template's three questions and the time by hand, then save."""
    for answer in ("A webinar", "qSOFA", "Screen at triage"):
        await chat.say(answer)
    [card] = await chat.say(time_spent)
    await chat.press("💾", card)
    [reflection] = await rows(db, Reflection, user_id=chat.id)
    assert reflection.status == "saved"
    return reflection


async def test_a_draft_from_free_text_keeps_only_what_the_note_says(
        ai_bot: RunningBot, telegram: FakeTelegram, openai_server: FakeOpenAI,
        db: Database) -> None:
    chat = Chat(telegram, 6001)
    openai_server.overrides = {
        "title": "qSOFA in sepsis", "activity": "event", "minutes": 45, "tags": ["sepsis"],
        "sections": {"what": "Webinar on sepsis.",
                     "key_learning": "qSOFA of two or more means think sepsis early.",
                     "practice_change": "Gave 40 mg furosemide IV to every patient."},
        "questions": {"what": None, "key_learning": None,
                      "practice_change": "What will you do differently on shift?"},
    }
    await reflect(chat, NOTE_EN)
    question = chat.last
    assert "✨ Draft it from my note" in chat.labels(question)
    assert openai_server.requests == []  # nothing is sent until asked
    draft, follow_up = await chat.press("✨", question, expect=2)

    [request] = openai_server.requests
    assert request["model"] == "test-model"
    assert request["response_format"]["type"] == "json_schema"
    schema = request["response_format"]["json_schema"]
    assert schema["strict"] is True
    assert schema["schema"]["additionalProperties"] is False
    assert request["messages"][0]["role"] == "system"
    assert "never add anything" in request["messages"][0]["content"]
    assert request["messages"][1] == {"role": "user", "content": NOTE_EN}
    assert openai_server.authorization == ["Bearer sk-test-secret"]

    assert "AI-assisted" in draft.params["text"]
    assert "qSOFA of two or more" in draft.params["text"]
    assert "furosemide" not in draft.params["text"]  # not in the note: dropped
    assert "❓ What will you do differently on shift?" in follow_up.params["text"]
    assert "3/4" in follow_up.params["text"]
    [card] = await chat.say("Screen with qSOFA at triage.")  # the time was stated: no question
    assert "45 min" in card.params["text"] and "✨ AI-assisted" in card.params["text"]
    await chat.press("💾", card)

    [reflection] = await rows(db, Reflection, user_id=chat.id)
    assert reflection.ai_assisted and reflection.status == "saved"
    assert reflection.answers == {
        "what": "Webinar on sepsis.",
        "key_learning": "qSOFA of two or more means think sepsis early.",
        "practice_change": "Screen with qSOFA at triage."}
    assert (reflection.minutes, reflection.title) == (45, "qSOFA in sepsis")
    assert "sepsis" in reflection.tags
    [record] = await rows(db, CpdRecord, user_id=chat.id)
    assert record.ai_assisted and record.title == "qSOFA in sepsis"
    [spent] = await rows(db, LlmUsage, user_id=chat.id)
    assert (spent.calls, spent.prompt_tokens, spent.completion_tokens, spent.failures) == (
        1, 420, 80, 0)


async def test_russian_user_with_help_on_by_default(
        ai_bot: RunningBot, telegram: FakeTelegram, openai_server: FakeOpenAI,
        db: Database) -> None:
    chat = Chat(telegram, 6002, "ru")
    [menu] = await chat.say("/settings")
    assert "ИИ-помощь" in menu.params["text"]
    [note, _menu] = await chat.press("✨", menu, expect=2)
    assert "черновик" in note.params["text"]
    openai_server.overrides = {
        "sections": {"what": "Вебинар по сепсису.", "key_learning": None,
                     "practice_change": None},
        "questions": {"what": None, "key_learning": "Что нового вы узнали?",
                      "practice_change": "Что вы измените в работе?"},
        "minutes": 45,
    }
    [ack] = await chat.say(NOTE_RU)
    draft, first = await chat.press("📝", ack, expect=2)  # no ✨ needed: help is the default
    [request] = openai_server.requests
    assert "Правила" in request["messages"][0]["content"]  # the Russian prompt
    assert "ИИ" in draft.params["text"] and "Вебинар по сепсису." in draft.params["text"]
    assert "❓ Что нового вы узнали?" in first.params["text"]
    [second] = await chat.say("qSOFA ≥2 — думать о сепсисе")
    assert "❓ Что вы измените в работе?" in second.params["text"]
    [card] = await chat.say("Считать qSOFA на сортировке")
    assert "Сохраните" in card.params["text"] and any("💾" in label for label in chat.labels(card))
    assert "Считать qSOFA на сортировке" in card.params["text"]
    await chat.press("💾", card)
    [reflection] = await rows(db, Reflection, user_id=chat.id)
    assert reflection.ai_assisted and reflection.minutes == 45
    assert reflection.answers["key_learning"] == "qSOFA ≥2 — думать о сепсисе"


async def test_identifiable_text_never_reaches_the_server_until_cleared(
        ai_bot: RunningBot, telegram: FakeTelegram, openai_server: FakeOpenAI,
        db: Database) -> None:
    redacting = Chat(telegram, 6003)
    await reflect(redacting, IDENTIFIABLE)
    [screen] = await redacting.press("✨")
    assert "⟦943 476 5919⟧" in screen.params["text"]
    assert "an NHS number" in screen.params["text"] and "a date of birth" in screen.params["text"]
    assert openai_server.requests == []
    await redacting.press("✂️", screen, expect=2)
    sent = openai_server.sent_text()
    assert "943 476 5919" not in sent and "12/03/1985" not in sent and "John Smith" not in sent
    assert "[NHS No.]" in sent and "qSOFA" in sent
    [moment] = await rows(db, LearningMoment, user_id=redacting.id)
    assert "943" not in moment.text

    editing = Chat(telegram, 6004)
    await reflect(editing, IDENTIFIABLE)
    [screen] = await editing.press("✨")
    [prompt] = await editing.press("✏️", screen)
    assert "Send the note again" in prompt.params["text"]
    [again] = await editing.say("Still 943 476 5919, sorry")  # flagged again: asked again
    assert "⟦943 476 5919⟧" in again.params["text"]
    assert len(openai_server.requests) == 1
    await editing.press("✏️", again)
    await editing.say("Missed early sepsis; learned to use qSOFA at triage.", expect=2)
    assert openai_server.requests[-1]["messages"][1]["content"] == (
        "Missed early sepsis; learned to use qSOFA at triage.")

    keeping = Chat(telegram, 6005)
    await reflect(keeping, IDENTIFIABLE)
    [screen] = await keeping.press("✨")
    notice, question = await keeping.press("🔒", screen, expect=2)
    assert "nothing was sent" in notice.params["text"]
    assert "✨ Draft it from my note" not in keeping.labels(question)
    assert len(openai_server.requests) == 2
    [moment] = await rows(db, LearningMoment, user_id=keeping.id)
    assert moment.local_only and moment.text == IDENTIFIABLE
    # A forged or stale privacy button does nothing.
    await keeping.press_data(keeping.button("✂️", screen), screen, expect=0)
    assert keeping.alert == "This button has expired."
    assert len(openai_server.requests) == 2


@pytest.mark.parametrize("mode", ["429", "500", "slow", "garbage", "truncated", "refusal"])
async def test_every_failure_falls_back_to_the_guided_questions(
        mode: str, ai_bot: RunningBot, telegram: FakeTelegram, openai_server: FakeOpenAI,
        db: Database) -> None:
    chat = Chat(telegram, 6010)
    openai_server.mode = mode
    if mode == "slow":
        openai_server.delay = 3  # the bot's timeout is 1 s
    await reflect(chat, NOTE_EN)
    notice, question = await chat.press("✨", expect=2)
    assert notice.params["text"].startswith("⚠️")
    assert ("declined" if mode == "refusal" else "isn't available") in notice.params["text"]
    assert "Your note is kept" in notice.params["text"]
    assert "1/4" in question.params["text"]
    reflection = await answer_and_save(chat, db, "45 min")
    assert not reflection.ai_assisted
    [spent] = await rows(db, LlmUsage, user_id=chat.id)
    assert (spent.calls, spent.failures) == (1, 1)


async def test_the_breaker_stops_calling_a_failing_server(
        ai_bot: RunningBot, telegram: FakeTelegram, openai_server: FakeOpenAI,
        db: Database) -> None:
    openai_server.mode = "500"
    for n in range(4):
        chat = Chat(telegram, 6020 + n)
        await reflect(chat, NOTE_EN)
        [notice, _question] = await chat.press("✨", expect=2)
        assert "isn't available" in notice.params["text"]
    assert len(openai_server.requests) == 3  # failures_to_pause = 3: the fourth isn't sent


async def test_server_down_reflection_still_completes(
        config: Config, db: Database, telegram: FakeTelegram) -> None:
    down = with_llm(config, "http://127.0.0.1:9/v1")  # nothing listens on port 9
    running = await RunningBot(down, db).start(telegram)
    try:
        chat = Chat(telegram, 6030)
        await reflect(chat, NOTE_EN)
        [notice, _question] = await chat.press("✨", expect=2)
        assert "isn't available" in notice.params["text"]
        await answer_and_save(chat, db, "/skip")
    finally:
        await running.stop()


async def test_daily_token_limit(config: Config, db: Database, telegram: FakeTelegram,
                                 openai_server: FakeOpenAI) -> None:
    limited = with_llm(config, openai_server.base_url, daily_tokens_per_user=400)
    running = await RunningBot(limited, db).start(telegram)
    try:
        chat = Chat(telegram, 6040)
        await reflect(chat, NOTE_EN)
        await chat.press("✨", expect=2)  # 500 tokens: over the limit from now on
        await chat.say("/cancel")
        await reflect(chat, "Read the NICE guideline on AKI")
        [notice, _question] = await chat.press("✨", expect=2)
        assert "today's AI help" in notice.params["text"]
        assert len(openai_server.requests) == 1
    finally:
        await running.stop()


async def test_a_voice_note_becomes_a_transcribed_moment(
        ai_bot: RunningBot, telegram: FakeTelegram, openai_server: FakeOpenAI,
        db: Database) -> None:
    audio = b"OggS\x00\x02" + bytes(range(256)) * 8
    telegram.add_file("voice-1", audio, path="voice/file_1.oga")
    telegram.add_file("voice-2", audio, path="voice/file_2.oga")
    chat = Chat(telegram, 6050)
    voice = {"file_id": "voice-1", "file_unique_id": "uv1", "duration": 7,
             "mime_type": "audio/ogg"}
    ack, consent = await chat.send(voice=voice, expect=2)
    assert "Kept your voice note" in ack.params["text"]
    assert "127.0.0.1" in consent.params["text"] and "patient" in consent.params["text"]
    assert openai_server.uploads == []  # nothing goes before the answer
    [transcribed] = await chat.press("Yes", consent)
    [upload] = openai_server.uploads
    assert (upload.file_name, upload.content, upload.model) == ("voice.ogg", audio, "whisper-1")
    assert openai_server.transcript in transcribed.params["text"]
    [moment] = await rows(db, LearningMoment, user_id=chat.id)
    assert moment.transcript == moment.text == openai_server.transcript
    [user] = await rows(db, User, id=chat.id)
    assert user.voice_consent is True
    # The next one is transcribed at once, and reflecting on it drafts from the transcript.
    await chat.send(voice={**voice, "file_id": "voice-2", "file_unique_id": "uv2"}, expect=2)
    assert len(openai_server.uploads) == 2
    await chat.press("📝")
    await chat.press("✨", expect=2)
    assert openai_server.requests[-1]["messages"][1]["content"] == openai_server.transcript
    [spent] = await rows(db, LlmUsage, user_id=chat.id)
    assert (spent.calls, spent.audio_seconds) == (3, 14)


async def test_voice_declined_or_failing_asks_for_a_line(
        ai_bot: RunningBot, telegram: FakeTelegram, openai_server: FakeOpenAI,
        db: Database) -> None:
    telegram.add_file("voice-3", b"OggS-audio", path="voice/file_3.oga")
    declining = Chat(telegram, 6060, "es")
    voice = {"file_id": "voice-3", "file_unique_id": "uv3", "duration": 3}
    _ack, consent = await declining.send(voice=voice, expect=2)
    [asked] = await declining.press("No", consent)
    assert "nota de voz" in asked.params["text"]
    [added] = await declining.say("Aprendí a usar qSOFA en triaje")
    assert "Aprendí a usar qSOFA" in added.params["text"]
    assert "📝" in str(declining.labels(added))
    [moment] = await rows(db, LearningMoment, user_id=declining.id)
    assert moment.text == "Aprendí a usar qSOFA en triaje" and moment.transcript is None
    assert openai_server.uploads == []

    openai_server.mode = "500"
    failing = Chat(telegram, 6061)
    _ack, consent = await failing.send(voice={**voice, "file_unique_id": "uv4"}, expect=2)
    [asked] = await failing.press("Yes", consent)
    assert "couldn't turn it into text" in asked.params["text"]
    [moment] = await rows(db, LearningMoment, user_id=failing.id)
    assert moment.kind == "voice" and moment.file_id == "voice-3"  # the audio is kept
    await failing.say("Learned qSOFA at triage")
    [moment] = await rows(db, LearningMoment, user_id=failing.id)
    assert moment.text == "Learned qSOFA at triage"


async def test_without_a_key_no_help_is_offered_and_the_time_is_read_from_the_note(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 6070)
    await reflect(chat, "Read the NICE AKI guideline for half an hour")
    assert not any("✨" in label for label in chat.labels())
    [reflection] = await rows(db, Reflection, user_id=chat.id)
    assert (reflection.activity_type, reflection.template_id, reflection.minutes) == (
        "reading", "reading", 30)
    [menu] = await chat.say("/settings")
    assert "not set up on this server" in menu.params["text"]
    assert json.dumps(chat.labels(menu)).count("✨") == 0


async def test_an_identifiable_capture_is_flagged_and_can_be_redacted(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 6080)
    [ack] = await chat.say(IDENTIFIABLE)
    assert "🛡 This may identify a patient: a name, an NHS number, a date of birth" in \
        ack.params["text"]
    [clean_ack] = await chat.say("qSOFA ≥2: think sepsis")
    assert "🛡" not in clean_ack.params["text"]
    assert not any("Redact" in label for label in chat.labels(clean_ack))
    await chat.press("✂️", ack, expect=0)
    assert await chat.settle() == []  # redacting edits the acknowledgement, sends nothing
    [moment, _clean] = await rows(db, LearningMoment, user_id=chat.id)
    assert "943 476 5919" not in moment.text and "[NHS No.]" in moment.text
    edited = telegram.calls_to("editMessageText")[-1].params
    assert "🛡" not in edited["text"] and "Redact" not in json.dumps(edited["reply_markup"])
    # Pressed again (stale): nothing left to redact.
    await chat.press_data(chat.button("✂️", ack), ack, expect=0)
    assert chat.alert == "This button has expired."


async def test_the_real_process_at_debug_logs_neither_the_note_nor_the_key(
        telegram: FakeTelegram, openai_server: FakeOpenAI, database_url: str,
        tmp_path: Path) -> None:
    config_path = write_config(tmp_path / "config.toml", telegram, database_url, "DEBUG")
    with config_path.open("a", encoding="utf-8") as file:
        file.write(f'[llm]\nenabled = true\nbase_url = "{openai_server.base_url}"\n')
    process = await start_cpdbot(config_path, env={"OPENAI_API_KEY": "sk-SECRET-KEY-123"})
    try:
        chat = Chat(telegram, 6090)
        await telegram.wait_until(lambda: telegram.calls_to("getUpdates"), 30)
        await reflect(chat, "CONFIDENTIAL-LEARNING-TEXT: qSOFA at triage")
        await chat.press("✨", expect=2)
        assert openai_server.authorization == ["Bearer sk-SECRET-KEY-123"]
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 20)
    log = (stdout + stderr).decode()
    assert process.returncode == 0, log
    assert "llm=on" in log and "DEBUG" in log
    assert "CONFIDENTIAL-LEARNING-TEXT" not in log and "SECRET-KEY" not in log
