"""Time spent, from what a clinician types: "20 min", "1.5 h", "an hour", "полчаса", "1 hora".

All four languages are understood at once: people mix them, and the units don't collide.
The text is read as tokens; a number followed by a unit adds that much, a unit alone means
one of it ("hour", "час"), and "and a half" / "с половиной" adds half an hour.
"""

from __future__ import annotations

import re

from bot.common.phrases import mapping, words

MAX_MINUTES = 24 * 60

HOUR_WORDS = frozenset(words("hour_words"))
MINUTE_WORDS = frozenset(words("minute_words"))
NUMBER_WORDS: dict[str, float] = mapping("number_words")
IDIOMS: dict[str, int] = mapping("idioms")  # phrases that name a time outright
_AND_A_HALF = words("and_a_half")
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
