"""The privacy guard's corpus (tests/data/privacy_corpus.toml) and how it is scored.

Every identifiable snippet names its identifier (`must_flag`, an exact substring of `text`); it
is caught only when one finding's span covers that text wholly. A finding elsewhere in the note
(the wrong words) catches nothing.

Recall: the share of identifiable snippets that are caught.
Precision: of all snippets the guard marked anything in, the share that are caught. An
identifiable snippet marked only in the wrong place counts against precision as well as recall,
like a false alarm on a clean one.
Both are counted per snippet, the way the clinician meets them: a note is flagged or not.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.privacy.guard import Finding, find_identifiers

_DATA = Path(__file__).parents[1] / "data"
CORPUS = _DATA / "privacy_corpus.toml"
# Written as a held-out set, but the guard was since tuned on it too.
FIRST_HOLDOUT = _DATA / "privacy_holdout.toml"
# Written apart from the guard and never used to tune it (en, ru, uk, es).
HOLDOUT = _DATA / "privacy_holdout2.toml"
# Written apart in all seven languages of issue 15 and first scored as held-out sets (0.786 and
# 0.765 recall); the guard was then tuned on them, so they are development sets now.
THIRD_HOLDOUT = _DATA / "privacy_holdout3.toml"
FOURTH_HOLDOUT = _DATA / "privacy_holdout4.toml"
# Development sets for the seven languages: written apart from the guard, then tuned on.
DEV_COUNTRIES = _DATA / "privacy_dev_countries.toml"
DEV_COUNTRIES_2 = _DATA / "privacy_dev_countries2.toml"
DEV_COUNTRIES_3 = _DATA / "privacy_dev_countries3.toml"  # en, ru, uk, es
DEV_COUNTRIES_4 = _DATA / "privacy_dev_countries4.toml"  # kk, ka, az
# ...and six more, each scored once before it was tuned on (the figures are in the README).
LATER_DEV_SETS = tuple(_DATA / f"privacy_dev_countries{n}.toml" for n in range(5, 11))
# Written apart by authors who never saw the guard's code, its tests or the other corpora,
# sealed while it was tuned, scored once as held-out sets, then tuned on. The README has the
# figures: the fifth, seventh and eleventh met 0.9 in every language; the others missed it in
# one to four languages.
TUNED_HOLDOUTS = tuple(_DATA / f"privacy_holdout{n}.toml" for n in range(5, 15))
# Written the same way, sealed while the guard was tuned on all of the above, and never tuned
# on since: the figures issue 15 holds the guard to (recall and precision ≥ 0.9 in every
# language), 25 notes each way per language.
FIFTEENTH_HOLDOUT = _DATA / "privacy_holdout15.toml"
SIXTEENTH_HOLDOUT = _DATA / "privacy_holdout16.toml"


Corpus = dict[str, list[dict[str, Any]]]


def load(path: Path = CORPUS) -> Corpus:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Every (start, end) of `needle` in `text`; the corpus must name text that is there."""
    spans, start = [], text.find(needle)
    while needle and start >= 0:
        spans.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    assert spans, f"must_flag {needle!r} is not in its note {text!r}"
    return spans


def covered(text: str, needle: str, findings: Sequence[Finding] | None = None) -> bool:
    """Whether one finding covers an occurrence of `needle` wholly."""
    found = find_identifiers(text) if findings is None else findings
    return any(f.start <= start and end <= f.end
               for start, end in occurrences(text, needle) for f in found)


@dataclass
class Score:
    identifiable: int = 0
    clean: int = 0
    caught: int = 0  # identifiable, with must_flag's own span marked
    flagged_identifiable: int = 0  # identifiable, with anything marked, right or wrong
    false_alarms: int = 0  # clean, with anything marked
    missed: list[dict[str, Any]] = field(default_factory=list)  # must_flag not marked
    wrong_span: list[dict[str, Any]] = field(default_factory=list)  # missed, yet marked
    flagged_clean: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.identifiable

    @property
    def precision(self) -> float:
        flagged = self.flagged_identifiable + self.false_alarms
        return self.caught / flagged if flagged else 1.0


def score(corpus: Corpus, language: str | None = None) -> Score:
    result = Score()
    for entry in corpus["identifiable"]:
        if language and entry["language"] != language:
            continue
        result.identifiable += 1
        findings = find_identifiers(entry["text"])
        result.flagged_identifiable += bool(findings)
        if covered(entry["text"], entry["must_flag"], findings):
            result.caught += 1
        else:
            result.missed.append(entry)
            if findings:
                result.wrong_span.append(entry)
    for entry in corpus["clean"]:
        if language and entry["language"] != language:
            continue
        result.clean += 1
        if find_identifiers(entry["text"]):
            result.false_alarms += 1
            result.flagged_clean.append(entry["text"])
    return result
