"""Evidence rows: which captured file is evidence for which log entry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Evidence, LearningMoment
from storage.upsert import insert_for


async def attach(session: AsyncSession, user_id: int, reflection_id: int,
                 moment_id: int) -> bool:
    """Link the file to the entry; False if it was linked already (a repeated press)."""
    table = cast(Table, Evidence.__table__)
    result = await session.execute(
        insert_for(session, table)
        .on_conflict_do_nothing(index_elements=["reflection_id", "moment_id"]),
        [{"user_id": user_id, "reflection_id": reflection_id, "moment_id": moment_id}])
    return cast(CursorResult[Any], result).rowcount == 1


async def of_reflection(session: AsyncSession, user_id: int,
                        reflection_id: int) -> Sequence[tuple[Evidence, LearningMoment]]:
    """The entry's files, in the order they were attached."""
    rows = await session.execute(
        select(Evidence, LearningMoment).join(LearningMoment,
                                              LearningMoment.id == Evidence.moment_id)
        .where(Evidence.user_id == user_id, Evidence.reflection_id == reflection_id)
        .order_by(Evidence.id))
    return [(row[0], row[1]) for row in rows]


async def get_owned(session: AsyncSession, evidence_id: int, user_id: int) -> Evidence | None:
    return await session.scalar(select(Evidence).where(Evidence.id == evidence_id,
                                                       Evidence.user_id == user_id))


async def detach(session: AsyncSession, evidence: Evidence) -> None:
    await session.execute(delete(Evidence).where(Evidence.id == evidence.id))


async def still_attached(session: AsyncSession, moment_id: int) -> bool:
    """Whether the file is evidence for any entry (one file may prove two)."""
    return await session.scalar(
        select(Evidence.id).where(Evidence.moment_id == moment_id).limit(1)) is not None
