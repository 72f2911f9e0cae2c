"""A staff list in, the same list with one personal invite link per person out.

An officer sends the CSV or XLSX they have (name, staff number, department, in any of our
languages, in any order); each row with a staff number gets a link good for one join, which
attaches that staff number and department to the member. The file comes back as it was,
with a `link` column added, and every text cell formula-safe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.common.i18n import translator
from bot.cpd.record_import import ImportFileError, check_size, read_table
from bot.exports.safe_cells import cell_text
from bot.organisations.members import link, new_code
from storage.credit_records import audit
from storage.engine import Database
from storage.models import Invite

MAX_STAFF = 5000
ALIASES = {
    "name": ("name", "full name", "фио", "имя", "піб", "ім'я", "nombre", "nombre completo",
             "аты-жөні", "аты", "სახელი", "სახელი და გვარი", "ad", "ad soyad", "soyad"),
    "staff_number": ("staff number", "staff no", "staff id", "employee number", "number",
                     "табельный номер", "табельный", "табельний номер", "табельний",
                     "número de empleado", "número", "legajo", "табель нөмірі", "нөмір",
                     "ნომერი", "თანამშრომლის ნომერი", "tabel nömrəsi", "nömrə"),
    "department": ("department", "отделение", "відділення", "підрозділ", "подразделение",
                   "departamento", "servicio", "бөлім", "განყოფილება", "şöbə"),
}


@dataclass(frozen=True)
class StaffRow:
    line: int  # in the file, from 1 (the header)
    name: str
    staff_number: str
    department: str


def _key(text: str) -> str:
    return re.sub(r"[\s_.\-]+", " ", text.casefold()).strip()


def read_staff(table: Sequence[Sequence[Any]], language: str) -> list[StaffRow]:
    """The rows with a staff number; a file without that column is refused, in words."""
    _ = translator(language).gettext
    if not table:
        raise ImportFileError(_("The file is empty."))
    lookup = {_key(alias): column for column, aliases in ALIASES.items() for alias in aliases}
    columns: dict[str, int] = {}
    for index, heading in enumerate(table[0]):
        column = lookup.get(_key(str(heading or "")))
        if column is not None and column not in columns:
            columns[column] = index
    if "staff_number" not in columns:
        raise ImportFileError(_("I couldn't find the staff number column. The first row "
                                "should name the columns: name, staff number, department."))
    if len(table) - 1 > MAX_STAFF:
        raise ImportFileError(_("The list has more than {count} people. Split it, and send "
                                "the parts one by one.").format(count=MAX_STAFF))

    def cell(row: Sequence[Any], column: str) -> str:
        index = columns.get(column)
        value = row[index] if index is not None and index < len(row) else None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "" if value is None else str(value).strip()[:200]

    return [StaffRow(line, cell(row, "name"), cell(row, "staff_number")[:64],
                     cell(row, "department"))
            for line, row in enumerate(table[1:], start=2) if cell(row, "staff_number")]


async def personal_invites(db: Database, organisation_id: int, rows: Sequence[StaffRow],
                           actor: str, created_by: int | None) -> dict[int, Invite]:
    """One single-use link per row, all in one transaction; by the row's line."""
    async with db.session.begin() as session:
        made = {row.line: Invite(organisation_id=organisation_id, code=new_code(),
                                 created_by=created_by, uses=0, max_uses=1,
                                 staff_number=row.staff_number,
                                 department=row.department or None,
                                 listed_name=row.name or None) for row in rows}
        session.add_all(made.values())
        await session.flush()
        audit(session, actor, "invite_staff_list", organisation=organisation_id,
              invites=len(made))
        return made


def with_links(table: Sequence[Sequence[Any]], links: dict[int, str], xlsx: bool) -> bytes:
    """The same table with a `link` column, as XLSX or CSV (UTF-8 with a BOM, for Excel)."""
    width = max((len(row) for row in table), default=0)
    rows = [[*row, *[None] * (width - len(row)), "link" if line == 1 else links.get(line)]
            for line, row in enumerate(table, start=1)]
    if xlsx:
        from openpyxl import Workbook  # only this needs it, and it loads slowly

        workbook = Workbook()
        sheet = workbook.active
        for row in rows:
            sheet.append([cell_text(value) if isinstance(value, str) else value
                          for value in row])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    text = io.StringIO()
    writer = csv.writer(text)
    for row in rows:
        writer.writerow(["" if value is None else cell_text(str(value)) for value in row])
    return ("\ufeff" + text.getvalue()).encode()


def links_for(bot_username: str, invites: dict[int, Invite]) -> dict[int, str]:
    return {line: link(bot_username, invite.code) for line, invite in invites.items()}


__all__ = ["ImportFileError", "StaffRow", "check_size", "links_for", "personal_invites",
           "read_staff", "read_table", "with_links"]
