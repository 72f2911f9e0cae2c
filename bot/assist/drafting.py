"""The structured-output request for a reflection draft, and what is kept of the answer.

The response schema is built from the template, so the model returns exactly its sections,
each either text or null, and a follow-up question for each. The answer is then grounded
(bot/assist/grounding.py): only what the clinician's own text supports survives.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from bot.assist.grounding import ground, minutes_stated
from bot.common.text import clean_text
from bot.library.classify import parse_tags
from bot.library.loader import Library, Template
from bot.reflection.flow import Draft

MAX_TAGS = 3
QUESTION_LENGTH = 300


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


_SCHEMAS: dict[tuple[str, ...], type[BaseModel]] = {}


def draft_schema(library: Library, template: Template) -> type[BaseModel]:
    """A pydantic model: title, activity (one of ours), minutes, tags, and per-section text
    and follow-up questions, every field required, as strict json_schema wants. Built once
    per template: making a model costs more than the rest of a request."""
    key = (template.id, *(step.id for step in template.steps), "|", *library.activities)
    if key not in _SCHEMAS:
        _SCHEMAS[key] = _build_schema(library, template)
    return _SCHEMAS[key]


def _build_schema(library: Library, template: Template) -> type[BaseModel]:
    per_step: dict[str, Any] = {step.id: (str | None, Field(description=step.title.in_("en")))
                                for step in template.steps}
    sections = create_model("Sections", __base__=_Strict, **per_step)
    questions = create_model("Questions", __base__=_Strict, **per_step)
    # Built at run time from the library: a value to pydantic, not a type mypy can check.
    activity: Any = Literal[tuple(library.activities)]
    return create_model(
        "ReflectionDraft", __base__=_Strict,
        title=(str, ...), activity=(activity, ...), minutes=(int | None, ...),
        tags=(list[str], ...), sections=(sections, ...), questions=(questions, ...))


def system_prompt(library: Library, template: Template, language: str) -> str:
    sections = "\n".join(f"- {step.id}: {step.title.in_(language)}. {step.prompt.in_(language)}"
                         for step in template.steps)
    return (library.draft_prompts[language]
            .replace("{template}", template.name.in_(language))
            .replace("{sections}", sections))


def messages(library: Library, template: Template, language: str,
             note: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": system_prompt(library, template, language)},
            {"role": "user", "content": note}]


def keep_grounded(library: Library, template: Template, answer: Any, note: str) -> Draft:
    sections: dict[str, str] = {}
    questions: dict[str, str] = {}
    dropped: list[str] = []
    for step in template.steps:
        written = getattr(answer.sections, step.id)
        kept = ground(written, note)
        if kept is not None:
            sections[step.id] = kept[: step.max_length]
            continue
        if written and written.strip():
            dropped.append(step.id)
        question = clean_text(getattr(answer.questions, step.id) or "").strip()
        if question:
            questions[step.id] = question[:QUESTION_LENGTH]
    activity = answer.activity if answer.activity in library.activities else "other"
    return Draft(title=clean_text(answer.title).strip()[:200], activity=activity,
                 minutes=minutes_stated(answer.minutes, note),
                 tags=parse_tags(" ".join(tag.strip().replace(" ", "_")
                                          for tag in answer.tags))[:MAX_TAGS],
                 sections=sections, questions=questions, dropped=dropped)
