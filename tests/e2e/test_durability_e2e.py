"""Nothing lost, nothing doubled: SIGKILL mid-burst, restarts, replays and clean shutdowns."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
from pathlib import Path

from sqlalchemy import func, select

from bot.config import Config
from storage import journal
from storage.engine import Database
from storage.models import JournalEntry, LearningMoment, Reflection
from tests.support.chat import Chat
from tests.support.fake_telegram import FakeTelegram
from tests.support.processes import kill, start_cpdbot, start_echo_bot, write_config
from tests.support.running import RunningBot

USERS, PER_USER = 10, 20
BURST = USERS * PER_USER


def push_burst(telegram: FakeTelegram) -> dict[tuple[int, int], str]:
    """200 messages from 10 users, interleaved as they would arrive; returns what was sent."""
    users = [telegram.user(9000 + n, language_code="uk") for n in range(USERS)]
    sent = {}
    for number in range(PER_USER):
        for user in users:
            message = user.send_text(f"момент {number} від {user.id} 🩺")
            sent[(user.id, message["message_id"])] = message["text"]
    return sent


def acknowledged(telegram: FakeTelegram) -> list[tuple[int, int]]:
    """(chat, message) pairs the bot acknowledged, one entry per acknowledgement sent."""
    return [(int(call.params["chat_id"]), call.params["reply_parameters"]["message_id"])
            for call in telegram.sent() if "reply_parameters" in call.params]


async def stored_moments(db: Database) -> list[tuple[int, int, str]]:
    async with db.session() as session:
        rows = await session.execute(
            select(LearningMoment.chat_id, LearningMoment.message_id, LearningMoment.text))
        return [(chat_id, message_id, text) for chat_id, message_id, text in rows]


async def test_sigkill_mid_burst_loses_nothing_and_doubles_nothing(
        telegram: FakeTelegram, database_url: str, db: Database, tmp_path: Path) -> None:
    config_path = write_config(tmp_path / "config.toml", telegram, database_url)
    telegram.send_delay = 0.02  # a slow network widens the window a crash can hit
    sent = push_burst(telegram)

    first = await start_cpdbot(config_path)
    await telegram.wait_until(lambda: len(acknowledged(telegram)) >= 30, 30, "30 acks")
    await kill(first)
    acked_before_kill = len(set(acknowledged(telegram)))
    assert acked_before_kill < BURST, "the kill must land mid-burst to prove anything"

    second = await start_cpdbot(config_path)
    try:
        await telegram.wait_until(lambda: len(set(acknowledged(telegram))) == BURST, 60,
                                  "every message acknowledged after the restart")
        await telegram.wait_until(lambda: not telegram.pending, 10, "Telegram to be told")
    finally:
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), 20) == 0

    moments = await stored_moments(db)
    assert len(moments) == BURST
    assert {(chat, message): text for chat, message, text in moments} == sent
    doubled_acks = len(acknowledged(telegram)) - BURST
    # Only a message whose ack was in flight at the kill can be acknowledged twice.
    assert doubled_acks <= 10


async def test_the_harness_catches_plain_ptb_losing_messages(
        telegram: FakeTelegram) -> None:
    """The same kill against PTB's default Updater loses a batch: the test above has teeth."""
    telegram.send_delay = 0.02
    push_burst(telegram)
    echo = await start_echo_bot(telegram)
    echoed = lambda: {(int(c.params["chat_id"]), c.params["text"])  # noqa: E731
                      for c in telegram.sent()}
    await telegram.wait_until(lambda: len(telegram.sent()) >= 30, 30, "30 echoes")
    await kill(echo)
    echo = await start_echo_bot(telegram)
    try:
        await telegram.wait_until(lambda: not telegram.pending, 30, "queue drained")
        await asyncio.sleep(1.5)
    finally:
        await kill(echo)
    assert len(echoed()) < BURST


async def test_unprocessed_journal_rows_are_replayed_on_start(
        config: Config, db: Database, telegram: FakeTelegram) -> None:
    """An update stored but not handled before a crash is handled at the next start."""
    user = telegram.user(9100, language_code="es")
    message = user.message(text="guardado antes del fallo")
    await journal.record_batch(db, [(555, json.dumps({"update_id": 555, "message": message}))])
    running = await RunningBot(config, db).start(telegram)
    try:
        [ack] = await telegram.wait_for_sent(9100, 1)
        assert "Guardé tu nota." in ack.params["text"]
        for _ in range(100):
            async with db.session() as session:
                processed = await session.scalar(
                    select(JournalEntry.processed_at).where(JournalEntry.update_id == 555))
            if processed:
                break
            await asyncio.sleep(0.02)
        assert processed is not None
    finally:
        await running.stop()


async def test_a_failed_acknowledgement_is_retried_after_restart(
        config: Config, db: Database, telegram: FakeTelegram) -> None:
    running = await RunningBot(config, db).start(telegram)
    telegram.fail_next("sendMessage", 502, "Bad Gateway")
    user = telegram.user(9200)
    user.send_text("Telegram hiccuped on the ack")
    await telegram.wait_until(lambda: len(telegram.calls_to("sendMessage")) >= 2, what="apology")
    await running.stop()
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(LearningMoment)) == 1
        unprocessed = await session.scalar(
            select(func.count()).select_from(JournalEntry)
            .where(JournalEntry.processed_at.is_(None)))
    assert unprocessed == 1

    restarted = await RunningBot(config, db).start(telegram)
    try:
        await telegram.wait_until(
            lambda: any("Kept your note." in c.params["text"] for c in telegram.sent(9200)),
            what="the ack after restart")
    finally:
        await restarted.stop()
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(LearningMoment)) == 1


