"""The privacy guard's corpus (tests/data/privacy_corpus.toml) and how it is scored.

Recall: the share of identifiable snippets whose `must_flag` lies wholly inside a marked span.
Precision: of all snippets the guard marked anything in, the share that are identifiable.
Both are counted per snippet, the way the clinician meets them: a note is flagged or not.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.privacy.guard import find_identifiers

CORPUS = Path(__file__).parents[1] / "data" / "privacy_corpus.toml"
# Written as a held-out set, but the guard was since tuned on it too.
FIRST_HOLDOUT = Path(__file__).parents[1] / "data" / "privacy_holdout.toml"
# Written apart from the guard and never used to tune it: the honest figure.
HOLDOUT = Path(__file__).parents[1] / "data" / "privacy_holdout2.toml"


Corpus = dict[str, list[dict[str, Any]]]


def load(path: Path = CORPUS) -> Corpus:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def covered(text: str, needle: str) -> bool:
    start = text.index(needle)
    end = start + len(needle)
    return any(f.start <= start and end <= f.end for f in find_identifiers(text))


@dataclass
class Score:
    identifiable: int = 0
    clean: int = 0
    caught: int = 0  # identifiable, with must_flag marked
    flagged_identifiable: int = 0  # identifiable, with anything marked
    false_alarms: int = 0  # clean, with anything marked
    missed: list[dict[str, Any]] = field(default_factory=list)
    flagged_clean: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.identifiable

    @property
    def precision(self) -> float:
        flagged = self.flagged_identifiable + self.false_alarms
        return self.flagged_identifiable / flagged if flagged else 1.0


def score(corpus: Corpus, language: str | None = None) -> Score:
    result = Score()
    for entry in corpus["identifiable"]:
        if language and entry["language"] != language:
            continue
        result.identifiable += 1
        result.flagged_identifiable += bool(find_identifiers(entry["text"]))
        if covered(entry["text"], entry["must_flag"]):
            result.caught += 1
        else:
            result.missed.append(entry)
    for entry in corpus["clean"]:
        if language and entry["language"] != language:
            continue
        result.clean += 1
        if find_identifiers(entry["text"]):
            result.false_alarms += 1
            result.flagged_clean.append(entry["text"])
    return result
