"""The data files in `prompts/`: reflection templates, activity types, topic tags and CPD
credit frameworks.

They are read once at start-up and checked strictly, because a clinician half-way through a
reflection must never meet a missing question or translation. A broken file stops start-up
with `DataFileError`: the file, the key and what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator

import prompts
from bot.common.i18n import SUPPORTED_LANGUAGES
from bot.library.data_files import (
    DataFileError,
    Identifier,
    Localised,
    Phrase,
    Strict,
    validated_file,
)
from bot.library.frameworks import GENERIC_FRAMEWORK, Framework

BUILT_IN_DIR = Path(prompts.__file__).parent
CAPTURE_KINDS = ("text", "link", "photo", "document", "voice", "audio", "video", "video_note")
# Room for the step's header, hint and buttons inside one 4096-character Telegram message.
LONGEST_ANSWER = 4000
DRAFT_PLACEHOLDERS = ("{template}", "{sections}")
MOST_STEPS = 12


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
    # Names a note can open with, before a colon ("Case: ..."): one decides the type.
    headings: list[Phrase] = Field(default_factory=list)

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
    frameworks: dict[str, Framework]  # in display order; GENERIC_FRAMEWORK is the fallback
    draft_prompts: dict[str, str]  # the LLM's system prompt, by language


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
    frameworks = _frameworks(directory, activities, {template.id for template in templates})
    return Library({t.id: t for t in templates}, activities, topics, frameworks,
                   _draft_prompts(directory))


def _draft_prompts(directory: Path) -> dict[str, str]:
    """The system prompt for drafting, one Markdown file per language, with the template's
    name and its sections put in where {template} and {sections} stand."""
    found = {}
    for language in SUPPORTED_LANGUAGES:
        path = directory / "assist" / f"{language}.md"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DataFileError(f"{path}: cannot be read ({exc})") from None
        for placeholder in DRAFT_PLACEHOLDERS:
            if text.count(placeholder) != 1:
                raise DataFileError(f"{path}: {placeholder}: must appear exactly once")
        found[language] = text
    return found


def _frameworks(directory: Path, activities: dict[str, Activity],
                templates: set[str]) -> dict[str, Framework]:
    files = sorted((directory / "frameworks").glob("*.toml"))
    found: list[Framework] = []
    for path in files:
        framework = validated_file(path, Framework, lambda raw: raw)
        if framework.id != path.stem:
            raise DataFileError(f"{path}: id: must match the file name ({path.stem!r})")
        for where, named_activities, named_templates in framework.names_used():
            for activity in named_activities:
                if activity not in activities:
                    raise DataFileError(f"{path}: {where}.activities: unknown activity type "
                                        f"{activity!r}")
            for template in named_templates:
                if template not in templates:
                    raise DataFileError(f"{path}: {where}.templates: unknown template "
                                        f"{template!r}")
        found.append(framework)
    if GENERIC_FRAMEWORK not in {framework.id for framework in found}:
        raise DataFileError(f"{directory / 'frameworks' / GENERIC_FRAMEWORK}.toml: file not "
                            "found (the fallback framework)")
    found.sort(key=lambda framework: (framework.order, framework.id))
    return {framework.id: framework for framework in found}
