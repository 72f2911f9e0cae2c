"""Records as CSV (RFC 4180: comma, CRLF, minimal quoting), one row at a time.

The columns are those of `bot.exports.columns`: ISO 8601 dates, plain numbers, true/false,
and every text cell formula-safe. Open the target with newline="" and, for Excel to read
Cyrillic, encoding="utf-8-sig".

Lines are joined here rather than by csv.writer: CPython 3.11's writer costs ~28 ns per
character on this machine, so rows of real text ran at ~80k rows/s through it. The quoting
is csv's QUOTE_MINIMAL (the tests compare the two).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TextIO

from bot.exports.columns import (
    COLUMNS,
    Cell,
    evidence_text,
    header,
    reflection_text,
    repeated_cells,
)
from bot.exports.rows import RecordRow
from bot.exports.safe_cells import SUSPECT_FIRST, cell_text

__all__ = ["COLUMNS", "csv_text", "write_csv"]

_BATCH = 512  # lines per out.write


def csv_text(value: str) -> str:
    """A text cell, formula-safe, and quoted where it holds a comma, quote or line break."""
    if value[:1] in SUSPECT_FIRST:
        value = cell_text(value)
    if "," in value or '"' in value or "\n" in value or "\r" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def _cell(value: Cell) -> str:
    """Numbers as plain numbers (never 1E+1), true/false, text formula-safe, empty for None."""
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)  # ints, floats, dates (ISO)


def write_csv(rows: Iterable[RecordRow], out: TextIO, *, with_reflection: bool,
              with_header: bool = True) -> int:
    """Write a header and one line per record to out; return how many records."""
    repeated = repeated_cells(lambda values: ",".join(map(_cell, values)))
    if with_header:
        out.write(",".join(header(with_reflection)) + "\r\n")
    batch: list[str] = []
    count = 0
    for row in rows:
        user, run = repeated(row)
        files = csv_text(evidence_text(row.evidence)) if row.evidence else ""
        line = (f"{row.record_id},{user},{row.activity_date},{csv_text(row.title)},{run},"
                f"{row.recorded_at},{files},{csv_text(row.organisation)},"
                f"{csv_text(row.staff_number)}")
        if with_reflection:
            line += "," + csv_text(reflection_text(row.reflection))
        batch.append(line)
        count += 1
        if len(batch) == _BATCH:
            batch.append("")
            out.write("\r\n".join(batch))
            batch.clear()
    if batch:
        batch.append("")
        out.write("\r\n".join(batch))
    return count
