"""Text that a spreadsheet opens as text, never as a formula.

Excel, LibreOffice and Google Sheets run a CSV cell that starts with =, +, - or @ as a
formula (and tab, CR or LF can smuggle one in), so a note titled "=HYPERLINK(...)" could
phone home when an appraiser opens the export. OWASP's advice: prefix such a cell with an
apostrophe, which the spreadsheet hides and which keeps the cell text. Numbers are written
as numbers by the writers and never pass through here.
"""

from __future__ import annotations

import sys

_RISKY = frozenset("=+-@\t\r\n")

# First characters worth a closer look: the risky ones and any whitespace that may hide one.
# Writers test `value[:1] in SUSPECT_FIRST` to skip the call for the common, safe cell.
SUSPECT_FIRST: frozenset[str] = _RISKY | frozenset(
    c for c in map(chr, range(min(sys.maxunicode, 0x3000) + 1)) if c.isspace()
)


def cell_text(value: str) -> str:
    """The value, with a leading apostrophe if a spreadsheet would read it as a formula."""
    if value[:1] in _RISKY or value.lstrip()[:1] in _RISKY:
        return "'" + value
    return value
