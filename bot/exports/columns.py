"""The record columns of the CSV and XLSX exports, defined once.

Both writers take the same names and the same typed values from here, so a column added,
renamed or reordered changes both files alike. Values stay typed (int, float, Decimal, date,
bool, str, None); each writer decides how a type is spelled in its format.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import TypeAlias

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
)
REFLECTION = "reflection"  # text, last and only on request: "Title: text" sections


def header(with_reflection: bool) -> list[str]:
    return [*COLUMNS, REFLECTION] if with_reflection else list(COLUMNS)


def reflection_text(reflection: tuple[tuple[str, str], ...] | None) -> str:
    """The template sections as "Title: text", a blank line apart; empty where not shared."""
    if reflection is None:
        return ""
    return "\n\n".join(f"{title}: {text}" for title, text in reflection)


def utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC to the second, with Z; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is not None and moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    # isoformat() starts YYYY-MM-DDTHH:MM:SS; cut there (microseconds, offset) - the fast way.
    return moment.isoformat()[:19] + "Z"


@lru_cache(maxsize=4096)
def hours(minutes: int) -> float:
    """Minutes as hours to 2 dp; cached, as a few durations repeat across a million rows."""
    return round(minutes / 60, 2)


def _as_is(text: str) -> str:
    return text


def cells(
    row: RecordRow, with_reflection: bool, text: Callable[[str], Cell] = _as_is
) -> list[Cell]:
    """One record as its cell values, in COLUMNS order (plus the reflection on request).

    text() spells each free-text cell for the target format (formula safety, quoting, XML
    escaping) while the row is built, which is cheaper than a second pass over the list.
    """
    minutes = row.minutes
    values: list[Cell] = [
        row.record_id,
        row.user_id,
        text(row.user_name),
        row.activity_date,
        text(row.title),
        text(row.activity_type),
        text(row.activity_name),
        text(row.category),
        text(row.category_name),
        minutes,
        None if minutes is None else hours(minutes),
        row.credits,
        text(row.unit),
        text(row.framework_id),
        text(row.source),
        row.ai_assisted,
        text(row.explanation),
        text(" ".join(row.tags)),
        utc_iso(row.recorded_at),
    ]
    if with_reflection:
        values.append(text(reflection_text(row.reflection)))
    return values
