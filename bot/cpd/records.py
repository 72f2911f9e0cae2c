"""The one writer of CPD records: from saved reflections, imports and framework changes.

Every path that changes what counts goes through here, inside the caller's transaction, so a
record always matches its reflection. Writing is idempotent: the same reflection gives the
same record, and nothing (not even an audit line) is written when nothing changed. Every
change to a record's credits is audited with the figures before and after.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cpd.periods import cycle
from bot.cpd.personal import framework_of, today_for, user_target
from bot.cpd.rules import Entry, Placed, allocate, award, from_hundredths, to_hundredths
from bot.library.frameworks import Framework
from bot.library.loader import Library
from storage import credit_months, credit_records, moments
from storage.engine import Database
from storage.models import CpdRecord, Reflection, User, utcnow
from storage.vocabulary import RecordStatus, ReflectionStatus

TITLE_LENGTH = 200


@dataclass(frozen=True)
class ImportedRow:
    """One imported row ready to become a CPD record (the writer's own input type)."""

    line: int  # as a spreadsheet numbers it, the header being 1
    activity_date: date
    title: str
    activity_type: str
    minutes: int | None
    credits: Decimal | None  # as stated in the file; None lets the framework work it out


def reflection_complete(library: Library, reflection: Reflection) -> bool:
    template = library.templates.get(reflection.template_id)
    if template is None:
        return bool(reflection.answers)
    return all((reflection.answers.get(step.id) or "").strip()
               for step in template.steps if step.required)


def title_for(reflection: Reflection, moment_text: str) -> str:
    first_answer = next((text for text in reflection.answers.values() if text.strip()), "")
    return " ".join((reflection.title or moment_text or first_answer).split())[:TITLE_LENGTH] \
        or "—"


def _reflection_entry(library: Library, reflection: Reflection) -> Entry:
    return Entry(reflection.activity_date, reflection.activity_type, reflection.template_id,
                 reflection.minutes, reflection_complete(library, reflection))


def _import_entry(record: CpdRecord) -> Entry:
    stated = record.rule.get("stated")
    return Entry(record.activity_date, record.activity_type, None, record.minutes, True,
                 Decimal(stated) if stated is not None else None)


def _apply(record: CpdRecord, framework: Framework, entry: Entry) -> None:
    result = award(framework, entry)
    record.framework_id = framework.id
    record.unit = framework.unit
    record.category = result.category
    record.raw = to_hundredths(result.raw)
    record.rule = result.rule


def _figures(record: CpdRecord) -> dict[str, Any]:
    return {"framework": record.framework_id, "category": record.category,
            "credits": str(from_hundredths(record.credits)) if record.credits is not None
            else None, "status": record.status}


async def sync_reflection(session: AsyncSession, library: Library, reflection: Reflection,
                          actor: str) -> CpdRecord | None:
    """Make the reflection's record match it: created on save, recomputed on every edit,
    voided on delete and restored on undo. A record keeps the framework it was made under."""
    record = await credit_records.for_reflection(session, reflection.id)
    if reflection.status != ReflectionStatus.SAVED:
        if record is not None and record.status == RecordStatus.ACTIVE:
            was = _figures(record)
            record.status = RecordStatus.VOID
            record.updated_at = utcnow()
            credit_records.audit(session, actor, "void", user_id=record.user_id,
                                 record_id=record.id, before=was)
            user = await session.get(User, reflection.user_id)
            if user is not None:
                await reallocate(session, library, user, actor, [record.framework_id])
        return record
    user = await session.get(User, reflection.user_id)
    if user is None:
        return None
    moment_text = await _moment_text(session, reflection)
    before = _figures(record) if record is not None else None
    if record is None:
        record = CpdRecord(user_id=user.id, reflection_id=reflection.id, source="reflection",
                           credits=0, ai_assisted=False)
        session.add(record)
    framework = framework_of(library, record.framework_id or user.framework_id)
    record.status = RecordStatus.ACTIVE
    record.activity_date = reflection.activity_date
    record.activity_type = reflection.activity_type
    record.template_id = reflection.template_id
    record.title = title_for(reflection, moment_text)
    record.minutes = reflection.minutes
    record.ai_assisted = reflection.ai_assisted
    _apply(record, framework, _reflection_entry(library, reflection))
    if session.is_modified(record) or before is None:
        record.updated_at = utcnow()
        await session.flush()
        await reallocate(session, library, user, actor, [framework.id], quiet={record.id})
        after = _figures(record)
        if after != before:
            credit_records.audit(session, actor, "create" if before is None else "update",
                                 user_id=user.id, record_id=record.id, before=before,
                                 after=after, rule=record.rule)
    return record


async def add_imported(session: AsyncSession, library: Library, user: User,
                       rows: Sequence[ImportedRow], actor: str) -> list[CpdRecord]:
    """Past records from a file, under the user's framework. Stated credits are kept as
    they are; without them the framework's rules work the credits out from the hours."""
    framework = framework_of(library, user.framework_id)
    records = []
    for row in rows:
        record = CpdRecord(user_id=user.id, reflection_id=None, source="import",
                           status=RecordStatus.ACTIVE, activity_date=row.activity_date,
                           activity_type=row.activity_type, template_id=None, title=row.title,
                           minutes=row.minutes, credits=0, ai_assisted=False,
                           updated_at=utcnow())
        _apply(record, framework, Entry(row.activity_date, row.activity_type, None,
                                        row.minutes, True, row.credits))
        session.add(record)
        records.append(record)
    await session.flush()
    await reallocate(session, library, user, actor, [framework.id],
                     quiet={record.id for record in records})
    for record in records:
        credit_records.audit(session, actor, "import", user_id=user.id, record_id=record.id,
                             after=_figures(record), rule=record.rule)
    return records


async def record_for(db: Database, user_id: int, reflection_id: int) -> CpdRecord | None:
    """The CPD record of a user's own log entry, to show how its credits came about."""
    async with db.session() as session:
        record = await credit_records.for_reflection(session, reflection_id)
    return record if record is not None and record.user_id == user_id else None


async def _moment_text(session: AsyncSession, reflection: Reflection) -> str:
    if reflection.moment_id is None:
        return ""
    moment = await moments.get_owned(session, reflection.moment_id, reflection.user_id)
    return moment.text if moment else ""


async def reallocate(session: AsyncSession, library: Library, user: User, actor: str,
                     framework_ids: Iterable[str] | None = None,
                     quiet: set[int] | None = None) -> None:
    """Recount what each record counts after its category's caps, for the given frameworks
    (all of the user's, if None). Records in `quiet` are audited by the caller."""
    records = await credit_records.active_of(session, user.id)
    wanted = set(framework_ids) if framework_ids is not None else {r.framework_id
                                                                    for r in records}
    today = today_for(user)
    for framework_id in wanted:
        framework = framework_of(library, framework_id)
        group = [record for record in records if record.framework_id == framework_id]
        counted = allocate(
            framework,
            [Placed(r.id, r.activity_date, r.category, from_hundredths(r.raw)) for r in group],
            cycle_end=user.cycle_end, today=today, target=user_target(framework, user))
        for record in group:
            result = counted[record.id]
            credits = to_hundredths(result.credits)
            rule = {key: value for key, value in record.rule.items() if key != "cap"}
            if result.cap is not None:
                rule["cap"] = result.cap
            if credits == record.credits and rule == record.rule:
                continue
            before = _figures(record)
            record.credits = credits
            record.rule = rule
            record.updated_at = utcnow()
            if record.id not in (quiet or set()):
                credit_records.audit(session, actor, "recount", user_id=user.id,
                                     record_id=record.id, before=before,
                                     after=_figures(record), cap=result.cap)
    await credit_months.refresh(session, [user.id])  # every change of records ends here


async def switch_framework(session: AsyncSession, library: Library, user: User,
                           framework_id: str, actor: str) -> int:
    """Move the user to another framework. Records in its current cycle are recomputed under
    it; older ones keep the framework they were made under. Returns how many moved."""
    framework = framework_of(library, framework_id)
    user.framework_id = framework.id
    today = today_for(user)
    current = cycle(framework, today, user.cycle_end, today)
    moved = 0
    old_frameworks: set[str] = set()
    for record in await credit_records.active_of(session, user.id):
        if record.activity_date not in current or record.framework_id == framework.id:
            continue
        old_frameworks.add(record.framework_id)
        before = _figures(record)
        entry = (_reflection_entry(library, reflection)
                 if record.reflection_id is not None
                 and (reflection := await session.get(Reflection, record.reflection_id))
                 else _import_entry(record))
        _apply(record, framework, entry)
        record.updated_at = utcnow()
        credit_records.audit(session, actor, "reframe", user_id=user.id, record_id=record.id,
                             before=before, after=_figures(record), rule=record.rule)
        moved += 1
    await session.flush()
    await reallocate(session, library, user, actor, [framework.id, *old_frameworks])
    return moved
