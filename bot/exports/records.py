"""CPD records read for export, streamed in batches so memory stays flat at any size.

Reflective text comes along only where it may: always for a clinician's own export, and in an
administrator's export only for clinicians who chose to share it in /settings.
"""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
from collections.abc import AsyncGenerator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import ColumnElement, Select, cast, func, literal, make_url, select
from sqlalchemy import Text as SQLText
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.orm import aliased

from bot.cpd.explain import explain
from bot.cpd.rules import from_hundredths
from bot.evidence.files import EvidenceFile, evidence_file
from bot.exports.rows import RecordRow
from bot.library.loader import Library
from storage.engine import Database
from storage.models import (
    CpdRecord,
    Evidence,
    LearningMoment,
    Membership,
    Organisation,
    Reflection,
    User,
)
from storage.organisations import member_pick
from storage.vocabulary import MembershipStatus, RecordStatus

BATCH = 5000


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
    # An organisation's path ("/1/5/"): its members only, each with the organisation they are
    # in and their staff number, and text only from those who share it with that one.
    scope: str | None = None


@dataclass
class LiveSharing:
    """Who shares reflective text with the exporting organisation, read again every batch,
    so switching it off takes effect in an export that is already running."""

    users: set[int] = field(default_factory=set)


def sharing_statement(scope: str) -> Select[Any]:
    pick = member_pick(scope)
    return (select(Membership.user_id).join(pick, pick.c.membership_id == Membership.id)
            .where(Membership.share_reflections.is_(True)))


def _statement(query: Query, dialect: str) -> Select[Any]:
    """Active records dated within the period, by date, user and id. The time recorded comes
    as the text the writers use, which spares a conversion per row."""
    columns = [CpdRecord.id, CpdRecord.user_id, User.first_name, CpdRecord.activity_date,
               CpdRecord.title, CpdRecord.activity_type, CpdRecord.category, CpdRecord.minutes,
               CpdRecord.credits, CpdRecord.unit, CpdRecord.framework_id, CpdRecord.source,
               CpdRecord.ai_assisted, cast(CpdRecord.rule, SQLText).label("rule"),
               CpdRecord.template_id, _utc_text(CpdRecord.created_at, dialect),
               CpdRecord.reflection_id]
    if query.scope is None:
        # Everyone's export (the operator's --all --with-text): text from those who share it
        # with at least one organisation.
        shares = (select(Membership.id).where(
            Membership.user_id == CpdRecord.user_id, Membership.share_reflections.is_(True),
            Membership.status == MembershipStatus.ACTIVE).exists()
            if query.text is Text.SHARED else literal(False))
        columns += [shares, literal(None), literal(None), literal(None)]
        statement = select(*columns).join(User, User.id == CpdRecord.user_id)
    else:
        pick = member_pick(query.scope)
        member, place = aliased(Membership), aliased(Organisation)
        columns += [literal(False), place.path, member.staff_number, member.listed_name]
        statement = (select(*columns).join(User, User.id == CpdRecord.user_id)
                     .join(pick, pick.c.user_id == CpdRecord.user_id)
                     .join(member, member.id == pick.c.membership_id)
                     .join(place, place.id == member.organisation_id))
    if query.text is not Text.NONE:
        statement = statement.add_columns(Reflection.answers, Reflection.tags_text).outerjoin(
            Reflection, Reflection.id == CpdRecord.reflection_id)
    statement = statement.where(*period_filter(query))
    # By date first: the date index then hands rows over nearly in order, where by user first
    # SQLite would sort a whole period's rows before the first one came out.
    return statement.order_by(CpdRecord.activity_date, CpdRecord.user_id, CpdRecord.id)


def period_filter(query: Query) -> list[ColumnElement[bool]]:
    """The active records of the query's period (and user)."""
    where = [CpdRecord.status == RecordStatus.ACTIVE, CpdRecord.activity_date >= query.start,
             CpdRecord.activity_date <= query.end]
    if query.user_id is not None:
        where.append(CpdRecord.user_id == query.user_id)
    return where


async def evidence_of(db: Database, query: Query) -> dict[int, tuple[EvidenceFile, ...]]:
    """The evidence of the period's records, by reflection id: read once before the records,
    as few records have any and a join would cost every row."""
    found: dict[int, list[EvidenceFile]] = {}
    async with db.session() as session:
        rows = await session.execute(
            select(Evidence.reflection_id, Evidence.attached_at, LearningMoment)
            .join(LearningMoment, LearningMoment.id == Evidence.moment_id)
            .join(CpdRecord, CpdRecord.reflection_id == Evidence.reflection_id)
            .where(*period_filter(query)).order_by(Evidence.id))
        for reflection_id, attached_at, moment in rows:
            found.setdefault(reflection_id, []).append(
                evidence_file(moment, attached_at.strftime("%Y-%m-%dT%H:%M:%SZ")))
    return {key: tuple(files) for key, files in found.items()}


