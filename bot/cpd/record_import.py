"""Past CPD records from a CSV or XLSX file: read, checked row by row, then added at once.

A clinician's old log is a spreadsheet with a date, a title, the kind of activity, the hours
and perhaps the credits. The columns may be named in English, Russian, Ukrainian or Spanish,
or as in our own export, so a file exported here comes back in unchanged. A row that can't
be read is reported with its number and the reason; nothing is added until every row reads.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.common.i18n import translator
from bot.cpd.explain import UNIT_NAMES, amount
from bot.cpd.personal import framework_of, today_for
from bot.cpd.records import TITLE_LENGTH, ImportedRow, add_imported
from bot.cpd.rules import Entry, award
from bot.library.classify import suggest_activity
from bot.library.loader import FALLBACK_ACTIVITY, Library
from storage import credit_records
from storage.engine import Database
from storage.models import User

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 50  # a log or a staff list has a handful; a wider file is refused, not padded
MAX_HOURS = Decimal(1000)
MAX_CREDITS = Decimal(1000)
EARLIEST = date(1980, 1, 1)

# Header names, compared after casefolding and dropping spaces, "_" and "-".
ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("date", "activitydate", "day", "дата", "fecha", "día", "dia"),
    "title": ("title", "name", "description", "topic", "название", "тема", "описание",
              "назва", "опис", "título", "titulo", "descripción", "descripcion", "tema"),
    "activity": ("activity", "activitytype", "type", "activityname", "вид", "тип",
                 "виддеятельности", "деятельность", "активность", "діяльність",
                 "виддіяльності", "активність", "actividad", "tipo", "tipodeactividad"),
    "hours": ("hours", "duration", "часы", "часов", "години", "годин", "тривалість",
              "продолжительность", "horas", "duración", "duracion"),
    "minutes": ("minutes", "минуты", "минут", "хвилини", "хвилин", "minutos"),
    "credits": ("credits", "points", "cpd", "баллы", "кредиты", "бали", "кредити",
                "créditos", "creditos", "puntos"),
}
_RISKY_AFTER_APOSTROPHE = frozenset("=+-@")
_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")


class ImportFileError(ValueError):
    """The file as a whole can't be read; the message is already in the user's language."""


@dataclass
class ImportPlan:
    rows: list[ImportedRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, why), translated
    notes: list[tuple[int, str]] = field(default_factory=list)  # read, with a caveat
    repeated: int = 0  # already imported before, or twice in the file: skipped

    @property
    def ready(self) -> bool:
        return bool(self.rows) and not self.problems


def check_size(size: int, language: str) -> None:
    """Refuse a file over the limit, before or after downloading it."""
    if size > MAX_FILE_BYTES:
        raise ImportFileError(translator(language).gettext(
            "The file is over 5 MB. Split it, and send the parts one by one."))


def read_table(data: bytes, file_name: str, language: str) -> list[list[Any]]:
    """The first sheet of an XLSX, or a CSV (comma, semicolon or tab; UTF-8 or Windows-1251),
    as rows of cells."""
    _ = translator(language).gettext
    check_size(len(data), language)
    if data[:2] == b"PK" or file_name.lower().endswith(".xlsx"):
        return _xlsx_rows(data, _)
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes nearly any bytes
        raise ImportFileError(_("I couldn't read this file as CSV or XLSX."))
    if "\x00" in text:
        raise ImportFileError(_("I couldn't read this file as CSV or XLSX."))
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    if any(len(row) > MAX_COLUMNS for row in rows):
        raise ImportFileError(_too_wide(_))
    return rows


def _too_wide(_: Callable[[str], str]) -> str:
    return _("The file has more than {count} columns. Keep only the columns it needs, and "
             "send it again.").format(count=MAX_COLUMNS)


def _xlsx_rows(data: bytes, _: Callable[[str], str]) -> list[list[Any]]:
    from openpyxl import load_workbook  # only imports need it, and it loads slowly

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError(_("I couldn't read this file as CSV or XLSX.")) from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        # max_col: a sheet can declare 16,384 columns, and read-only mode pads every row to it.
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            if len(values) > MAX_COLUMNS and values[MAX_COLUMNS] is not None:
                raise ImportFileError(_too_wide(_))
            rows.append(list(values[:MAX_COLUMNS]))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def plan_import(table: Sequence[Sequence[Any]], library: Library, language: str,
                today: date, known: Iterable[tuple[date, str]] = ()) -> ImportPlan:
    """Check every row. `known` holds (date, title) of records imported before: a row that
    matches one is skipped, so sending the same file twice adds nothing twice."""
    _ = translator(language).gettext
    rows = [list(row) for row in table if any(_cell_text(cell) for cell in row)]
    if not rows:
        raise ImportFileError(_("The file is empty."))
    columns = _columns(rows[0])
    missing = [name for name in ("date", "title") if name not in columns]
    if missing or not {"hours", "minutes", "credits"} & columns.keys():
        raise ImportFileError(_(
            "The first row must name the columns: date, title, activity, hours, credits. "
            "Date, title, and hours or credits are needed."))
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(_("The file has more than {count} rows. Split it, and send "
                                "the parts one by one.").format(count=MAX_ROWS))
    activities = _activity_names(library)
    plan = ImportPlan()
    seen = set(known)
    for line, row in enumerate(rows[1:], start=2):
        def cell(name: str, row: list[Any] = row) -> Any:
            index = columns.get(name)
            return row[index] if index is not None and index < len(row) else None

        problems: list[str] = []
        day = _date(cell("date"))
        if day is None:
            problems.append(_("the date {value} isn't a date like 2024-03-31 or 31.03.2024")
                            .format(value=_quoted(cell("date"))))
        elif not EARLIEST <= day <= today:
            problems.append(_("the date {value} is in the future or before 1980")
                            .format(value=day.isoformat()))
        title = " ".join(_unsafe_prefix_dropped(_cell_text(cell("title"))).split())
        if not title:
            problems.append(_("the title is empty"))
        minutes = _minutes(cell("hours"), cell("minutes"))
        if minutes == -1:
            problems.append(_("the hours must be a number from 0 to 1000"))
        credits = _number(cell("credits"))
        if (credits is None) == bool(_cell_text(cell("credits"))) or (
                credits is not None and not 0 <= credits <= MAX_CREDITS):
            problems.append(_("the credits must be a number from 0 to 1000"))
        if minutes is None and credits is None and not problems:
            problems.append(_("give the hours or the credits"))
        if problems:
            plan.problems.append((line, "; ".join(problems)))
            continue
        assert day is not None
        activity_text = _cell_text(cell("activity"))
        # By name in any language, else by the keywords guided reflection uses.
        activity = activities.get(_key(activity_text)) or suggest_activity(
            library, "", f"{activity_text} {title}")
        if activity == FALLBACK_ACTIVITY and activity_text:
            plan.notes.append((line, _("activity {value} is unknown, so it counts as "
                                       "“{fallback}”").format(
                value=_quoted(activity_text),
                fallback=library.activities[FALLBACK_ACTIVITY].name.in_(language))))
        title = title[:TITLE_LENGTH]
        if (day, title) in seen:
            plan.repeated += 1
            continue
        seen.add((day, title))
        plan.rows.append(ImportedRow(line, day, title, activity, minutes,
                                     credits.quantize(Decimal("0.01")) if credits is not None
                                     else None))
    return plan


async def prepare(db: Database, library: Library, user: User, data: bytes, file_name: str,
                  language: str) -> ImportPlan:
    """The dry run: what the file would add, and what is wrong with it."""
    async with db.session() as session:
        known = await credit_records.imported_keys(session, user.id)
    return plan_import(read_table(data, file_name, language), library, language,
                       today_for(user), known)


async def commit(db: Database, library: Library, user_id: int, data: bytes, file_name: str,
                 language: str, actor: str) -> ImportPlan:
    """Check the file again inside one transaction and add every row, or none: a file with a
    problem row adds nothing. Returns the plan as it was carried out."""
    table = read_table(data, file_name, language)
    async with db.session.begin() as session:
        user = await session.get(User, user_id)
        if user is None:
            raise ImportFileError(translator(language).gettext(
                "Send /start first, so I know your framework."))
        plan = plan_import(table, library, language, today_for(user),
                           await credit_records.imported_keys(session, user.id))
        if plan.ready:
            await add_imported(session, library, user, plan.rows, actor)
    return plan


def plan_text(plan: ImportPlan, library: Library, framework_id: str | None, language: str,
              done: bool = False) -> str:
    """The preview (or the result) in the user's language: counts, credits, and every
    problem row by its number."""
    _ = translator(language).gettext
    framework = framework_of(library, framework_id)
    lines = []
    if plan.rows:
        total = sum((award(framework, Entry(row.activity_date, row.activity_type, None,
                                            row.minutes, True, row.credits)).raw
                     for row in plan.rows), Decimal(0))
        first = min(row.activity_date for row in plan.rows)
        last = max(row.activity_date for row in plan.rows)
        counts = (_("Imported {count} records, {first} to {last}: {credits} {unit} under "
                    "{framework}, before any caps.") if done and plan.ready else
                  _("{count} records can be imported, {first} to {last}: {credits} {unit} "
                    "under {framework}, before any caps."))
        lines.append("📥 " + counts.format(
            count=len(plan.rows), first=first.isoformat(), last=last.isoformat(),
            credits=amount(total, language), unit=_(UNIT_NAMES[framework.unit]),
            framework=framework.name.in_(language)))
    if plan.repeated:
        lines.append("↩️ " + _("Skipped as already imported: {count}.").format(
            count=plan.repeated))
    for line, note in plan.notes[:20]:
        lines.append("⚠️ " + _("Row {line}: {problem}").format(line=line, problem=note))
    for line, problem in plan.problems[:30]:
        lines.append("❌ " + _("Row {line}: {problem}").format(line=line, problem=problem))
    if len(plan.problems) > 30:
        lines.append(_("…and {count} more rows with problems.").format(
            count=len(plan.problems) - 30))
    if plan.problems:
        lines.append(_("Nothing was imported. Fix these rows and send the file again."))
    elif not plan.rows:
        lines.append(_("There is nothing new to import."))
    return "\n".join(lines)


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.casefold())


def _columns(header: Sequence[Any]) -> dict[str, int]:
    lookup = {_key(alias): name for name, aliases in ALIASES.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = lookup.get(_key(_cell_text(cell)))
        if name is not None and name not in found:
            found[name] = index
    if "hours" in found and "minutes" in found:
        del found["minutes"]  # our own export has both; hours carry the same figure
    return found


def _activity_names(library: Library) -> dict[str, str]:
    """Activity ids and names in every language, to the id."""
    names: dict[str, str] = {}
    for activity_id, activity in library.activities.items():
        names[_key(activity_id)] = activity_id
        for language in ("en", "ru", "uk", "es"):
            names.setdefault(_key(activity.name.in_(language)), activity_id)
    return names


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _unsafe_prefix_dropped(text: str) -> str:
    """Our exports put an apostrophe before text a spreadsheet would run as a formula; take
    it off again so that a record exported and imported keeps its title."""
    if text[:1] == "'" and text[1:2] in _RISKY_AFTER_APOSTROPHE:
        return text[1:]
    return text


def _quoted(value: Any) -> str:
    text = _cell_text(value)
    return f"“{text[:40]}”" if text else "“”"


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value)
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 and text[4] == "-" else (
            _day_first(text))
    except ValueError:
        return None


def _day_first(text: str) -> date | None:
    match = _DAY_FIRST.match(text)
    return date(int(match[3]), int(match[2]), int(match[1])) if match else None


def _number(value: Any) -> Decimal | None:
    text = _cell_text(value).replace(",", ".").replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _minutes(hours: Any, minutes: Any) -> int | None:
    """Minutes from the hours (or minutes) column; None when empty, -1 when unreadable."""
    if _cell_text(hours):
        value = _number(hours)
        if value is None or not 0 <= value <= MAX_HOURS:
            return -1
        return int((value * 60).to_integral_value())
    if _cell_text(minutes):
        value = _number(minutes)
        if value is None or not 0 <= value <= MAX_HOURS * 60:
            return -1
        return int(value.to_integral_value())
    return None
