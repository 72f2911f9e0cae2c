"""CPD record rows and the audit log, as the writer and the reports need them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEvent, CpdRecord
from storage.vocabulary import RecordStatus


async def for_reflection(session: AsyncSession, reflection_id: int) -> CpdRecord | None:
    return await session.scalar(select(CpdRecord).where(CpdRecord.reflection_id == reflection_id))


async def active_of(session: AsyncSession, user_id: int,
                    framework_id: str | None = None) -> Sequence[CpdRecord]:
    """A user's counting records, oldest first, optionally of one framework."""
    query = select(CpdRecord).where(CpdRecord.user_id == user_id,
                                    CpdRecord.status == RecordStatus.ACTIVE)
    if framework_id is not None:
        query = query.where(CpdRecord.framework_id == framework_id)
    return (await session.scalars(
        query.order_by(CpdRecord.activity_date, CpdRecord.id))).all()


def audit(session: AsyncSession, actor: str, action: str, *, user_id: int | None = None,
          record_id: int | None = None, **detail: Any) -> None:
    session.add(AuditEvent(actor=actor, action=action, user_id=user_id, record_id=record_id,
                           detail=detail))


async def imported_keys(session: AsyncSession, user_id: int) -> set[tuple[date, str]]:
    """(date, title) of the user's active imported records: a file sent twice adds nothing
    twice."""
    rows = await session.execute(select(CpdRecord.activity_date, CpdRecord.title).where(
        CpdRecord.user_id == user_id, CpdRecord.source == "import",
        CpdRecord.status == RecordStatus.ACTIVE))
    return {(day, title) for day, title in rows}
