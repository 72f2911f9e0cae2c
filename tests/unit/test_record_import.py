"""Importing past CPD records: reading files, checking rows, and adding all or nothing."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.cpd.record_import import (
    ImportFileError,
    ImportPlan,
    commit,
    plan_import,
    plan_text,
    prepare,
    read_table,
)
from bot.exports.csv_export import write_csv
from bot.exports.rows import RecordRow
from bot.library.loader import load_library
from storage.engine import Database
from storage.models import AuditEvent, CpdRecord, User

LIBRARY = load_library()
TODAY = date(2026, 11, 22)


def plan_of(text: str, language: str = "en",
            known: set[tuple[date, str]] | None = None) -> ImportPlan:
    return plan_import(read_table(text.encode(), "past.csv", language), LIBRARY, language,
                       TODAY, known or set())


def test_rows_in_english_are_read() -> None:
    plan = plan_of("date,title,activity,hours,credits\n"
                   "2026-03-01,ALS refresher,event,7.5,\n"
                   "2026-03-02,Journal club,reading,1,2\n")
    assert plan.ready and not plan.notes
    first, second = plan.rows
    assert (first.line, first.activity_date, first.title, first.activity_type,
            first.minutes, first.credits) == (2, date(2026, 3, 1), "ALS refresher", "event",
                                              450, None)
    assert (second.minutes, second.credits) == (60, Decimal("2.00"))


def test_russian_headers_semicolons_commas_and_windows_1251() -> None:
    text = ("Дата;Название;Вид;Часы;Баллы\r\n"
            "01.03.2026;Конференция по сепсису;Конференция, курс или лекция;1,5;\r\n"
            "02.03.2026;Проверил дозу в справочнике;;0,25;\r\n")
    plan = plan_import(read_table(text.encode("cp1251"), "past.csv", "ru"), LIBRARY, "ru",
                       TODAY, set())
    named, guessed = plan.rows
    assert (named.activity_date, named.title, named.activity_type, named.minutes) == (
        date(2026, 3, 1), "Конференция по сепсису", "event", 90)
    assert (guessed.activity_type, guessed.minutes) == ("point_of_care", 15)


def test_every_bad_row_is_named_and_nothing_is_ready() -> None:
    plan = plan_of("date,title,activity,hours,credits\n"
                   "2026-02-30,Bad date,reading,1,\n"
                   "2027-01-01,Future,reading,1,\n"
                   "2026-03-01,,reading,1,\n"
                   "2026-03-01,Negative,reading,-2,\n"
                   "2026-03-01,Words,reading,1,lots\n"
                   "2026-03-01,Nothing to count,reading,,\n"
                   "2026-03-01,Fine,reading,1,\n")
    assert not plan.ready and len(plan.rows) == 1
    assert [line for line, _ in plan.problems] == [2, 3, 4, 5, 6, 7]
    text = plan_text(plan, LIBRARY, "uk_aomrc", "en")
    assert "Row 2: the date “2026-02-30” isn't a date" in text
    assert "Row 4: the title is empty" in text
    assert "Row 7: give the hours or the credits" in text
    assert "Nothing was imported" in text


def test_problems_are_told_in_the_users_language() -> None:
    plan = plan_of("fecha,título,horas\n2026-03-01,,1\n", "es")
    text = plan_text(plan, LIBRARY, "generic_hours", "es")
    assert "Fila 2" in text and "No se importó nada" in text


def test_unknown_activity_counts_as_other_with_a_note() -> None:
    plan = plan_of("date,title,activity,hours\n2026-03-01,Visit to the new unit,Shadowing,2\n")
    [row] = plan.rows
    assert row.activity_type == "other" and plan.ready
    assert "“Shadowing” is unknown" in plan_text(plan, LIBRARY, "uk_aomrc", "en")


def test_rows_seen_before_are_skipped() -> None:
    csv_text = ("date,title,hours\n2026-03-01,Audit meeting,1\n2026-03-01,Audit meeting,1\n"
                "2026-03-02,Simulation,3\n")
    plan = plan_of(csv_text, known={(date(2026, 3, 2), "Simulation")})
    assert [row.title for row in plan.rows] == ["Audit meeting"] and plan.repeated == 2


@pytest.mark.parametrize(("content", "problem"), [
    ("", "empty"),
    ("title,hours\nX,1\n", "must name the columns"),
    ("date,title,activity\n2026-01-01,X,reading\n", "must name the columns"),
])
def test_files_that_cannot_be_used(content: str, problem: str) -> None:
    with pytest.raises(ImportFileError, match=problem):
        plan_of(content)


def test_binary_junk_and_oversized_files_are_refused() -> None:
    with pytest.raises(ImportFileError, match="CSV or XLSX"):
        read_table(b"PK\x03\x04 not really a zip", "past.xlsx", "en")
    with pytest.raises(ImportFileError, match="5 MB"):
        read_table(b"x" * (5 * 1024 * 1024 + 1), "past.csv", "en")


def test_xlsx_with_real_dates_and_numbers() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Date", "Title", "Activity", "Hours", "Credits"])
    sheet.append([datetime(2026, 4, 1), "Teaching FY1s", "teaching", 1.5, None])
    sheet.append([date(2026, 4, 2), "Audit", "Feedback, audit or incident", 2, 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = plan_import(read_table(buffer.getvalue(), "log.xlsx", "en"), LIBRARY, "en", TODAY,
                       set())
    assert [(row.activity_date, row.activity_type, row.minutes, row.credits)
            for row in plan.rows] == [(date(2026, 4, 1), "teaching", 90, None),
                                      (date(2026, 4, 2), "feedback", 120, Decimal("3.00"))]


def test_our_own_csv_export_imports_back() -> None:
    row = RecordRow(1, 7, "Ann", date(2026, 5, 1), "=HYPERLINK(x)", "reading", "Reading",
                    "cpd", "CPD", 90, Decimal("1.5"), "credit", "uk_aomrc", "reflection", False,
                    "1 per hour", (), None, None, "2026-05-01T09:00:00Z")
    out = io.StringIO()
    write_csv([row], out, with_reflection=False)
    [imported] = plan_of(out.getvalue()).rows
    assert (imported.activity_date, imported.title, imported.activity_type, imported.minutes,
            imported.credits) == (date(2026, 5, 1), "=HYPERLINK(x)", "reading", 90,
                                  Decimal("1.50"))


async def add_user(db: Database, user_id: int, framework: str) -> User:
    async with db.session.begin() as session:
        user = User(id=user_id, first_name="Olena", framework_id=framework,
                    created_at=datetime.now(UTC))
        session.add(user)
    return user


async def count_records(db: Database, user_id: int) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.count()).select_from(CpdRecord).where(
            CpdRecord.user_id == user_id)) or 0


async def test_commit_adds_every_row_once_with_stated_credits(db: Database) -> None:
    user = await add_user(db, 8101, "uk_aomrc")
    data = (b"date,title,activity,hours,credits\n"
            b"2026-03-01,ALS refresher,event,7.5,\n"
            b"2026-03-02,Journal club,reading,1,4\n")
    preview = await prepare(db, LIBRARY, user, data, "past.csv", "en")
    assert preview.ready and await count_records(db, 8101) == 0  # a dry run adds nothing
    done = await commit(db, LIBRARY, 8101, data, "past.csv", "en", "test")
    assert len(done.rows) == 2
    async with db.session() as session:
        records = list(await session.scalars(select(CpdRecord).where(
            CpdRecord.user_id == 8101).order_by(CpdRecord.activity_date)))
        audits = list(await session.scalars(select(AuditEvent).where(
            AuditEvent.user_id == 8101, AuditEvent.action == "import")))
    assert [(r.source, r.reflection_id, r.credits, r.framework_id) for r in records] == [
        ("import", None, 750, "uk_aomrc"), ("import", None, 400, "uk_aomrc")]
    assert records[1].rule["reason"] == "stated" and len(audits) == 2
    again = await commit(db, LIBRARY, 8101, data, "past.csv", "en", "test")
    assert again.rows == [] and again.repeated == 2 and await count_records(db, 8101) == 2


async def test_one_bad_row_adds_nothing(db: Database) -> None:
    await add_user(db, 8102, "generic_hours")
    data = (b"date,title,hours\n2026-03-01,Good,1\n2026-03-02,Bad,minus one\n")
    plan = await commit(db, LIBRARY, 8102, data, "past.csv", "en", "test")
    assert plan.problems and await count_records(db, 8102) == 0
