"""The words the typed-input parsers understand, per language, read once from phrases.toml.

Every language's words are merged: clinicians mix languages, and the words don't collide.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

_BY_LANGUAGE: dict[str, dict[str, Any]] = tomllib.loads(
    (Path(__file__).parent / "phrases.toml").read_text(encoding="utf-8"))


def words(name: str) -> tuple[str, ...]:
    """One list (e.g. "hour_words") in every language, in file order."""
    return tuple(word for table in _BY_LANGUAGE.values() for word in table.get(name, ()))


def mapping(name: str) -> dict[str, Any]:
    """One table (e.g. "number_words") in every language, merged."""
    merged: dict[str, Any] = {}
    for language, table in _BY_LANGUAGE.items():
        for word, value in table.get(name, {}).items():
            if merged.setdefault(word, value) != value:
                raise ValueError(f"phrases.toml: {language}.{name}.{word}: means {value} here "
                                 f"and {merged[word]} in another language")
    return merged
