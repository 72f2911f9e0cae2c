"""Reflection rows: drafts, log entries and the queries behind /reflect and /log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import delete, func, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Reflection
from storage.vocabulary import ReflectionStatus

DRAFT_STATUSES = (ReflectionStatus.OPEN, ReflectionStatus.PARKED)


async def get_owned(session: AsyncSession, reflection_id: int, user_id: int) -> Reflection | None:
    """The reflection, only if it belongs to this user."""
    return await session.scalar(select(Reflection).where(
        Reflection.id == reflection_id, Reflection.user_id == user_id))


async def open_of(session: AsyncSession, user_id: int) -> Reflection | None:
    return await session.scalar(select(Reflection).where(
        Reflection.user_id == user_id, Reflection.status == ReflectionStatus.OPEN))


async def for_moment(session: AsyncSession, user_id: int, moment_id: int) -> Reflection | None:
    """The draft or log entry already made from this moment (a deleted one doesn't count)."""
    return await session.scalar(
        select(Reflection)
        .where(Reflection.user_id == user_id, Reflection.moment_id == moment_id,
               Reflection.status.in_((*DRAFT_STATUSES, ReflectionStatus.SAVED)))
        .order_by(Reflection.id.desc()).limit(1))


async def parked_of(session: AsyncSession, user_id: int, limit: int) -> Sequence[Reflection]:
    return (await session.scalars(
        select(Reflection).where(Reflection.user_id == user_id,
                                 Reflection.status == ReflectionStatus.PARKED)
        .order_by(Reflection.updated_at.desc()).limit(limit))).all()


def _matching(user_id: int, words: Sequence[str], tags: Sequence[str]) -> list:
    conditions = [Reflection.user_id == user_id, Reflection.status == ReflectionStatus.SAVED]
    conditions += [Reflection.search_text.contains(word, autoescape=True) for word in words]
    conditions += [Reflection.tags_text.contains(f" {tag} ", autoescape=True) for tag in tags]
    return conditions


async def count_log(session: AsyncSession, user_id: int, words: Sequence[str],
                    tags: Sequence[str]) -> int:
    return await session.scalar(select(func.count()).select_from(Reflection)
                                .where(*_matching(user_id, words, tags))) or 0


async def search_log(
    session: AsyncSession, user_id: int, words: Sequence[str], tags: Sequence[str],
    limit: int, offset: int,
) -> Sequence[Reflection]:
    """Saved reflections, newest activity first, whose text has every word and every tag."""
    return (await session.scalars(
        select(Reflection).where(*_matching(user_id, words, tags))
        .order_by(Reflection.activity_date.desc(), Reflection.id.desc())
        .limit(limit).offset(offset))).all()


async def count_deleted_since(session: AsyncSession, user_id: int, since: datetime) -> int:
    return await session.scalar(
        select(func.count()).select_from(Reflection)
        .where(Reflection.user_id == user_id, Reflection.status == ReflectionStatus.DELETED,
               Reflection.deleted_at >= since)) or 0


async def deleted_since(
    session: AsyncSession, user_id: int, since: datetime, limit: int
) -> Sequence[Reflection]:
    return (await session.scalars(
        select(Reflection)
        .where(Reflection.user_id == user_id, Reflection.status == ReflectionStatus.DELETED,
               Reflection.deleted_at >= since)
        .order_by(Reflection.deleted_at.desc()).limit(limit))).all()


async def purge_deleted(session: AsyncSession, user_id: int, before: datetime) -> int:
    """Forget entries deleted before `before`: past the undo window they are gone for good."""
    result = cast(CursorResult[Any], await session.execute(delete(Reflection).where(
        Reflection.user_id == user_id, Reflection.status == ReflectionStatus.DELETED,
        Reflection.deleted_at < before)))
    return result.rowcount or 0


async def answered_since(session: AsyncSession, user_id: int, message_id: int) -> bool:
    """Whether a reflection took an answer from this message or a later one: an edited
    message that was never a moment is then one of the user's answers."""
    later = await session.scalar(select(func.count()).select_from(Reflection).where(
        Reflection.user_id == user_id, Reflection.last_message_id >= message_id))
    return bool(later)


async def saved_dates(session: AsyncSession, user_id: int) -> Sequence[date]:
    """The activity dates of every saved reflection, for counts and streaks."""
    return (await session.scalars(select(Reflection.activity_date).where(
        Reflection.user_id == user_id, Reflection.status == ReflectionStatus.SAVED))).all()
