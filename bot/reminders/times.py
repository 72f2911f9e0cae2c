"""When a reminder is next due: a local time on chosen weekdays, in the user's IANA zone.

Everything is computed from the wall clock in the user's zone and turned into UTC at the end,
so 09:00 stays 09:00 across daylight-saving changes. A time the clocks skip (02:30 on a
spring-forward night) is sent at the first minute that exists after the gap; a time that
happens twice (01:30 on a fall-back night) is sent once, at the first of the two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import get_day_names

from bot.common.i18n import SUPPORTED_LANGUAGES, translator
from bot.common.phrases import mapping, words

EVERY_DAY = frozenset(range(7))  # Monday is 0, as date.weekday() counts
WORKDAYS = frozenset(range(5))
LANGUAGES = SUPPORTED_LANGUAGES  # CLDR weekday names in every interface language


@dataclass(frozen=True)
class Schedule:
    at: time  # local wall-clock time
    days: frozenset[int]  # weekdays, Monday 0


def next_due(schedule: Schedule, zone: str, after: datetime) -> datetime:
    """The first moment strictly after `after` (UTC) when the schedule fires, in UTC."""
    tz = ZoneInfo(zone)
    local_day = after.astimezone(tz).date()
    for offset in range(8):
        day = local_day + timedelta(days=offset)
        if day.weekday() not in schedule.days:
            continue
        moment = _wall_clock(day, schedule.at, tz)
        if moment > after:
            return moment
    raise ValueError("a schedule needs at least one weekday")


def _wall_clock(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`at` on `day` in `tz`, as UTC: the first of two, or the first minute after a gap."""
    local = datetime.combine(day, at, tzinfo=tz)  # fold=0: the first of an ambiguous pair
    moment = local.astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None):
        return moment
    # The clocks skipped this time. Read with either offset it lands on both sides of the
    # gap; the gap ends at the first minute between them with the later offset.
    low, high = sorted((moment, local.replace(fold=1).astimezone(UTC)))
    before = low.astimezone(tz).utcoffset()
    probe = low.replace(second=0, microsecond=0)
    while probe < high:
        probe += timedelta(minutes=1)
        if probe.astimezone(tz).utcoffset() != before:
            return probe
    return high


# --- typed schedules: "09:00 mon-fri", "21:30 daily", "вт чт 8:15" ---------------------------

_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3])[:.h]([0-5]\d)(?!\d)")
_EVERY_DAY_WORDS = words("every_day")
_WORKDAY_WORDS = words("workdays")


def _any_phrase(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One of the phrases as whole words, longest first."""
    ordered = sorted((re.escape(phrase.casefold()) for phrase in phrases), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(ordered) + r")(?!\w)")


_EVERY_DAY_PHRASE = _any_phrase(_EVERY_DAY_WORDS)
_WORKDAY_PHRASE = _any_phrase(_WORKDAY_WORDS)
_SWITCH_ON_WORDS = words("switch_on")
_SWITCH_OFF_WORDS = words("switch_off")


def parse_switch(text: str) -> bool | None:
    """"on" (resume every reminder) → True, "off" (pause them all) → False, in any language;
    None for anything else."""
    lowered = " ".join(text.casefold().split()).strip(" .!")
    if lowered in _SWITCH_ON_WORDS:
        return True
    if lowered in _SWITCH_OFF_WORDS:
        return False
    return None


def _day_words() -> dict[str, int]:
    """Weekday names and abbreviations in every language, to 0..6 (CLDR via Babel)."""
    found: dict[str, int] = {}
    for language in LANGUAGES:
        for width in ("wide", "abbreviated", "short"):
            for number, name in get_day_names(width, locale=language).items():
                found.setdefault(name.casefold().strip("."), number)
    for extra, number in mapping("day_abbreviations").items():
        found.setdefault(extra, number)
    return found


_DAYS = _day_words()
_DAY_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


def parse_schedule(text: str) -> Schedule | None:
    """A time and the days from typed text; every day when no day is named. None if there is
    no time in it, or a word that is neither a day nor a known phrase."""
    lowered = " ".join(text.casefold().replace("–", "-").replace("—", "-").split())
    found = _TIME.search(lowered)
    if found is None:
        return None
    at = time(int(found[1]), int(found[2]))
    rest = (lowered[:found.start()] + " " + lowered[found.end():]).strip()
    # Whole words only: Kazakh "күнде" (daily) is also the start of "күндері" (days).
    rest, daily = _EVERY_DAY_PHRASE.subn(" ", rest)
    if daily:
        return Schedule(at, EVERY_DAY) if not rest.strip(" ,") else None
    days: set[int] = set()
    rest, workdays = _WORKDAY_PHRASE.subn(" ", rest)
    if workdays:
        days |= WORKDAYS
    for part in re.split(r"[\s,;/]+|\b(?:and|и|і|та|y)\b", rest):
        part = part.strip(" .")
        if not part:
            continue
        span = [piece.strip(" .") for piece in part.split("-")]
        if len(span) == 2 and span[0] in _DAYS and span[1] in _DAYS:
            first, last = _DAYS[span[0]], _DAYS[span[1]]
            days |= {(first + n) % 7 for n in range((last - first) % 7 + 1)}
        elif part in _DAYS:
            days.add(_DAYS[part])
        elif _DAY_TOKEN.fullmatch(part):
            return None
    return Schedule(at, frozenset(days) or EVERY_DAY)


_HOUR = r"([01]?\d|2[0-3])(?:[:.h]([0-5]\d))?"
_QUIET_SPAN = re.compile(rf"(?<!\d){_HOUR}\s*(?:-|to|till|until|до|по|a|hasta)\s*{_HOUR}(?!\d)")


def parse_quiet_hours(text: str) -> tuple[int, int] | None:
    """Quiet hours as local minutes (from, until), e.g. "22:00-07:00", "22-7", "з 23 до 6"."""
    lowered = " ".join(text.casefold().replace("–", "-").replace("—", "-").split())
    found = _QUIET_SPAN.search(lowered)
    if found is None:
        return None
    start = int(found[1]) * 60 + int(found[2] or 0)
    end = int(found[3]) * 60 + int(found[4] or 0)
    return (start, end) if start != end else None


def describe_days(days: frozenset[int], language: str) -> str:
    """"every day", "weekdays", or the days' short names in the user's language."""
    _ = translator(language).gettext
    if days == EVERY_DAY:
        return _("every day")
    if days == WORKDAYS:
        return _("weekdays")
    names = get_day_names("abbreviated", locale=language)
    return ", ".join(names[day] for day in sorted(days))


def clock_time(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
