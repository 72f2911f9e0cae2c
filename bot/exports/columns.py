"""The record columns of the CSV and XLSX exports, defined once.

Both writers take the same names and the same typed values from here, so a column added,
renamed or reordered changes both files alike. Values stay typed (int, float, Decimal, date,
bool, str, None); each writer decides how a type is spelled in its format.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TypeAlias

from bot.evidence.files import EvidenceFile
from bot.exports.rows import RecordRow

Cell: TypeAlias = int | float | Decimal | date | bool | str | None

COLUMNS: tuple[str, ...] = (
    "record_id",  # int: our id of the record
    "user_id",  # int: Telegram user id
    "user_name",  # text
    "activity_date",  # date: the day of the learning, YYYY-MM-DD
    "title",  # text
    "activity_type",  # text: id from prompts/activities.toml
    "activity_name",  # text: that activity in the reader's language
    "category",  # text: the framework's category id
    "category_name",  # text: that category in the reader's language
    "minutes",  # int, empty when unknown
    "hours",  # number: minutes / 60 to 2 dp, empty when unknown
    "credits",  # number, after the framework's caps (1.5, never "1.5 credits")
    "unit",  # text: credit | hour | point
    "framework",  # text: framework id
    "source",  # text: reflection | import
    "ai_assisted",  # bool: true / false
    "explanation",  # text: how the credits were reached
    "tags",  # text: space-separated
    "recorded_at",  # text: ISO 8601 UTC, e.g. 2024-05-01T09:30:00Z
    "evidence",  # text: the names of the files attached as evidence, "; " apart
    "organisation",  # text: an organisation's export: "Ministry / Region / Hospital"
    "staff_number",  # text: an organisation's export: as on its staff list
)
REFLECTION = "reflection"  # text, last and only on request: "Title: text" sections

# Each row is: record_id, then the user (id, name), then activity_date and title, then a run of
# columns that repeat across many records (activity .. tags), then recorded_at and evidence.
# Writers spell each user and each run once and reuse it, which halves their work per row.
USER_CELLS = slice(COLUMNS.index("user_id"), COLUMNS.index("user_name") + 1)
RUN_CELLS = slice(COLUMNS.index("activity_type"), COLUMNS.index("tags") + 1)
assert COLUMNS[RUN_CELLS.stop:] == ("recorded_at", "evidence", "organisation", "staff_number")
assert COLUMNS[USER_CELLS.stop:RUN_CELLS.start] == ("activity_date", "title")
assert COLUMNS[:USER_CELLS.start] == ("record_id",)


def repeated_cells(spell: Callable[[list[Cell]], str]) -> Callable[[RecordRow], tuple[str, str]]:
    """For a writer: a row's user cells and its run of repeating cells, each spelled by
    `spell` once and reused for every row that shares them."""
    users: dict[tuple[int, str], str] = {}
    runs: dict[tuple[object, ...], str] = {}

    def spelled(row: RecordRow) -> tuple[str, str]:
        # Everything in the run follows from these fields.
        key = (row.activity_type, row.activity_name, row.category, row.category_name,
               row.minutes, row.credits, row.unit, row.framework_id, row.source,
               row.ai_assisted, row.explanation, row.tags)
        run = runs.get(key)
        user = users.get((row.user_id, row.user_name))
        if run is None or user is None:
            values = cells(row, False)
            if len(runs) > 100_000 or len(users) > 100_000:  # memory stays bounded
                runs.clear()
                users.clear()
            run = runs[key] = spell(values[RUN_CELLS])
            user = users[(row.user_id, row.user_name)] = spell(values[USER_CELLS])
        return user, run

    return spelled


def header(with_reflection: bool) -> list[str]:
    return [*COLUMNS, REFLECTION] if with_reflection else list(COLUMNS)


def evidence_text(files: tuple[EvidenceFile, ...]) -> str:
    return "; ".join(file.name for file in files)


def reflection_text(reflection: tuple[tuple[str, str], ...] | None) -> str:
    """The template sections as "Title: text", a blank line apart; empty where not shared."""
    if reflection is None:
        return ""
    return "\n\n".join(f"{title}: {text}" for title, text in reflection)


@lru_cache(maxsize=4096)
def hours(minutes: int) -> float:
    """Minutes as hours to 2 dp; cached, as a few durations repeat across a million rows."""
    return round(minutes / 60, 2)


def cells(row: RecordRow, with_reflection: bool) -> list[Cell]:
    """One record as its cell values, in COLUMNS order (plus the reflection on request); each
    writer spells them for its format."""
    minutes = row.minutes
    values: list[Cell] = [
        row.record_id,
        row.user_id,
        row.user_name,
        row.activity_date,
        row.title,
        row.activity_type,
        row.activity_name,
        row.category,
        row.category_name,
        minutes,
        None if minutes is None else hours(minutes),
        row.credits,
        row.unit,
        row.framework_id,
        row.source,
        row.ai_assisted,
        row.explanation,
        " ".join(row.tags),
        row.recorded_at,
        evidence_text(row.evidence),
        row.organisation,
        row.staff_number,
    ]
    if with_reflection:
        values.append(reflection_text(row.reflection))
    return values
