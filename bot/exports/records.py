"""CPD records read for export, streamed in batches so memory stays flat at any size.

Reflective text comes along only where it may: always for a clinician's own export, and in an
administrator's export only for clinicians who chose to share it in /settings.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import Text as SQLText
from sqlalchemy import cast, select

from bot.credit_text import explain
from bot.credits import from_hundredths
from bot.exports.rows import RecordRow
from bot.library import Library
from storage.engine import Database
from storage.models import CpdRecord, Reflection, User

BATCH = 5000
T = TypeVar("T")


class Text(StrEnum):
    ALL = "all"  # the clinician's own export
    SHARED = "shared"  # an administrator's: only from those who opted in
    NONE = "none"


@dataclass(frozen=True)
class Query:
    start: date
    end: date
    user_id: int | None = None  # None: everyone
    text: Text = Text.ALL
    language: str = "en"


async def record_batches(db: Database, library: Library,
                         query: Query) -> AsyncIterator[list[RecordRow]]:
    """Active records dated within the period, by user, date and id."""
    columns = [CpdRecord.id, CpdRecord.user_id, User.first_name, CpdRecord.activity_date,
               CpdRecord.title, CpdRecord.activity_type, CpdRecord.category, CpdRecord.minutes,
               CpdRecord.credits, CpdRecord.unit, CpdRecord.framework_id, CpdRecord.source,
               CpdRecord.ai_assisted, cast(CpdRecord.rule, SQLText).label("rule"),
               CpdRecord.template_id,
               CpdRecord.created_at, User.share_reflections]
    statement = select(*columns).join(User, User.id == CpdRecord.user_id)
    with_text = query.text is not Text.NONE
    if with_text:
        statement = statement.add_columns(Reflection.answers, Reflection.tags_text).outerjoin(
            Reflection, Reflection.id == CpdRecord.reflection_id)
    statement = statement.where(CpdRecord.status == "active",
                                CpdRecord.activity_date >= query.start,
                                CpdRecord.activity_date <= query.end)
    if query.user_id is not None:
        statement = statement.where(CpdRecord.user_id == query.user_id)
    statement = statement.order_by(CpdRecord.user_id, CpdRecord.activity_date, CpdRecord.id)
    to_row = _row_maker(library, query)
    async with db.engine.connect() as connection:
        result = await connection.stream(statement.execution_options(yield_per=BATCH))
        async for partition in result.partitions(BATCH):
            yield [to_row(tuple(row)) for row in partition]


def _row_maker(library: Library, query: Query) -> Callable[..., RecordRow]:
    language = query.language
    activity_names = {key: value.name.in_(language) for key, value in library.activities.items()}
    category_names: dict[tuple[str, str], str] = {}
    for framework in library.frameworks.values():
        for key, category in framework.categories.items():
            category_names[(framework.id, key)] = category.name.in_(language)

    def section_texts(template_id: str | None,
                      answers: dict[str, str]) -> tuple[tuple[str, str], ...]:
        template = library.templates.get(template_id or "")
        if template is None:
            return tuple((key, text) for key, text in answers.items() if text)
        return tuple((step.title.in_(language), answers[step.id]) for step in template.steps
                     if answers.get(step.id))

    explanations: dict[tuple[str, int, str, str], str] = {}

    def explanation(rule_json: str, credits: int, category: str, framework_id: str) -> str:
        """Records share a handful of rules, so each explanation is worded once (kept as
        the JSON text, which also spares decoding it per row)."""
        key = (rule_json, credits, category, framework_id)
        found = explanations.get(key)
        if found is None:
            if len(explanations) > 100_000:
                explanations.clear()
            found = explanations[key] = explain(
                json.loads(rule_json), from_hundredths(credits), category,
                library.frameworks.get(framework_id), language)
        return found

    share_all = query.text is Text.ALL
    with_text = query.text is not Text.NONE

    def to_row(row: tuple) -> RecordRow:  # type: ignore[type-arg]
        (record_id, user_id, first_name, activity_date, title, activity_type, category,
         minutes, credits, unit, framework_id, source, ai_assisted, rule, template_id,
         created_at, shares, *text) = row
        reflection = tags = None
        if with_text:
            answers, tags_text = text
            if share_all or shares:
                reflection = section_texts(template_id, answers) if answers else ()
            tags = tuple(tags_text.split()) if tags_text else ()
        return RecordRow(
            record_id, user_id, first_name or "", activity_date, title, activity_type,
            activity_names.get(activity_type, activity_type), category,
            category_names.get((framework_id, category), category), minutes,
            from_hundredths(credits), unit, framework_id, source, ai_assisted,
            explanation(rule, credits, category, framework_id), tags or (), reflection,
            template_id, created_at)

    return to_row


def in_thread(batches: AsyncIterator[list[T]], write: Callable[[Iterator[T]], int]) -> (
        asyncio.Future[int]):
    """Run a blocking writer in a worker thread, feeding it rows the event loop fetches one
    batch at a time: the database stays async and the writer stays a plain function."""
    loop = asyncio.get_running_loop()

    def rows() -> Iterator[T]:
        while True:
            try:
                batch = asyncio.run_coroutine_threadsafe(anext(batches), loop).result()
            except StopAsyncIteration:
                return
            yield from batch

    return asyncio.ensure_future(asyncio.to_thread(write, rows()))
