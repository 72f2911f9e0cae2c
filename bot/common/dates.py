"""The date of a learning activity, from what a clinician types: "yesterday", "12.03", "вчора".

Reflections may be dated up to 12 months back and never in the future. Month names come from
Babel's CLDR data for each language, in every grammatical form it knows ("марта", "березня").
A day and month without a year mean their most recent occurrence.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import Enum
from functools import cache

from babel import Locale

from bot.common.i18n import SUPPORTED_LANGUAGES
from bot.common.phrases import mapping

MAX_DAYS_BACK = 365


class DateProblem(Enum):
    UNREADABLE = "unreadable"
    IN_FUTURE = "in_future"
    TOO_OLD = "too_old"


# "yesterday", "вчора": days before today; "tomorrow" is -1, so it is answered as the future.
_DAYS_AGO: dict[str, int] = mapping("days_ago")
_AGO = re.compile(
    r"^(\d{1,3})\s*(?:days?\s+ago|дн(?:я|ей|ь)?\s+назад|д(?:ні|нів|ень)\s+тому|días?\s+atrás"
    r"|күн\s+бұрын|დღის\s+წინ|gün\s+(?:əvvəl|qabaq))$"
)
_HACE = re.compile(r"^hace\s+(\d{1,3})\s+días?$")
_NUMERIC = re.compile(r"^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NAMED = re.compile(r"^(\d{1,2})\s+(?:de\s+)?([^\W\d_]+)\.?(?:\s+(?:de\s+)?(\d{4}))?$")


def parse_date(text: str, today: date) -> date | DateProblem:
    phrase = " ".join(text.lower().split()).strip(" .!?")
    found = _read(phrase, today)
    if found is None:
        return DateProblem.UNREADABLE
    if found > today:
        return DateProblem.IN_FUTURE
    if found < today - timedelta(days=MAX_DAYS_BACK):
        return DateProblem.TOO_OLD
    return found


def _read(phrase: str, today: date) -> date | None:
    if phrase in _DAYS_AGO:
        return today - timedelta(days=_DAYS_AGO[phrase])
    ago = _AGO.match(phrase) or _HACE.match(phrase)
    if ago:
        return today - timedelta(days=int(ago[1]))
    iso = _ISO.match(phrase)
    if iso:
        return _date(int(iso[1]), int(iso[2]), int(iso[3]))
    numeric = _NUMERIC.match(phrase)
    if numeric:  # day first, as in every language we serve
        return _day_month(today, int(numeric[1]), int(numeric[2]), numeric[3])
    named = _NAMED.match(phrase)
    if named and named[2] in _month_numbers():
        return _day_month(today, int(named[1]), _month_numbers()[named[2]], named[3])
    return None


def _day_month(today: date, day: int, month: int, year: str | None) -> date | None:
    if year is not None:
        full_year = int(year) + (2000 if len(year) == 2 else 0)
        return _date(full_year, month, day)
    this_year = _date(today.year, month, day)
    if this_year is not None and this_year > today:
        return _date(today.year - 1, month, day)
    return this_year


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@cache
def _month_numbers() -> dict[str, int]:
    """Every month name and abbreviation CLDR has for our languages, lower-cased."""
    names: dict[str, int] = {}
    for language in SUPPORTED_LANGUAGES:
        months = Locale.parse(language).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    names[name.lower().rstrip(".")] = number
    return names
