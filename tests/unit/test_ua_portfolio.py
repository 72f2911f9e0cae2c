"""Ukraine's personal education portfolio (Order 650, Appendix 4): the PDF and XLSX writers."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader

from bot.exports.rows import RecordRow
from bot.exports.ua_portfolio import (
    COLUMNS,
    IMPORTED,
    TITLE,
    UNCONFIRMED_NOTE,
    UaPortfolio,
    write_ua_pdf,
    write_ua_xlsx,
)

# The headings spelled out rather than read from the module, so a change to one fails here.
HEADINGS = ("№ з/п", "Дата", "Назва заходу", "Вид діяльності", "Вид БПР", "Тривалість, год",
            "Бали БПР", "Документ, що підтверджує")


def record(**changes: Any) -> RecordRow:
    base = RecordRow(
        record_id=1, user_id=777, user_name="Олена", activity_date=date(2025, 3, 14),
        title="Конференція з кардіології", activity_type="event",
        activity_name="Подія чи курс", category="events",
        category_name="Курси, конференції та тренінги", minutes=120, credits=Decimal(1),
        unit="point", framework_id="ua_moh", source="reflection", ai_assisted=False,
        explanation="", tags=(), reflection=None, template_id=None,
        recorded_at="2025-03-14T10:00:00Z")
    return base._replace(**changes)


ROWS = [
    record(),
    record(record_id=2, activity_date=date(2025, 5, 2), title="=HYPERLINK(\"http://evil\")",
           activity_type="reading", activity_name="Читання", category="self_education",
           category_name="Самоосвіта", minutes=45, credits=Decimal("0.25"), source="import"),
    record(record_id=3, activity_date=date(2025, 9, 30), title="Група рівних: розбір випадку",
           activity_type="case", category="peer_group", category_name="Групи рівних",
           minutes=None, credits=Decimal(2)),
]


def portfolio(entries: Iterable[RecordRow], **changes: Any) -> UaPortfolio:
    fields: dict[str, Any] = dict(
        name="Олена", period_from=date(2025, 1, 1), period_to=date(2025, 12, 31),
        target=Decimal(50),
        totals=[("Курси, конференції та тренінги", Decimal(1)), ("Групи рівних", Decimal(2)),
                ("Самоосвіта", Decimal("0.25"))],
        total=Decimal("3.25"), entries=entries)
    fields.update(changes)
    return UaPortfolio(**fields)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def sheet_rows(data: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def test_pdf_holds_the_header_totals_and_events() -> None:
    out = io.BytesIO()
    assert write_ua_pdf(portfolio(iter(ROWS)), out) == 3
    text = pdf_text(out.getvalue())
    for words in (TITLE, "наказом МОЗ України від 16.04.2025 № 650", "Працівник", "Олена",
                  "Спеціальність", "Рік", "2025", "Річна норма балів БПР", "50",
                  "половина норми", "25", "Усього балів БПР", "3,25", "Групи рівних",
                  "14.03.2025", "Конференція з кардіології", "Подія чи курс", "0,75",
                  "Група рівних: розбір випадку", IMPORTED, "засвідчених копіях",
                  "не звірено", "Сторінка 1 з 1", *HEADINGS[:3]):
        assert words in " ".join(text.split()), words


def test_pdf_for_nurses_and_without_events() -> None:
    out = io.BytesIO()
    assert write_ua_pdf(portfolio([], target=Decimal(30), totals=[], total=Decimal(0),
                                  period_from=date(2025, 2, 1)), out) == 0
    text = " ".join(pdf_text(out.getvalue()).split())
    assert "Річна норма балів БПР 30" in text and "(половина норми) 15" in text
    assert "Період 01.02.2025 – 31.12.2025" in text and "Заходів БПР за цей період немає" in text


def test_xlsx_rows_totals_and_headings() -> None:
    out = io.BytesIO()
    assert write_ua_xlsx(portfolio(iter(ROWS)), out) == 3
    rows = sheet_rows(out.getvalue())
    assert rows[0][0] == TITLE
    fields = {row[0]: row[1] for row in rows if row[0] and row[1] is not None}
    assert fields["Працівник"] == "Олена" and fields["Рік"] == "2025"
    assert fields["Річна норма балів БПР"] == "50"
    assert fields["Не більше з одного виду БПР (половина норми)"] == "25"
    assert ("Спеціальність", None) in [row[:2] for row in rows]  # to be filled in by hand
    assert fields["Курси, конференції та тренінги"] == 1
    assert fields["Групи рівних"] == 2 and fields["Самоосвіта"] == 0.25
    assert fields["Усього балів БПР"] == 3.25
    start = next(index for index, row in enumerate(rows) if row[0] == "№ з/п")
    assert rows[start][:8] == HEADINGS == COLUMNS
    events = rows[start + 1:start + 4]
    assert [row[0] for row in events] == [1, 2, 3]
    assert events[0][1:8] == (datetime(2025, 3, 14), "Конференція з кардіології",
                              "Подія чи курс", "Курси, конференції та тренінги", 2, 1, None)
    # A formula stays text, with the apostrophe safe_cells adds; imported rows say so.
    assert events[1][2] == "'=HYPERLINK(\"http://evil\")" and events[1][7] == IMPORTED
    assert events[1][5:7] == (0.75, 0.25)
    assert events[2][5] is None and events[2][6] == 2
    assert any(row[0] == UNCONFIRMED_NOTE for row in rows)


def test_xlsx_cells_are_never_formulas() -> None:
    out = io.BytesIO()
    write_ua_xlsx(portfolio([record(title="+1"), record(title="@SUM(A1)")],
                            name="=cmd|' /C calc'!A0"), out)
    workbook = load_workbook(io.BytesIO(out.getvalue()))
    for row in workbook.worksheets[0].iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
    values = [cell.value for row in workbook.worksheets[0].iter_rows() for cell in row]
    assert "'=cmd|' /C calc'!A0" in values and "'+1" in values and "'@SUM(A1)" in values
