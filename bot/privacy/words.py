"""What the privacy guard's finders share: the letters of the seven languages, the word lists
in this folder (eponyms.toml, names.toml, addresses.toml, common_names.toml), and the contexts
that make a number or a date no patient's."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

# What each finder returns: the kind (`guard.KINDS`), where it starts and where it ends.
Span = tuple[str, int, int]

# A capitalised word, double-barrelled too: "Okonjo-Bright", "Кравчук-Лісова", in the Latin
# letters of English, Spanish and Azerbaijani, and the Cyrillic of Russian, Ukrainian and
# Kazakh. Georgian has no capitals: its names are found by their endings (below).
LATIN_UP, LATIN_LOW = "A-ZÁÉÍÓÚÑÜƏÇĞİÖŞ", "a-záéíóúñüəçğıöş"
CYR_UP, CYR_LOW = "А-ЯЁІЇЄҐӘҒҚҢӨҰҮҺ", "а-яёіїєґәғқңөұүһ"
KA = "ა-ჰ"  # Georgian
LATIN_WORD = rf"[{LATIN_UP}][{LATIN_LOW}'’]+(?:-[{LATIN_UP}]?[{LATIN_LOW}'’]+)*"
LATIN_NAME = rf"{LATIN_WORD}(?:\s+{LATIN_WORD}){{0,2}}"
CYRILLIC_WORD = rf"[{CYR_UP}][{CYR_LOW}'’]+(?:-[{CYR_UP}]?[{CYR_LOW}'’]+)*"
INITIALS = rf"(?:\s+[{CYR_UP}A-Z]\.\s?(?:[{CYR_UP}A-Z]\.)?)?"
WORDS = tomllib.loads((Path(__file__).parent / "eponyms.toml").read_text(encoding="utf-8"))
NAMES_DATA = tomllib.loads((Path(__file__).parent / "names.toml").read_text(encoding="utf-8"))


def stems(*groups: list[str]) -> str:
    """An alternation of word stems, each followed by any ending."""
    return "|".join(rf"{re.escape(stem)}\w*" for group in groups for stem in group)


def alternation(words: list[str]) -> str:
    """The words as a regex alternation, longest first."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


STREETS = tomllib.loads((Path(__file__).parent / "addresses.toml").read_text(encoding="utf-8"))
COMMON = tomllib.loads((Path(__file__).parent / "common_names.toml").read_text(encoding="utf-8"))


# ...but a vaccine's lot, an article's PMID or an order's number is no one's.
THINGS_NUMBERED = re.compile(
    r"(?i)(?:\blot\b|batch|серія|серії|серии|серия|партия|партії|\blote|partiya|seriya|სერია"
    r"|ლოტ|isbn|doi|pmid|наказ|приказ|\border\b|orden|əmr|бұйрық|бұйрығ|ბრძანებ|настанов"
    r"|guideline|протокол|protocol|\bNOM\b|norma|guía|клинреком|рекомендац)[^\d\n]{0,40}$")

# Where clinicians learn, as stems: a date or an address by one of these is the course's, not
# a patient's.
COURSES = (r"course|webinar|vebinar|conference|konfrans|congress|конгрес|lecture|seminar|workshop"
           r"|session|sesión|sesion|meeting|teaching|study\s+day|training|journal\s+club|module"
           r"|exam|recert|venue|symposium|simposio|симпозиум|forum|форум|вебинар|вебінар|курс|kurs"
           r"|конференц|лекци|лекці|семинар|семінар|тренинг|тренінг|занят|экзамен|іспит|curso"
           r"|congreso|jornada|taller|charla|clase|ponencia|webinario|дәріс|оқу|სემინარ|ლექცი"
           r"|კონფერენცი|ვებინარ|კურს|ტრენინგ|გაკვეთილ|mühazirə|təlim|dərs")
# A date right after one of these is when the clinician learned, not about a patient.
LEARNING_EVENT = re.compile(rf"(?i)(?:{COURSES})\w*[^.!?\n]{{0,25}}$")
