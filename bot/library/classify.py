"""Guesses made without an LLM: the activity type, the template to offer, and tags.

Keywords come from `prompts/activities.toml` and `prompts/topics.toml` and match the start of
a word, so one stem covers a word's inflections ("конференц" → "конференції").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from bot.library.loader import FALLBACK_ACTIVITY, Library

_HASHTAG = re.compile(r"(?<![\w#])#([^\W_][\w-]{0,39})")
_DEFAULT_TEMPLATE = "rolfe"
MAX_TAGS = 12


@cache
def _word_starts(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    if not keywords:
        return None
    alternatives = "|".join(re.escape(keyword.lower()) for keyword in keywords)
    return re.compile(rf"(?<!\w)(?:{alternatives})")


def _hits(keywords: Iterable[str], text: str) -> int:
    pattern = _word_starts(tuple(keywords))
    return len(pattern.findall(text)) if pattern else 0


@cache
def _heading(headings: tuple[str, ...]) -> re.Pattern[str] | None:
    if not headings:
        return None
    alternatives = "|".join(re.escape(heading.lower())
                            for heading in sorted(headings, key=len, reverse=True))
    return re.compile(rf"\s*(?:{alternatives})(?:\s*:|\s+[—–-]\s)")  # "Case: ", "Case — "


def suggest_activity(library: Library, kind: str, text: str) -> str:
    """The activity type the note names in its heading ("Case: …"); else the one whose
    keywords it uses most; else the one its kind suggests."""
    lowered = f"{text.lower()} "
    for name, activity in library.activities.items():
        heading = _heading(tuple(activity.headings))
        if heading is not None and heading.match(lowered):
            return name
    scores = {name: _hits(activity.keywords, lowered)
              for name, activity in library.activities.items()}
    best = max(scores, key=lambda name: scores[name])
    if scores[best] > 0:
        return best
    by_kind = [name for name, activity in library.activities.items() if kind in activity.kinds]
    return by_kind[0] if by_kind else FALLBACK_ACTIVITY


def suggest_template(library: Library, activity: str) -> str:
    for template in library.templates.values():
        if activity in template.suggested_for:
            return template.id
    return _DEFAULT_TEMPLATE if _DEFAULT_TEMPLATE in library.templates else next(
        iter(library.templates))


def hashtags(text: str) -> list[str]:
    """#tags as the clinician wrote them, lower-cased, first occurrence first."""
    return list(dict.fromkeys(tag.lower() for tag in _HASHTAG.findall(text)))


def topic_tags(library: Library, text: str, language: str) -> list[str]:
    """Tags for the topics the text mentions, in the user's language."""
    lowered = f"{text.lower()} "
    return [topic.tag.in_(language).lower() for topic in library.topics.values()
            if _hits(topic.keywords, lowered)]


def parse_tags(text: str) -> list[str]:
    """Tags typed by hand: "#sepsis #aki", "sepsis, aki" or "sepsis aki"."""
    words = re.split(r"[\s,;]+", text.lower())
    tags = [word.lstrip("#").strip(".!?") for word in words]
    return list(dict.fromkeys(tag[:40] for tag in tags if tag and tag[0].isalnum()))[:MAX_TAGS]