async def test_sigterm_stops_cleanly_and_logs_no_secrets_or_texts(
        telegram: FakeTelegram, database_url: str, tmp_path: Path) -> None:
    config_path = write_config(tmp_path / "config.toml", telegram, database_url,
                               log_level="DEBUG")
    process = await start_cpdbot(config_path)
    user = telegram.user(9300)
    user.send_text("CONFIDENTIAL-LEARNING-TEXT about troponin")
    telegram.fail_next("sendMessage", 500, "Internal Server Error")  # forces an error log
    user.send_text("second CONFIDENTIAL-LEARNING-TEXT")
    await telegram.wait_until(lambda: len(telegram.calls_to("sendMessage")) >= 2, 20)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 20)
    log = (stdout + stderr).decode()
    assert process.returncode == 0, log
    assert "starting: mode=polling storage=sqlite" in log or "storage=postgresql" in log
    assert "llm=off" in log and "stopped cleanly" in log
    assert "failed: NetworkError" in log or "failed: TelegramError" in log
    assert telegram.token not in log
    assert telegram.token.split(":")[1] not in log
    assert "CONFIDENTIAL-LEARNING-TEXT" not in log
    assert "Traceback" not in log.split("failed:")[0]


async def test_migrate_command_and_missing_token(
        telegram: FakeTelegram, database_url: str, tmp_path: Path) -> None:
    config_path = write_config(tmp_path / "config.toml", telegram, database_url)
    migrate = await start_cpdbot(config_path, "migrate")
    _, stderr = await migrate.communicate()
    assert migrate.returncode == 0 and "database is up to date" in stderr.decode()

    config_path.write_text(config_path.read_text().replace(telegram.token, ""))
    run = await start_cpdbot(config_path, "run")
    _, stderr = await run.communicate()
    lines = stderr.decode().strip().splitlines()
    assert run.returncode == 2 and len(lines) == 1
    assert "telegram.token" in lines[0] and "@BotFather" in lines[0]


async def test_unreachable_telegram_is_retried_and_sigterm_still_stops_cleanly(
        telegram: FakeTelegram, database_url: str, tmp_path: Path) -> None:
    config_path = write_config(tmp_path / "config.toml", telegram, database_url)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    config_path.write_text(config_path.read_text().replace(telegram.base_url, f"{dead}/bot"))
    process = await start_cpdbot(config_path)
    assert process.stderr is not None
    seen = ""
    while "retrying in 2 s" not in seen:  # a second failed attempt: it keeps trying
        seen += (await asyncio.wait_for(process.stderr.readline(), 20)).decode()
    process.send_signal(signal.SIGTERM)
    _, rest = await asyncio.wait_for(process.communicate(), 20)
    log = seen + rest.decode()
    assert process.returncode == 0, log
    assert "cannot reach Telegram (NetworkError)" in log and "stopped cleanly" in log
    assert "Unclosed" not in log and "Traceback" not in log


async def test_a_killed_bot_continues_a_reflection_where_it_was(
        telegram: FakeTelegram, database_url: str, db: Database, tmp_path: Path) -> None:
    config_path = write_config(tmp_path / "config.toml", telegram, database_url)
    chat = Chat(telegram, 9501, "ru")
    first = await start_cpdbot(config_path)
    try:
        [ack] = await chat.say("Разбор случая на обходе: гиперкалиемия")
        [question] = await chat.press("📝", ack)
        assert "1/4" in question.params["text"]
        [second_question] = await chat.say("K 7,1 у пациента на гемодиализе")
        assert "2/4" in second_question.params["text"]
    finally:
        await kill(first)
    chat.user.send_text("Глюконат кальция — первым делом")  # sent while the bot is down
    second = await start_cpdbot(config_path)
    try:
        await telegram.wait_until(lambda: "3/4" in chat.text(), 20, "the third question")
        replayed = chat.messages[chat.seen:-1]
        chat.seen = len(chat.messages)
        # A press still in flight at the kill is replayed: it can only re-show question 2.
        assert all(m.params["text"] == second_question.params["text"] for m in replayed)
        [time_question] = await chat.say("ЭКГ до и после")
        assert "4/4" in time_question.params["text"]  # the last question: the time spent
        [card] = await chat.say("20 мин")
        assert "ЭКГ до и после" in card.params["text"] and "20 мин" in card.params["text"]
        await chat.press("💾", card)
    finally:
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), 20) == 0
    async with db.session() as session:
        [(status, answers)] = (await session.execute(
            select(Reflection.status, Reflection.answers))).all()
    assert status == "saved" and len(answers) == 3
    assert list(answers.values()) == ["K 7,1 у пациента на гемодиализе",
                                      "Глюконат кальция — первым делом", "ЭКГ до и после"]
