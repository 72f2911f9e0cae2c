"""End to end: onboarding, reflections under several frameworks, /summary, exports, admins.

Clinicians set up through /start's buttons against the real application and the fake
Telegram server; the CLI export runs as a real `cpdbot` process on the same database.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from bot.exports.xapi import problems
from handlers.callback_data import SettingAction, setting_button
from storage.engine import Database
from storage.models import AuditEvent, CpdRecord, User
from tests.support.chat import Chat
from tests.support.fake_telegram import FakeTelegram
from tests.support.processes import start_cpdbot
from tests.support.running import RunningBot


async def onboard(chat: Chat, zone_label: str, framework: str, profession: str,
                  cycle_date: str | None) -> None:
    """/start, then answer every set-up question with buttons and one typed date."""
    replies = await chat.say("/start", expect=2)
    await chat.press(zone_label, replies[-1])
    await chat.press(framework, expect=2)  # a note about the framework, then profession
    await chat.press(profession)
    if cycle_date is None:
        await chat.press(chat.labels()[0])  # Skip
    else:
        await chat.say(cycle_date)


async def reflect(chat: Chat, note: str, template: str | None, answers: list[str],
                  time: str) -> None:
    """Capture a note and reflect on it to the log, answering every question."""
    [ack] = await chat.say(note)
    await chat.press("📝", ack)
    if template is not None:
        [menu] = await chat.press("🔄")
        await chat.press(template, menu)
    for answer in answers:
        await chat.say(answer)
    [card] = await chat.say(time)
    await chat.press("💾", card)


def ama_summary_lines(today: date, reflections: int) -> list[str]:
    """/summary in Russian for the AMA clinician below, worked out by hand: us_ama_pra.toml's
    year runs from 1 January with a target of 50 credits, and an even pace has reached
    50 × (days gone, today included) / (days in the year) by the end of today. The clinician
    has 1.5 Category 2 and 0.5 point-of-care credits, all saved this week."""
    year = f"{today.year}\u202fг."  # Russian dates end in a narrow no-break space and "г."
    start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    expected = (Decimal(50) * ((today - start).days + 1) / ((end - start).days + 1)).quantize(
        Decimal("0.01"))
    gap = Decimal(2) - expected
    figure = f"{abs(gap):f}".rstrip("0").rstrip(".").replace(".", ",") or "0"
    pace = (f"⏳ Отставание от графика к 31 дек. {year}: {figure} (кредиты)" if gap < 0
            else f"✅ Вы в графике к 31 дек. {year}: опережение {figure} (кредиты)")
    return [
        "📊 НМО: США: кредиты AMA PRA",
        "",
        f"Текущий год (1 янв. {year} – 31 дек. {year}): 2 из 50 (кредиты)",
        "• AMA PRA, категория 2 (заявляются самостоятельно): 1,5",
        "• AMA PRA, категория 1: обучение у постели больного (только через аккредитованного "
        "провайдера): 0,5",
        pace,
        "",
        f"📝 Сохранено рефлексий: {reflections}",
        "📥 Ждут рефлексии в /inbox: 0",
        "🔥 Серия (недель подряд): 1",
    ]


async def records_of(db: Database, user_id: int) -> list[CpdRecord]:
    async with db.session() as session:
        return list(await session.scalars(select(CpdRecord).where(
            CpdRecord.user_id == user_id).order_by(CpdRecord.id)))


async def time_zone_of(db: Database, user_id: int) -> str | None:
    async with db.session() as session:
        user = await session.get(User, user_id)
    assert user is not None
    return user.time_zone


async def test_onboarding_stores_every_setting(bot: RunningBot, telegram: FakeTelegram,
                                               db: Database) -> None:
    chat = Chat(telegram, 5101, "uk")
    await onboard(chat, "Київ", "Академія медичних", "Лікар", "31.03.2027")
    assert "Збережено" in chat.text() or "Ваші налаштування" in chat.text()
    async with db.session() as session:
        user = await session.get(User, 5101)
    assert user is not None and user.cycle_end is not None
    assert (user.time_zone, user.framework_id, user.profession) == (
        "Europe/Kyiv", "uk_aomrc", "doctor")
    assert user.cycle_end.isoformat() == "2027-03-31" and user.setup_done_at is not None
    # /start again asks nothing more.
    replies = await chat.say("/start")
    assert len(replies) == 1


async def test_typed_city_and_shared_location_set_the_zone(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 5102, "es")
    [menu] = await chat.say("/settings")
    await chat.press("Zona horaria", menu)
    await chat.press("⌨️")
    await chat.say("ciudad de mexico")
    assert await time_zone_of(db, 5102) == "America/Mexico_City"
    await chat.send(location={"latitude": 50.45, "longitude": 30.52}, expect=2)
    assert await time_zone_of(db, 5102) == "Europe/Kyiv"
    await chat.press("Zona horaria", menu)
    await chat.press("⌨️")
    kept, reply = await chat.say("Atlantis-under-the-sea", expect=2)
    assert "Atlantis" in kept.params["text"]  # kept as a note, in case it was one
    assert "No encontré" in reply.params["text"]


async def test_credits_follow_each_framework_and_exports_list_them(
        bot: RunningBot, telegram: FakeTelegram, db: Database, tmp_path: Path) -> None:
    uk = Chat(telegram, 5201, "en", first_name="Alice")
    await onboard(uk, "London", "Academy of Medical Royal Colleges", "Doctor", None)
    await reflect(uk, "Sepsis update at the regional meeting", "What? So what? Now what?",
                  ["Talk on qSOFA", "We miss early signs", "Use the new bundle"],
                  "an hour and a half")
    us = Chat(telegram, 5202, "ru", first_name="Борис")
    await onboard(us, "Алматы", "AMA", "Врач", None)
    await reflect(us, "Посмотрел дозировку ванкомицина в UpToDate",
                  "У постели больного", ["Доза при ХБП?", "UpToDate", "Снизил дозу"], "5 мин")
    await reflect(us, "Прочитал обзор по сепсису", "Что? И что? Что дальше?",
                  ["Обзор", "Важно", "Применю"], "85 минут")

    [uk_record] = await records_of(db, 5201)
    assert (uk_record.framework_id, uk_record.category, uk_record.credits) == (
        "uk_aomrc", "cpd", 150)
    # /log explains the figure.
    [log] = await uk.say("/log")
    [entry] = await uk.press("1", log)
    assert "🎓 1.5 credits (CPD): 1.5 h × 1 per hour = 1.5 credits (rounded to 0.25)" in (
        entry.params["text"])
    point_of_care, reading = await records_of(db, 5202)
    # AMA: a finished point-of-care cycle is 0.5 per cycle; 85 min is 1.5 in quarter steps.
    assert (point_of_care.category, point_of_care.credits) == ("ipoc", 50)
    assert (reading.category, reading.credits) == ("category2", 150)

    # /summary: the totals in words, and a chart as a PNG.
    before = datetime.now(ZoneInfo("Asia/Almaty")).date()
    [summary] = await us.say("/summary")
    after = datetime.now(ZoneInfo("Asia/Almaty")).date()  # in case midnight passed meanwhile
    lines = summary.params["text"].splitlines()
    assert lines[:10] in (ama_summary_lines(before, 2), ama_summary_lines(after, 2))
    assert lines[10] == "" and lines[11].startswith("⚠️")  # AMA's values are unconfirmed
    assert len(lines) == 12
    [photo] = await telegram.wait_for_sent(5202, 1, method="sendPhoto")
    assert photo.files["photo"].startswith(b"\x89PNG")

    # The operator's CSV of everyone lists those records with those credits.
    config_path = tmp_path / "config.toml"
    config_path.write_text(f'[storage]\nurl = "{db.url}"\n', encoding="utf-8")
    process = await start_cpdbot(config_path, "export", "--all", "--from", "2020-01-01",
                                 "--to", "2030-12-31", "--format", "csv", "--output", "-")
    stdout, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    rows = list(csv.DictReader(io.StringIO(stdout.decode("utf-8-sig"))))
    mine = {(int(row["user_id"]), row["category"]): float(row["credits"]) for row in rows}
    assert mine == {(5201, "cpd"): 1.5, (5202, "ipoc"): 0.5, (5202, "category2"): 1.5}
    assert "reflection" not in rows[0]

    # The clinician's PDF portfolio renders Cyrillic text.
    [ask] = await us.say("/export")
    [formats] = await us.press(us.labels(ask)[2], ask)  # the last 12 months
    await us.press("PDF", formats, expect=0)
    [document] = await telegram.wait_for_sent(5202, 1, method="sendDocument")
    text = "\n".join(page.extract_text() for page in
                     PdfReader(io.BytesIO(document.files["document"])).pages)
    assert "Борис" in text and "ванкомицина" in text and "ХБП" in text


async def test_user_exports_parse_back(bot: RunningBot, telegram: FakeTelegram,
                                       db: Database, tmp_path: Path) -> None:
    chat = Chat(telegram, 5401, "en", first_name="Dana")
    await reflect(chat, "=HYPERLINK(\"http://evil\") looked up DKA fluids", "Quick note",
                  ["+1 lesson: check ketones"], "45 min")
    for fmt in ("CSV", "JSON", "xAPI"):
        [ask] = await chat.say("/export")
        [formats] = await chat.press("Last 12 months", ask)
        await chat.press(fmt, formats, expect=0)
    documents = await telegram.wait_for_sent(5401, 3, method="sendDocument")
    csv_rows = list(csv.DictReader(io.StringIO(documents[0].files["document"].decode(
        "utf-8-sig"))))
    assert csv_rows[0]["title"].startswith("'=HYPERLINK")
    assert float(csv_rows[0]["credits"]) == 0.75
    data = json.loads(documents[1].files["document"])
    assert data["user"]["id"] == 5401 and len(data["learning_moments"]) == 1
    assert data["cpd_records"][0]["credits"] == 0.75
    statements = json.loads(documents[2].files["document"])
    assert len(statements) == 1 and problems(statements[0]) == []
    assert statements[0]["result"]["duration"] == "PT45M"
    # No exports.xapi_base_url here: every IRI starts from the bot's own address, once.
    home = "https://t.me/cpd_test_bot"
    assert statements[0]["actor"]["account"]["homePage"] == home
    assert statements[0]["object"]["id"].startswith(f"{home}/activities/")
    assert set(statements[0]["result"]["extensions"]) == {
        f"{home}/xapi/{name}" for name in ("credits", "unit", "category", "framework",
                                            "ai-assisted")}
    assert "/xapi/xapi/" not in json.dumps(statements) and "example" not in json.dumps(statements)

    # From the command line the base comes from exports.xapi_base_url, and is required.
    config_path = tmp_path / "config.toml"
    export = ("export", "--user", "5401", "--from", "2020-01-01", "--to", "2030-12-31",
              "--format", "xapi", "--output", "-")
    config_path.write_text(f'[storage]\nurl = "{db.url}"\n', encoding="utf-8")
    process = await start_cpdbot(config_path, *export)
    stdout, stderr = await process.communicate()
    assert process.returncode == 2 and stderr.decode().splitlines()[-1].startswith(
        "cpdbot: config error: exports.xapi_base_url: ")
    config_path.write_text(f'[storage]\nurl = "{db.url}"\n[exports]\n'
                           'xapi_base_url = "https://cpd.example.org/"\n', encoding="utf-8")
    process = await start_cpdbot(config_path, *export)
    stdout, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    [from_cli] = json.loads(stdout)
    assert from_cli["actor"]["account"]["homePage"] == "https://cpd.example.org"
    assert "https://cpd.example.org/xapi/credits" in from_cli["result"]["extensions"]
    assert problems(from_cli) == []


@pytest.mark.parametrize(("user_id", "language"), [(5501, "en"), (5502, "ru"), (5503, "uk"),
                                                    (5504, "es")])
async def test_targets_and_credits_are_written_as_plain_numbers(
        bot: RunningBot, telegram: FakeTelegram, db: Database, user_id: int,
        language: str) -> None:
    """A framework target of 50 and an own one of 40 once came out as "5E+1" and "4E+1"
    (str of a normalised Decimal): every screen with a number, in every language."""
    chat = Chat(telegram, user_id, language)
    await chat.say("/settings")
    async with db.session.begin() as session:
        user = await session.get(User, user_id)
        assert user is not None
        user.framework_id, user.profession, user.time_zone = "us_ama_pra", "doctor", "UTC"
        user.setup_done_at = datetime.now(ZoneInfo("UTC"))
    seen: list[str] = []
    [menu] = await chat.say("/settings")
    [target] = await chat.press_data(setting_button(SettingAction.TARGET), menu)
    seen += [menu.params["text"], target.params["text"]]
    assert "50" in target.params["text"]  # the framework's, before one of their own
    [menu] = await chat.say("40")
    [target] = await chat.press_data(setting_button(SettingAction.TARGET), menu)
    seen += [menu.params["text"], target.params["text"]]
    assert "40" in menu.params["text"] and "40" in target.params["text"]
    [menu] = await chat.say("40")  # the target screen waits for one: answer it
    [summary] = await chat.say("/summary")
    seen.append(summary.params["text"])
    assert "40" in summary.params["text"]
    [ack] = await chat.say("Looked up the dose of gentamicin")
    [step] = await chat.press("📝", ack)
    while "⏱" not in step.params["text"]:
        [step] = await chat.say("An answer to this question")
    [card] = await chat.say("20 min")
    [saved] = await chat.press("💾", card)
    [entry] = await chat.press("📓", saved)
    seen += [card.params["text"], saved.params["text"], entry.params["text"]]
    assert "🎓" in entry.params["text"]  # the credits line, with its rounding step
    [menu] = await chat.press_data(setting_button(SettingAction.FRAMEWORK_TARGET), target)
    seen.append(menu.params["text"])
    assert "50" in menu.params["text"]
    [summary] = await chat.say("/summary")
    seen.append(summary.params["text"])
    assert "50" in summary.params["text"]
    assert not [text for text in seen if "E+" in text or "E-" in text]


async def set_framework(chat: Chat, db: Database, framework: str, profession: str) -> None:
    await chat.say("/settings")
    async with db.session.begin() as session:
        user = await session.get(User, chat.id)
        assert user is not None
        user.framework_id, user.profession, user.time_zone = framework, profession, "Europe/Kyiv"
        user.setup_done_at = datetime.now(ZoneInfo("UTC"))


async def nurse_with_a_conference(telegram: FakeTelegram, db: Database, user_id: int) -> Chat:
    """A Ukrainian nurse under ua_moh who saved two hours of a cardiology conference."""
    nurse = Chat(telegram, user_id, "uk", first_name="Олена")
    await set_framework(nurse, db, "ua_moh", "nurse")
    [ack] = await nurse.say("Конференція з кардіології: нові настанови щодо гіпертензії")
    [step] = await nurse.press("📝", ack)
    while "⏱" not in step.params["text"]:
        [step] = await nurse.say("Відповідь на це питання")
    [card] = await nurse.say("2 години")
    await nurse.press("💾", card)
    return nurse


async def test_ukrainian_portfolio_is_offered_under_ua_moh_and_sent(
        bot: RunningBot, telegram: FakeTelegram, db: Database, tmp_path: Path) -> None:
    nurse = await nurse_with_a_conference(telegram, db, 5601)
    [record] = await records_of(db, 5601)
    assert (record.category, record.credits) == ("events", 100)  # 2 h × 0.5 point

    [ask] = await nurse.say("/export")
    year = datetime.now(ZoneInfo("Europe/Kyiv")).year
    [last] = await nurse.press("Минулий рік", ask)  # the portfolio is for the year before
    assert f"01.01.{year - 1} – 31.12.{year - 1}" in last.params["text"]
    assert "Освітнє портфоліо (PDF)" in nurse.labels(last)
    [formats] = await nurse.press("Поточний рік БПР", ask)
    assert {"Освітнє портфоліо (PDF)", "Освітнє портфоліо (Excel)"} <= set(
        nurse.labels(formats))
    await nurse.press("Освітнє портфоліо (PDF)", formats, expect=0)
    await nurse.press("Освітнє портфоліо (Excel)", formats, expect=0)
    pdf, xlsx = await telegram.wait_for_sent(5601, 2, method="sendDocument")
    assert pdf.files["document"].startswith(b"%PDF")
    text = " ".join("\n".join(page.extract_text() for page in PdfReader(
        io.BytesIO(pdf.files["document"])).pages).split())
    for words in ("Особисте освітнє портфоліо", "Олена", f"Рік {year}",
                  "Річна норма балів БПР 30", "(половина норми) 15", "Усього балів БПР 1",
                  "Курси, конференції та тренінги", "Конференція з кардіології",
                  "Документ, що підтверджує"):
        assert words in text, words
    rows = list(load_workbook(io.BytesIO(xlsx.files["document"])).worksheets[0].values)
    start = next(index for index, row in enumerate(rows) if row[0] == "№ з/п")
    assert rows[start + 1][0] == 1 and rows[start + 1][6] == 1
    assert rows[start + 1][2].startswith("Конференція з кардіології")
    assert ("Усього балів БПР", 1) in [row[:2] for row in rows]
    async with db.session() as session:
        audit = (await session.scalars(select(AuditEvent).where(
            AuditEvent.action == "export", AuditEvent.user_id == 5601))).all()
    assert [event.detail["format"] for event in audit] == ["ua-pdf", "ua-xlsx"]

    # The operator's CLI writes the same form, for one clinician only.
    config_path = tmp_path / "config.toml"
    config_path.write_text(f'[storage]\nurl = "{db.url}"\n', encoding="utf-8")
    process = await start_cpdbot(config_path, "export", "--user", "5601", "--from",
                                 f"{year}-01-01", "--to", f"{year}-12-31", "--format",
                                 "ua-xlsx", "--output", "-")
    stdout, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    assert list(load_workbook(io.BytesIO(stdout)).worksheets[0].values) == rows
    process = await start_cpdbot(config_path, "export", "--all", "--from", f"{year}-01-01",
                                 "--to", f"{year}-12-31", "--format", "ua-pdf", "--output",
                                 "-")
    stdout, stderr = await process.communicate()
    assert process.returncode != 0 and b"use --user" in stderr

    # Under another framework the form is neither offered nor sent for a forged press.
    other = Chat(telegram, 5602, "uk", first_name="Петро")
    await set_framework(other, db, "generic_hours", "doctor")
    [ask] = await other.say("/export")
    assert "Минулий рік" not in other.labels(ask)
    [formats] = await other.press("Поточний рік БПР", ask)
    assert not [label for label in other.labels(formats) if "портфоліо" in label]
    await other.press_data(other.button("PDF", formats).replace(":pdf", ":ua-pdf"), formats,
                           expect=0)
    assert other.alert is not None and telegram.sent(5602, "sendDocument") == []
