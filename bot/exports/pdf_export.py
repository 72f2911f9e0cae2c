"""The portfolio as a PDF for an appraiser: a cover with totals, then every entry.

fpdf2 with DejaVu Sans from matplotlib's data, which covers Latin, Cyrillic and Greek and
embeds as a subset with a ToUnicode map, so the text stays searchable and extractable.
Arabic prints unshaped (text shaping needs uharfbuzz, which we don't ship) and glyphs DejaVu
lacks, such as most emoji, print as blanks.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import matplotlib
from babel.dates import format_date
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from bot.common.i18n import format_minutes, translator
from bot.cpd.explain import amount
from bot.evidence.files import EvidenceFile
from bot.evidence.pictures import Left, Picture, Shown
from bot.exports.rows import Portfolio, RecordRow

__all__ = ["Document", "EvidenceWords", "draw_evidence", "write_pdf"]

_FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_FAMILY = "DejaVu"
_GREY = (110, 110, 110)

Translate = Callable[[str], str]


class _Widths(dict[str, float]):
    """Character widths in one font and size, each asked of fpdf2 once (no kerning applies)."""

    def __init__(self, pdf: FPDF) -> None:
        super().__init__()
        self._pdf = pdf

    def __missing__(self, char: str) -> float:
        width = self[char] = self._pdf.get_string_width(char)
        return width

    def measure(self, text: str) -> float:
        return sum(map(self.__getitem__, text))


def _fitting(word: str, width: float, widths: _Widths) -> str:
    """The longest start of word within width, one character at least."""
    used = 0.0
    for end, char in enumerate(word):
        used += widths[char]
        if used > width:
            return word[: max(end, 1)]
    return word


class _Document(FPDF):
    """A4 pages with "Page n of N" in the footer."""

    def __init__(self, page_label: str) -> None:
        super().__init__(format="A4")
        self.page_label = page_label  # "Page {page} of {pages}", translated
        self.add_font(_FAMILY, "", _FONTS / "DejaVuSans.ttf")
        self.add_font(_FAMILY, "B", _FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self._widths: dict[tuple[str, str, float], _Widths] = {}

    def paragraph(self, text: str, height: float) -> None:
        """Left-aligned text across the page, wrapped at spaces, one cell() per line.

        multi_cell() re-measures the whole line at every character it adds, which made 500
        entries take ~7 s here; measuring each word once is linear and gives the same lines.
        """
        for line in self._lines(text, self.epw - 2 * self.c_margin):
            self.cell(0, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _lines(self, text: str, width: float) -> Iterator[str]:
        font = (self.font_family, self.font_style, self.font_size)
        widths = self._widths.get(font)
        if widths is None:
            widths = self._widths[font] = _Widths(self)
        measure = widths.measure
        space = measure(" ")
        for paragraph in text.replace("\t", " ").splitlines():
            line: list[str] = []
            used = -space
            for word in paragraph.split(" "):
                size = measure(word)
                if line and used + space + size > width:
                    yield " ".join(line)
                    line, used = [], -space
                while size > width:  # a word wider than the page: break it anywhere
                    head = _fitting(word, width, widths)
                    yield head
                    word = word[len(head):]
                    size = measure(word)
                line.append(word)
                used += space + size
            yield " ".join(line)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FAMILY, "", 8)
        self.set_text_color(*_GREY)
        # {nb} is fpdf2's alias for the page count, filled in when the file is written.
        label = self.page_label.format(page=self.page_no(), pages="{nb}")
        self.cell(0, 5, label, align="C")
        self.set_text_color(0)


Document = _Document  # for other reports drawn the same way (the console's compliance report)


def write_pdf(portfolio: Portfolio, out: BinaryIO, *, generated: date | None = None) -> int:
    """Write the portfolio to out; return how many entries it holds."""
    _ = translator(portfolio.language).gettext
    pdf = _Document(_("Page {page} of {pages}"))
    heading = _("CPD portfolio")
    pdf.set_title(f"{heading}: {portfolio.name}")
    pdf.set_creator("cpdbot")
    _cover(pdf, portfolio, _, generated or datetime.now(UTC).date())
    pdf.add_page()
    count = 0
    for row in portfolio.entries:
        _entry(pdf, row, portfolio, _)
        count += 1
    if not count:
        pdf.set_font(_FAMILY, "", 11)
        pdf.paragraph(_("No entries for this period."), 6)
    out.write(pdf.output())
    return count


def _cover(pdf: _Document, portfolio: Portfolio, _: Translate, today: date) -> None:
    language = portfolio.language
    pdf.add_page()
    pdf.set_font(_FAMILY, "", 12)
    pdf.set_text_color(*_GREY)
    pdf.paragraph(_("CPD portfolio"), 8)
    pdf.set_text_color(0)
    pdf.set_font(_FAMILY, "B", 20)
    pdf.paragraph(portfolio.name, 10)
    pdf.ln(4)
    period = (
        f"{format_date(portfolio.period_from, 'long', locale=language)} – "
        f"{format_date(portfolio.period_to, 'long', locale=language)}"
    )
    bold = FontFace(emphasis="BOLD")
    pdf.set_font(_FAMILY, "", 11)
    with pdf.table(
        col_widths=(1, 3), borders_layout="NONE", first_row_as_headings=False, line_height=6.5
    ) as table:
        for label, value in ((_("Framework"), portfolio.framework_name), (_("Period"), period)):
            row = table.row()
            row.cell(label, style=bold)
            row.cell(value)
    pdf.ln(6)
    with pdf.table(col_widths=(3, 1), text_align=("LEFT", "RIGHT"), line_height=7) as table:
        table.row((_("Category"), _capitalised(portfolio.unit_name)))
        for category, credits in portfolio.totals:
            table.row((category, _number(credits, language)))
        table.row((_("Total"), _number(portfolio.total, language)), style=bold)
    pdf.ln(8)
    pdf.set_font(_FAMILY, "", 9)
    pdf.set_text_color(*_GREY)
    generated = _("Generated")
    pdf.paragraph(f"{generated}: {format_date(today, 'long', locale=language)}", 5)
    pdf.set_text_color(0)


def _entry(pdf: _Document, row: RecordRow, portfolio: Portfolio, _: Translate) -> None:
    language = portfolio.language
    if pdf.will_page_break(25):  # keep a heading with the start of its entry
        pdf.add_page()
    pdf.set_font(_FAMILY, "B", 12)
    day = format_date(row.activity_date, "long", locale=language)
    pdf.paragraph(f"{day} · {row.title}", 6.5)
    facts = [row.activity_name]
    if row.minutes is not None:
        facts.append(format_minutes(row.minutes, language))
    # "Credits: 1.5" rather than "1.5 credits", which would need plural forms in each language.
    facts.append(f"{_capitalised(portfolio.unit_name)}: {_number(row.credits, language)}")
    facts.append(row.category_name)
    if row.ai_assisted:
        facts.append(_("AI-assisted"))
    pdf.set_font(_FAMILY, "", 9.5)
    pdf.set_text_color(*_GREY)
    pdf.paragraph(" · ".join(facts), 5)
    pdf.set_text_color(0)
    for title, text in row.reflection or ():
        pdf.ln(1.5)
        if pdf.will_page_break(12):
            pdf.add_page()
        pdf.set_font(_FAMILY, "B", 10)
        pdf.paragraph(title, 5)
        pdf.set_font(_FAMILY, "", 10)
        pdf.paragraph(text, 5)
    if row.evidence:
        pdf.ln(1.5)
        draw_evidence(pdf, row.evidence, portfolio.pictures, EvidenceWords(
            _("Evidence"),
            _("{name}: over the size limit, so it is listed, not shown."),
            _("{name}: Telegram no longer has this file, so it is missing here."),
            _("{name}: not a picture or PDF that can be shown.")))
    pdf.ln(3)
    pdf.set_draw_color(200)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(4)


@dataclass(frozen=True)
class EvidenceWords:
    """The evidence block's heading and the lines for a file not shown ({name} in each)."""

    heading: str
    too_big: str
    gone: str
    unreadable: str


