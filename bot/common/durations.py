"""Time spent, from what a clinician types: "20 min", "1.5 h", "an hour", "полчаса", "1 hora".

All four languages are understood at once: people mix them, and the units don't collide.
The text is read as tokens; a number followed by a unit adds that much, a unit alone means
one of it ("hour", "час"), and "and a half" / "с половиной" adds half an hour.
"""

from __future__ import annotations

import re

MAX_MINUTES = 24 * 60

HOUR_WORDS = frozenset({
    "h", "hr", "hrs", "hour", "hours",
    "ч", "час", "часа", "часов",
    "г", "год", "година", "години", "годин", "годину",
    "hora", "horas",
})  # fmt: skip
MINUTE_WORDS = frozenset({
    "m", "min", "mins", "minute", "minutes",
    "мин", "минута", "минуты", "минут", "минуту",
    "хв", "хвилина", "хвилини", "хвилин", "хвилину",
    "minuto", "minutos",
})  # fmt: skip
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "один": 1, "одна": 1, "одну": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5,
    "десять": 10, "пятнадцать": 15, "двадцать": 20, "тридцать": 30, "сорок": 40,
    "дві": 2, "чотири": 4, "п'ять": 5, "п'ятнадцять": 15, "двадцять": 20, "тридцять": 30,
    "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "diez": 10,
    "quince": 15, "veinte": 20, "treinta": 30, "cuarenta": 40,
    "полтора": 1.5, "полторы": 1.5, "півтори": 1.5, "півтора": 1.5,
}  # fmt: skip
# Phrases that name a time outright.
IDIOMS = {
    "half an hour": 30, "half hour": 30, "quarter of an hour": 15, "quarter hour": 15,
    "an hour and a half": 90, "hour and a half": 90,
    "полчаса": 30, "пол часа": 30, "четверть часа": 15,
    "півгодини": 30, "пів години": 30, "чверть години": 15,
    "media hora": 30, "cuarto de hora": 15, "un cuarto de hora": 15,
}  # fmt: skip
_AND_A_HALF = ("and a half", "с половиной", "з половиною", "y media")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+(?:'[^\W\d_]+)?")
_CLOCK = re.compile(r"^(\d{1,2}):([0-5]\d)$")


def parse_duration(text: str) -> int | None:
    """Minutes spent, or None if the text doesn't say, or says something implausible."""
    phrase = " ".join(text.lower().replace("’", "'").replace("ʼ", "'").split()).strip(" .!?")
    if phrase in IDIOMS:
        return IDIOMS[phrase]
    if re.search(r"-\s*\d", phrase):
        return None  # a negative time is a typo, not a duration
    clock = _CLOCK.match(phrase)
    if clock:
        return _plausible(int(clock[1]) * 60 + int(clock[2]))

    tokens = _TOKEN.findall(phrase)
    minutes, found, pending, after_hours = 0.0, False, None, False
    for token in tokens:
        if token in NUMBER_WORDS or token[0].isdigit():
            pending = NUMBER_WORDS.get(token) or float(token.replace(",", "."))
        elif token in HOUR_WORDS:
            minutes += (1 if pending is None else pending) * 60
            found, pending, after_hours = True, None, True
        elif token in MINUTE_WORDS and pending is not None:
            minutes += pending
            found, pending, after_hours = True, None, False
    if pending is not None and (after_hours or len(tokens) == 1) and tokens[-1][0].isdigit():
        minutes += pending  # "1 h 30", or a bare "45": minutes
        found = True
    if not found:
        return None
    if any(half in phrase for half in _AND_A_HALF):
        minutes += 30
    return _plausible(round(minutes))


def _plausible(minutes: int) -> int | None:
    return minutes if 0 < minutes <= MAX_MINUTES else None


_UNITS = "|".join(sorted((re.escape(word) for word in HOUR_WORDS | MINUTE_WORDS), key=len,
                         reverse=True))
_STATED = re.compile(
    rf"(?<![\w.,])(?:\d+(?:[.,]\d+)?|[^\W\d_]+)\s*-?\s*(?:{_UNITS})(?:\s+\d+\s*(?:{_UNITS}))?"
    rf"(?:\s+(?:{'|'.join(map(re.escape, _AND_A_HALF))}))?(?!\w)")
_IDIOM = re.compile(r"(?<!\w)(?:" + "|".join(sorted(map(re.escape, IDIOMS), key=len,
                                                      reverse=True)) + r")(?!\w)")


def find_duration(text: str) -> int | None:
    """A time stated inside a longer note ("a 20-min webinar", "курс 1,5 часа"): the first
    one that reads as a duration, or None. An idiom ("half an hour") wins over the words
    inside it."""
    lowered = text.lower().replace("’", "'").replace("ʼ", "'")
    found = [(match.start(), match.end(), IDIOMS[match[0]]) for match in _IDIOM.finditer(lowered)]
    for match in _STATED.finditer(lowered):
        minutes = parse_duration(match[0].replace("-", " "))
        inside_idiom = any(start < match.end() and match.start() < end for start, end, _ in found)
        if minutes is not None and not inside_idiom:
            found.append((match.start(), match.end(), minutes))
    return min(found)[2] if found else None
