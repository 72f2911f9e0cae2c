"""Ukraine's personal education portfolio (особисте освітнє портфоліо), as PDF and XLSX.

The form is Appendix 4 to the attestation procedure of MoH Order 650 of 16.04.2025; a health
worker gives it to the employer's HR service by 1 March for the previous year, one per
specialty, listing every CPD event of the year with its points, and the evidence (originals
or certified copies of certificates) goes with it. See
../shared/reference/seed-countries.md, 6.3 and 6.4.

UNCONFIRMED: the exact columns and header fields of the Order 650 form could not be read, so
the layout below follows what the sources say it holds (the clinician, the specialty, the
year, each event with its type, duration, points and evidence, the totals), and the column
headings are plain descriptions, not the official wording. The file says so in a note.

- Specialty: the bot does not record one, so the field is left blank to be filled in by hand,
  and the file lists all the period's records: one file per specialty is the clinician's to
  make (export each specialty's records separately once the bot knows them).
- Evidence: "Документ, що підтверджує" names the files the clinician attached to the entry
  (bot.evidence); the PDF then shows them, photos and the first page of PDFs, in an appendix
  after the signature, numbered by event. Imported records say that they were imported.
- Points are the stored credits, which the records writer has already capped at half the
  annual norm per CPD type (the framework's categories), so the totals are plain sums.

The form is Ukrainian whatever the reader's language: the records come with their activity
and category names in Ukrainian (`bot.exports.files` asks for them so). Text cells in the
XLSX go through `cell_text`, so none can start a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, BinaryIO

from fpdf.fonts import FontFace

from bot.cpd.explain import amount
from bot.evidence.pictures import Shown
from bot.exports.columns import evidence_text
from bot.exports.pdf_export import _FAMILY, _GREY, EvidenceWords, _Document, draw_evidence
from bot.exports.rows import RecordRow
from bot.exports.safe_cells import cell_text

__all__ = ["COLUMNS", "TITLE", "UaPortfolio", "write_ua_pdf", "write_ua_xlsx"]

TITLE = "Особисте освітнє портфоліо"
SUBTITLE = "з результатами проходження безперервного професійного розвитку (БПР)"
ORDER = "Форма: додаток 4 до Порядку, затвердженого наказом МОЗ України від 16.04.2025 № 650"
COLUMNS = ("№ з/п", "Дата", "Назва заходу", "Вид діяльності", "Вид БПР", "Тривалість, год",
           "Бали БПР", "Документ, що підтверджує")
TOTALS_HEADING = "Бали БПР за видами (зараховано з урахуванням обмеження)"
TOTAL = "Усього балів БПР"
EVIDENCE_NOTE = ("Документи, що підтверджують участь у заходах (сертифікати, свідоцтва, "
                 "довідки), додаються в оригіналах або засвідчених копіях.")
UNCONFIRMED_NOTE = ("Примітка: графи складено за відомостями з відкритих джерел; з офіційним "
                    "текстом додатка 4 до наказу МОЗ № 650 їх не звірено.")
IMPORTED = "імпортовано з попереднього журналу"
NO_ENTRIES = "Заходів БПР за цей період немає."
APPENDIX = "Додаток. Копії документів, що підтверджують"
EVIDENCE_WORDS = EvidenceWords(
    "Документи",
    "{name}: файл завеликий, тому лише названий.",
    "{name}: Telegram більше не зберігає цей файл, тому його тут немає.",
    "{name}: це не зображення і не PDF, тому його не показано.")


@dataclass(frozen=True)
class UaPortfolio:
    name: str
    period_from: date
    period_to: date
    target: Decimal | None  # the annual norm: 50 points, 30 for nurses, or the user's own
    totals: list[tuple[str, Decimal]]  # (CPD type in Ukrainian, points counted)
    total: Decimal
    entries: Iterable[RecordRow]
    pictures: Mapping[str, Shown] = field(default_factory=dict)  # as in Portfolio

    def head(self) -> list[tuple[str, str]]:
        """The header fields, (label, value); a blank value is to be filled in by hand."""
        if (self.period_from.month, self.period_from.day) == (1, 1) and (
                self.period_to == date(self.period_from.year, 12, 31)):
            period = ("Рік", str(self.period_from.year))
        else:
            period = ("Період", f"{self.period_from:%d.%m.%Y} – {self.period_to:%d.%m.%Y}")
        fields = [("Працівник", self.name), ("Спеціальність", ""), period]
        if self.target is not None:
            fields += [("Річна норма балів БПР", _number(self.target)),
                       ("Не більше з одного виду БПР (половина норми)",
                        _number(self.target / 2))]
        return fields


def _number(value: Decimal) -> str:
    return amount(value, "uk")


def _hours(minutes: int | None) -> Decimal | None:
    return None if minutes is None else (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def _evidence(row: RecordRow) -> str:
    return IMPORTED if row.source == "import" else evidence_text(row.evidence)


def _table_rows(entries: Iterable[RecordRow]) -> Iterator[tuple[int, RecordRow]]:
    return enumerate(entries, 1)


def write_ua_pdf(portfolio: UaPortfolio, out: BinaryIO) -> int:
    """The portfolio as a landscape A4 PDF; returns the number of events."""
    pdf = _Document("Сторінка {page} з {pages}")
    pdf.set_title(f"{TITLE}: {portfolio.name}")
    pdf.set_creator("cpdbot")
    pdf.add_page(orientation="L")
    bold = FontFace(emphasis="BOLD")
    pdf.set_font(_FAMILY, "B", 16)
    pdf.paragraph(TITLE, 8)
    pdf.set_font(_FAMILY, "", 11)
    pdf.paragraph(SUBTITLE, 6)
    pdf.set_text_color(*_GREY)
    pdf.set_font(_FAMILY, "", 9)
    pdf.paragraph(ORDER, 5)
    pdf.set_text_color(0)
    pdf.ln(3)
    pdf.set_font(_FAMILY, "", 10.5)
    with pdf.table(col_widths=(1, 2), width=180, align="LEFT", first_row_as_headings=False,
                   line_height=6.5) as table:
        for label, value in portfolio.head():
            row = table.row()
            row.cell(label, style=bold)
            row.cell(value)
    pdf.ln(4)
    pdf.set_font(_FAMILY, "B", 11)
    pdf.paragraph(TOTALS_HEADING, 6)
    pdf.set_font(_FAMILY, "", 10.5)
    with pdf.table(col_widths=(3, 1), width=180, align="LEFT", text_align=("LEFT", "RIGHT"),
                   first_row_as_headings=False, line_height=6.5) as table:
        for kind, points in portfolio.totals:
            table.row((kind, _number(points)))
        table.row((TOTAL, _number(portfolio.total)), style=bold)
    pdf.ln(5)
    pdf.set_font(_FAMILY, "", 9)
    count = 0
    proven: list[tuple[int, RecordRow]] = []  # the events with files, for the appendix
    with pdf.table(col_widths=(8, 17, 60, 30, 30, 16, 14, 36), line_height=5,
                   text_align=("RIGHT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT",
                               "LEFT"),
                   headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
                   ) as table:
        table.row(COLUMNS)
        for count, entry in _table_rows(portfolio.entries):
            hours = _hours(entry.minutes)
            table.row((str(count), f"{entry.activity_date:%d.%m.%Y}", entry.title,
                       entry.activity_name, entry.category_name,
                       "" if hours is None else _number(hours), _number(entry.credits),
                       _evidence(entry)))
            if entry.evidence:
                proven.append((count, entry))
    if not count:
        pdf.ln(2)
        pdf.paragraph(NO_ENTRIES, 5)
    pdf.ln(4)
    pdf.set_font(_FAMILY, "", 9.5)
    pdf.paragraph(EVIDENCE_NOTE, 5)
    pdf.ln(6)
    pdf.paragraph("Підпис працівника ____________________        Дата ______________", 5)
    pdf.ln(4)
    pdf.set_text_color(*_GREY)
    pdf.set_font(_FAMILY, "", 8)
    pdf.paragraph(UNCONFIRMED_NOTE, 4.5)
    pdf.set_text_color(0)
    if proven:
        pdf.add_page(orientation="P")
        pdf.set_font(_FAMILY, "B", 13)
        pdf.paragraph(APPENDIX, 7)
        for number, entry in proven:
            pdf.ln(3)
            pdf.set_font(_FAMILY, "B", 10.5)
            pdf.paragraph(f"№ {number} · {entry.activity_date:%d.%m.%Y} · {entry.title}", 5.5)
            draw_evidence(pdf, entry.evidence, portfolio.pictures, EVIDENCE_WORDS)
    out.write(pdf.output())
    return count


def write_ua_xlsx(portfolio: UaPortfolio, out: BinaryIO) -> int:
    """The portfolio as one worksheet: the header fields, the totals by CPD type, then a
    table of the events under a heading row that starts with "№ з/п"; returns the events."""
    from openpyxl import Workbook  # only this export needs it, and it loads slowly
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Портфоліо"
    bold = Font(bold=True)

    def text(value: str) -> str | None:
        return cell_text(value) if value else None

    def append(values: Iterable[Any], strong: bool = False) -> None:
        sheet.append([text(value) if isinstance(value, str) else value for value in values])
        if strong:
            for cell in sheet[sheet.max_row]:
                cell.font = bold

    append([TITLE], strong=True)
    append([SUBTITLE])
    append([ORDER])
    append([])
    for label, value in portfolio.head():
        append([label, value])
    append([])
    append([TOTALS_HEADING], strong=True)
    for kind, points in portfolio.totals:
        append([kind, float(points)])
    append([TOTAL, float(portfolio.total)], strong=True)
    append([])
    append(COLUMNS, strong=True)
    count = 0
    for count, row in _table_rows(portfolio.entries):
        hours = _hours(row.minutes)
        append([count, row.activity_date, row.title, row.activity_name, row.category_name,
                None if hours is None else float(hours), float(row.credits), _evidence(row)])
        sheet.cell(sheet.max_row, 2).number_format = "dd.mm.yyyy"
    if not count:
        append([NO_ENTRIES])
    append([])
    append([EVIDENCE_NOTE])
    append([UNCONFIRMED_NOTE])
    for column, width in zip("ABCDEFGH", (8, 12, 48, 24, 28, 14, 10, 30), strict=True):
        sheet.column_dimensions[column].width = width
    workbook.save(out)
    return count
