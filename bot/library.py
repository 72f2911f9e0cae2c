"""The data files in `prompts/`: reflection templates, activity types and topic tags.

They are read once at start-up and checked strictly, because a clinician half-way through a
reflection must never meet a missing question or translation. A broken file stops start-up
with `DataFileError`: the file, the key and what is wrong.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

import prompts
from bot.i18n import SUPPORTED_LANGUAGES

BUILT_IN_DIR = Path(prompts.__file__).parent
CAPTURE_KINDS = ("text", "link", "photo", "document", "voice", "audio", "video", "video_note")
# Room for the step's header, hint and buttons inside one 4096-character Telegram message.
LONGEST_ANSWER = 4000
MOST_STEPS = 12

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,23}$")]
Phrase = Annotated[str, Field(min_length=1, max_length=600)]


class DataFileError(Exception):
    """A data file that cannot be used, printed as `file: key: problem`."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Localised(Strict):
    """One text in every supported language."""

    en: Phrase
    ru: Phrase
    uk: Phrase
    es: Phrase

    def in_(self, language: str) -> str:
        return getattr(self, language if language in SUPPORTED_LANGUAGES else "en")


class Step(Strict):
    id: Identifier
    required: bool
    max_length: Annotated[int, Field(ge=20, le=LONGEST_ANSWER)]
    title: Localised
    prompt: Localised
    hint: Localised


class Template(Strict):
    id: Identifier
    order: int
    source: Phrase
    source_url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    suggested_for: list[Identifier]
    name: Localised
    steps: Annotated[list[Step], Field(min_length=1, max_length=MOST_STEPS)]

    @field_validator("steps")
    @classmethod
    def _unique_step_ids(cls, steps: list[Step]) -> list[Step]:
        ids = [step.id for step in steps]
        repeated = sorted({step_id for step_id in ids if ids.count(step_id) > 1})
        if repeated:
            raise ValueError(f"step ids must be unique; repeated: {', '.join(repeated)}")
        return steps

    def step(self, step_id: str) -> Step | None:
        return next((step for step in self.steps if step.id == step_id), None)


class Activity(Strict):
    name: Localised
    kinds: list[str]
    keywords: list[Phrase]

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, kinds: list[str]) -> list[str]:
        unknown = [kind for kind in kinds if kind not in CAPTURE_KINDS]
        if unknown:
            raise ValueError(f"unknown capture kind {unknown[0]!r}; "
                             f"use one of {', '.join(CAPTURE_KINDS)}")
        return kinds


class Topic(Strict):
    tag: Localised
    keywords: Annotated[list[Phrase], Field(min_length=1)]


class _Activities(Strict):
    activities: dict[Identifier, Activity]


class _Topics(Strict):
    topics: dict[Identifier, Topic]


@dataclass(frozen=True)
class Library:
    templates: dict[str, Template]  # in display order
    activities: dict[str, Activity]  # in display order; "other" is the fallback
    topics: dict[str, Topic]


FALLBACK_ACTIVITY = "other"


def library_dir(configured: str) -> Path:
    return Path(configured) if configured else BUILT_IN_DIR


@cache
def load_library(directory: Path = BUILT_IN_DIR) -> Library:
    activities = validated_file(directory / "activities.toml", _Activities,
                            lambda raw: {"activities": raw}).activities
    if FALLBACK_ACTIVITY not in activities:
        raise DataFileError(f"{directory / 'activities.toml'}: {FALLBACK_ACTIVITY}: "
                            "the fallback activity type is missing")
    topics = validated_file(directory / "topics.toml", _Topics, lambda raw: {"topics": raw}).topics
    templates: list[Template] = []
    files = sorted((directory / "templates").glob("*.toml"))
    if not files:
        raise DataFileError(f"{directory / 'templates'}: no template files (*.toml) found")
    for path in files:
        template = validated_file(path, Template, lambda raw: raw)
        if template.id != path.stem:
            raise DataFileError(f"{path}: id: must match the file name ({path.stem!r})")
        unknown = [name for name in template.suggested_for if name not in activities]
        if unknown:
            raise DataFileError(f"{path}: suggested_for: unknown activity type {unknown[0]!r}")
        templates.append(template)
    templates.sort(key=lambda template: (template.order, template.id))
    return Library({t.id: t for t in templates}, activities, topics)


def validated_file(path: Path, model: type[Any], shape: Any) -> Any:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path}: not valid TOML ({exc})") from None
    try:
        return model.model_validate(shape(raw))
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        location = list(error["loc"])
        if location and location[0] in ("activities", "topics"):  # the shape()'s own wrapper
            location = location[1:]
        key = "".join(f"[{part}]" if isinstance(part, int) else f".{part}"
                      for part in location).lstrip(".")
        problem = error["msg"].removeprefix("Value error, ")
        if not key:  # a whole-file check names its own key: "rules[2].category: ..."
            key, found, rest = problem.partition(": ")
            key, problem = (key, rest) if found else ("(top level)", problem)
        if error["type"] == "missing":
            problem = "missing"
        elif error["type"] == "extra_forbidden":
            problem = "unknown key"
        raise DataFileError(f"{path}: {key}: {problem}") from None
