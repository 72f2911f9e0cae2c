"""The compliance report an officer downloads from the console: one PDF for an organisation
and a period, with the totals, the status counts and every member's line, drawn like the
portfolios (`bot.exports.pdf_export`: DejaVu Sans, so Cyrillic and Georgian print)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from babel.dates import format_date
from fpdf.enums import XPos, YPos

from bot.common.i18n import translator
from bot.cpd.explain import amount
from bot.exports.pdf_export import Document
from bot.organisations.status import STATUS_NAMES, MemberStanding, Status

COLOURS = {Status.DONE: (17, 77, 34), Status.ON_TRACK: (11, 63, 117),
           Status.BEHIND: (107, 69, 0), Status.AT_RISK: (122, 20, 16)}
FAMILY = "DejaVu"


@dataclass(frozen=True)
class Compliance:
    organisation: str  # the full path name
    start: date
    end: date
    generated: date
    language: str
    members: Sequence[MemberStanding]


def write_compliance(report: Compliance, out: BinaryIO) -> int:
    """The PDF; returns the number of members listed."""
    _ = translator(report.language).gettext
    language = report.language
    pdf = Document(_("Page {page} of {pages}"))
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 15)
    pdf.paragraph(_("CPD compliance report"), 8)
    pdf.set_font(FAMILY, "", 11)
    pdf.paragraph(report.organisation, 6)
    pdf.paragraph(_("{start} to {end}; made on {today}").format(
        start=format_date(report.start, "long", locale=language),
        end=format_date(report.end, "long", locale=language),
        today=format_date(report.generated, "long", locale=language)), 6)
    pdf.ln(2)
    counts = {one: 0 for one in Status}
    for standing in report.members:
        counts[standing.status] += 1
    pdf.paragraph(_("Members: {count}").format(count=amount(len(report.members), language)),
                  6)
    pdf.paragraph("; ".join(f"{_(STATUS_NAMES[one])}: {amount(counts[one], language)}"
                            for one in Status), 6)
    pdf.ln(3)
    widths = (62, 26, 30, 26, 30)
    heads = (_("Name"), _("Staff number"), _("Credits"), _("Status"), _("Last activity"))
    pdf.set_font(FAMILY, "B", 9)
    for width, head in zip(widths, heads, strict=True):
        pdf.cell(width, 6, head, border="B")
    pdf.ln()
    pdf.set_font(FAMILY, "", 9)
    for standing in sorted(report.members, key=lambda one: one.name.casefold()):
        credits = amount(standing.credits, language) + (
            f" / {amount(standing.target, language)}" if standing.target is not None else "")
        cells = (standing.name[:40], (standing.staff_number or "")[:16], credits,
                 _(STATUS_NAMES[standing.status]),
                 format_date(standing.last_activity, "medium", locale=language)
                 if standing.last_activity else "")
        for place, (width, text) in enumerate(zip(widths, cells, strict=True)):
            if place == 3:
                pdf.set_text_color(*COLOURS[standing.status])
            pdf.cell(width, 5.5, text)
            pdf.set_text_color(0)
        pdf.cell(0, 5.5, "", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    out.write(pdf.output())
    return len(report.members)
