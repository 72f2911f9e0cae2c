"""End to end: /import in Telegram, and `cpdbot import` from the command line.

The file is sent as a document through the fake Telegram server and downloaded back by the
bot with getFile, as it would be from Telegram; the CLI runs as a real `cpdbot` process.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from storage.engine import Database
from storage.models import CpdRecord, LearningMoment
from tests.support.chat import Chat
from tests.support.fake_telegram import FakeTelegram
from tests.support.processes import start_cpdbot
from tests.support.running import RunningBot

PAST = ("Дата;Название;Вид;Часы;Баллы\n"
        "01.03.2026;Конференция по сепсису;Конференция, курс или лекция;6;\n"
        "02.03.2026;Журнальный клуб;Чтение, подкаст или онлайн-курс;1;2\n").encode()


def document(file_id: str, name: str, size: int) -> dict[str, object]:
    return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name,
            "mime_type": "text/csv", "file_size": size}


async def imported(db: Database, user_id: int) -> list[CpdRecord]:
    async with db.session() as session:
        return list(await session.scalars(select(CpdRecord).where(
            CpdRecord.user_id == user_id, CpdRecord.source == "import")
            .order_by(CpdRecord.activity_date)))


async def test_import_previews_then_adds_everything_once(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 6301, "ru")
    await chat.say("/start", expect=2)
    [ask] = await chat.say("/import")
    assert "CSV" in ask.params["text"]
    telegram.add_file("past1", PAST)
    [preview] = await chat.send(document=document("past1", "мой журнал.csv", len(PAST)))
    # Two rows; the hours log counts 1 per hour: 6 for the first, the 2 stated for the second.
    assert preview.params["text"].splitlines()[0] == (
        "📥 Можно импортировать записей: 2, с 2026-03-01 по 2026-03-02: 8 (часы) по системе "
        "НМО «Учёт часов (без системы баллов)», без учёта лимитов.")
    assert "01.03.2026" not in preview.params["text"]
    assert "2026-03-01" in preview.params["text"]
    assert await imported(db, 6301) == []  # the preview adds nothing
    async with db.session() as session:  # the file itself was kept first
        [moment] = await session.scalars(select(LearningMoment).where(
            LearningMoment.user_id == 6301))
    assert moment.kind == "document" and moment.file_id == "past1"

    # Another clinician can't press this preview's button, nor a made-up one.
    stranger = Chat(telegram, 6302, "en")
    await stranger.press_data(f"im:ok:{moment.id}", preview, expect=0)
    assert stranger.alert == "This button has expired."
    await stranger.press_data("im:ok:99999999", preview, expect=0)
    assert stranger.alert == "This button has expired."
    assert await stranger.settle() == []  # both presses are done with, and said nothing
    assert await imported(db, 6301) == []

    await chat.press("✅", preview, expect=0)
    await telegram.wait_until(lambda: "📥" in (telegram.calls_to("editMessageText")[-1]
                                              .params["text"] if telegram.calls_to(
                                                  "editMessageText") else ""),
                              what="the import's result")
    records = await imported(db, 6301)
    assert [(r.title, r.activity_type, r.minutes, r.credits) for r in records] == [
        ("Конференция по сепсису", "event", 360, 600),
        ("Журнальный клуб", "reading", 60, 200)]
    async with db.session() as session:
        stored = await session.get(LearningMoment, moment.id)
    assert stored is not None and stored.status == "dropped"
    # A second press adds nothing twice.
    await chat.press_data(f"im:ok:{moment.id}", preview, expect=0)
    assert await chat.settle() == []  # answered first, handled after: wait until it is done
    assert len(await imported(db, 6301)) == 2


async def test_a_file_with_problems_adds_nothing_and_says_why(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 6303, "en")
    await chat.say("/import")
    broken = b"date,title,hours\n2026-03-01,Fine,1\n31/02/2026,Bad date,1\n"
    telegram.add_file("past2", broken)
    [preview] = await chat.send(document=document("past2", "log.csv", len(broken)))
    assert "Row 3" in preview.params["text"] and "Nothing was imported" in (
        preview.params["text"])
    assert chat.labels(preview) == []  # no Import button to press
    junk = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    await chat.say("/import")
    telegram.add_file("past3", junk)
    [answer] = await chat.send(document=document("past3", "photo.png", len(junk)))
    assert "couldn't read this file" in answer.params["text"]
    assert await imported(db, 6303) == []
    # Without /import first, a CSV is just a kept document.
    telegram.add_file("past4", PAST)
    [ack] = await chat.send(document=document("past4", "log.csv", len(PAST)))
    assert "Kept your document." in ack.params["text"]


async def test_cli_import_is_a_dry_run_until_apply(
        bot: RunningBot, telegram: FakeTelegram, db: Database, tmp_path: Path) -> None:
    chat = Chat(telegram, 6304, "en")
    await chat.say("/start", expect=2)
    config_path = tmp_path / "config.toml"
    config_path.write_text(f'[storage]\nurl = "{db.url}"\n', encoding="utf-8")
    source = tmp_path / "past.csv"
    source.write_bytes(PAST)

    async def cpdbot(*args: str) -> tuple[int, str, str]:
        process = await start_cpdbot(config_path, "import", "--user", "6304", str(source),
                                     *args)
        out, err = await process.communicate()
        return process.returncode or 0, out.decode(), err.decode()

    code, out, _ = await cpdbot()
    assert code == 0 and "2 records can be imported" in out and "--apply" in out
    assert await imported(db, 6304) == []
    code, out, _ = await cpdbot("--apply")
    assert code == 0 and "Imported 2 records" in out
    assert len(await imported(db, 6304)) == 2
    source.write_bytes(b"date,title,hours\n2026-03-05,New,1\n2026-03-06,Bad,x\n")
    code, out, _ = await cpdbot("--apply")
    assert code == 1 and "Row 3" in out and len(await imported(db, 6304)) == 2
    code, _, err = await start_and_fail(config_path, str(tmp_path / "missing.csv"))
    assert code == 2 and "cannot read" in err


async def start_and_fail(config_path: Path, path: str) -> tuple[int, str, str]:
    process = await start_cpdbot(config_path, "import", "--user", "6304", path)
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()
