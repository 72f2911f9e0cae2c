"""Does a drafted section say only what the clinician said?

A model asked to restructure a note can still slip in a dose, an outcome or a plan. Each
sentence of a drafted section is checked against the clinician's own text: its numbers must
all appear there, and most of its content words must too (compared by their first letters, so
"septic" matches "sepsis" and "антибиотики" matches "антибиотиков"). Unsupported sentences are
dropped; a section left with nothing becomes a question to the clinician instead.
"""

from __future__ import annotations

import re

from bot.common.durations import find_duration

# Words that carry no facts, in the four languages; everything else must be in the source.
STOP_WORDS = frozenset("""
the and for with that this was were are has have had not but from into about what when
which who how than then they them their there here our out all any can may its it's also
very more most some such only just will would should could been being did does done
что как это был была было были так для при или его она они оно все уже ещё еще также
чтобы когда если который которая которые этот эта эти того тем чем мне меня мой моя
що як це був була було були для при або його вона вони воно все вже ще також щоб коли
якщо який яка які цей ця ці того тим чим мені мене мій моя
que los las del por con para una uno unos unas como pero más sus fue era son ser esta
este esto estos estas también muy cuando donde sin sobre entre hay
""".split())
STEM_LENGTH = 5  # letters compared: enough for inflection in ru/uk/es, short of false matches
SUPPORT_NEEDED = 0.7  # share of a sentence's content words found in the source
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+|\n+")


def _stems(text: str) -> set[str]:
    return {word[:STEM_LENGTH] for word in (w.casefold() for w in _WORD.findall(text))
            if len(word) >= 3 and word not in STOP_WORDS}


def _numbers(text: str) -> set[str]:
    return {number.replace(",", ".") for number in _NUMBER.findall(text)}


def _supported(sentence: str, known_words: set[str], known_numbers: set[str]) -> bool:
    words, numbers = _stems(sentence), _numbers(sentence)
    if (not words and not numbers) or not numbers <= known_numbers:
        return False
    return not words or len(words & known_words) / len(words) >= SUPPORT_NEEDED


def ground(section: str | None, source: str) -> str | None:
    """The part of a drafted section the source supports, or None if nothing is left."""
    if not section or not section.strip():
        return None
    known_words, known_numbers = _stems(source), _numbers(source)
    kept = [sentence.strip() for sentence in _SENTENCE_END.split(section.strip())
            if sentence.strip() and _supported(sentence, known_words, known_numbers)]
    return " ".join(kept) if kept else None


def minutes_stated(minutes: int | None, source: str) -> int | None:
    """The time spent, if the source states it: as a duration, or that figure in minutes
    or hours."""
    if minutes is None or minutes <= 0:
        return None
    if find_duration(source) == minutes:
        return minutes
    stated = _numbers(source)
    hours = minutes / 60
    candidates = {str(minutes), f"{hours:g}"}
    return minutes if candidates & stated else None