def _utc_text(column: Any, dialect: str) -> Any:
    """A UTC timestamp as ISO 8601 text to the second, e.g. 2024-05-01T09:30:00Z."""
    if dialect == "sqlite":  # stored as UTC text already
        return func.strftime("%Y-%m-%dT%H:%M:%SZ", column)
    return func.to_char(func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS"Z"')


async def with_records(db: Database, library: Library, query: Query,
                       write: Callable[[Iterator[RecordRow]], int]) -> int:
    """Run a blocking writer in a worker thread over the records of `query`, read a batch at
    a time so memory stays flat; returns what the writer returns.

    SQLite is read in that same thread through the plain sqlite3 driver: aiosqlite hands every
    batch across threads and back, which cost more than the writing. PostgreSQL streams
    through the async engine, a batch per hop into the event loop.
    """
    statement = _statement(query, db.dialect)
    live = LiveSharing() if query.scope is not None and query.text is Text.SHARED else None
    to_row = _row_maker(library, query, await evidence_of(db, query),
                        await place_names(db, query.scope), live)
    sharing = sharing_statement(query.scope) if live is not None and query.scope else None
    if db.dialect == "sqlite":
        return await asyncio.to_thread(_sqlite_export, db.url, statement, to_row, write,
                                       sharing, live)
    loop = asyncio.get_running_loop()
    batches = _async_batches(db, statement)

    async def read_sharing() -> None:
        assert live is not None and sharing is not None
        async with db.session() as session:
            live.users = set((await session.execute(sharing)).scalars())

    def rows() -> Iterator[RecordRow]:
        while True:
            try:
                # __anext__() rather than anext(): the same object, but typed as the coroutine
                # run_coroutine_threadsafe asks for.
                batch = asyncio.run_coroutine_threadsafe(batches.__anext__(), loop).result()
                if sharing is not None:
                    asyncio.run_coroutine_threadsafe(read_sharing(), loop).result()
            except StopAsyncIteration:
                return
            yield from map(to_row, batch)

    try:
        return await asyncio.to_thread(write, rows())
    finally:
        await batches.aclose()


async def _async_batches(db: Database,
                         statement: Select[Any]) -> AsyncGenerator[Sequence[Any], None]:
    async with db.engine.connect() as connection:
        result = await connection.stream(statement.execution_options(yield_per=BATCH))
        async for partition in result.partitions(BATCH):
            yield partition


def _sqlite_export(url: str, statement: Select[Any], to_row: Callable[[Any], RecordRow],
                   write: Callable[[Iterator[RecordRow]], int],
                   sharing: Select[Any] | None = None, live: LiveSharing | None = None) -> int:
    """Straight from the sqlite3 driver: SQLAlchemy's result rows cost as much again as the
    reading. The statement's only parameters are the period's dates, a user id and an
    organisation's path, so they are rendered into the SQL text. Each statement reads the
    latest commit, so the sharing re-read between batches sees a change made meanwhile."""
    sql = _literal_sql(statement)
    sharing_sql = _literal_sql(sharing) if sharing is not None else None
    path = Path(make_url(url).database or "").resolve()
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)

    def batches() -> Iterator[list[Any]]:
        cursor = connection.execute(sql)
        while batch := cursor.fetchmany(BATCH):
            if sharing_sql is not None and live is not None:
                live.users = {row[0] for row in connection.execute(sharing_sql)}
            yield batch

    try:
        return write(map(to_row, chain.from_iterable(batches())))
    finally:
        connection.close()


def _literal_sql(statement: Select[Any]) -> str:
    return str(statement.compile(dialect=sqlite_dialect(),
                                 compile_kwargs={"literal_binds": True}))


async def place_names(db: Database, scope: str | None) -> dict[str, str]:
    """Each organisation of the subtree by its path, as "Ministry / Region / Hospital"."""
    if scope is None:
        return {}
    async with db.session() as session:
        found = (await session.scalars(select(Organisation).where(
            Organisation.path.startswith(scope, autoescape=True)))).all()
        top = [int(part) for part in scope.strip("/").split("/") if part]
        above = (await session.scalars(select(Organisation).where(
            Organisation.id.in_(top)))).all()
    names = {org.id: org.name for org in [*found, *above]}
    return {org.path: " / ".join(names.get(int(part), "…") for part in
                                 org.path.strip("/").split("/") if part) for org in found}


def _row_maker(library: Library, query: Query,
               evidence: dict[int, tuple[EvidenceFile, ...]], places: dict[str, str],
               live: LiveSharing | None) -> Callable[..., RecordRow]:
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
    amounts: dict[int, Decimal] = {}

    def to_row(row: Sequence[Any]) -> RecordRow:
        (record_id, user_id, first_name, activity_date, title, activity_type, category,
         minutes, credits, unit, framework_id, source, ai_assisted, rule, template_id,
         created_at, reflection_id, shares, place, staff_number, listed_name, *text) = row
        if type(activity_date) is str:  # as sqlite3 gives them
            activity_date = date.fromisoformat(activity_date)
            ai_assisted, shares = bool(ai_assisted), bool(shares)
        reflection = tags = None
        if with_text:
            answers, tags_text = text
            if type(answers) is str:
                answers = json.loads(answers)
            if share_all or (user_id in live.users if live is not None else shares):
                reflection = section_texts(template_id, answers) if answers else ()
                # Tags come from the note and the answers: they are reflective text too.
                tags = tuple(tags_text.split()) if tags_text else ()
        return RecordRow(
            record_id, user_id, listed_name or first_name or "", activity_date, title,
            activity_type,
            activity_names.get(activity_type, activity_type), category,
            category_names.get((framework_id, category), category), minutes,
            amounts.get(credits) or amounts.setdefault(credits, from_hundredths(credits)),
            unit, framework_id, source, ai_assisted,
            explanation(rule, credits, category, framework_id), tags or (), reflection,
            template_id, created_at, evidence.get(reflection_id, ()) if evidence else (),
            places.get(place, "") if place else "", staff_number or "")

    return to_row


def text_writer(out: BinaryIO, encoding: str,
                 write: Callable[[io.TextIOWrapper], int]) -> int:
    text = io.TextIOWrapper(out, encoding=encoding, newline="")
    try:
        return write(text)
    finally:
        text.flush()
        text.detach()