PICTURE_HEIGHT = 120  # mm at most: two pictures to a portrait page, with their names


def draw_evidence(pdf: _Document, files: tuple[EvidenceFile, ...],
                  pictures: Mapping[str, Shown], words: EvidenceWords) -> None:
    """Each file by name, with its picture scaled to the page, or why there is none."""
    if pdf.will_page_break(12):
        pdf.add_page()
    pdf.set_font(_FAMILY, "B", 10)
    pdf.paragraph(words.heading, 5)
    pdf.set_font(_FAMILY, "", 9.5)
    reasons = {Left.TOO_BIG: words.too_big, Left.GONE: words.gone,
               Left.UNREADABLE: words.unreadable}
    for file in files:
        shown = pictures.get(file.file_unique_id)
        if isinstance(shown, Picture):
            scale = min(pdf.epw / shown.width, PICTURE_HEIGHT / shown.height)
            width, height = shown.width * scale, shown.height * scale
            if pdf.will_page_break(height + 7):
                pdf.add_page()
            pdf.paragraph(f"• {file.name}", 5)
            top = pdf.get_y()
            pdf.image(io.BytesIO(shown.jpeg), x=pdf.l_margin, w=width, h=height)
            pdf.set_draw_color(170)  # a white page on a white page needs its edge
            pdf.rect(pdf.l_margin, top, width, height)
            pdf.ln(2)
        elif shown is not None:
            pdf.set_text_color(*_GREY)
            pdf.paragraph("• " + reasons[shown].format(name=file.name), 5)
            pdf.set_text_color(0)
        else:
            pdf.paragraph(f"• {file.name}", 5)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _number(value: Decimal, language: str) -> str:
    return amount(value, language)
