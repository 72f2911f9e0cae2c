"""Learning-moment rows. Every state change is a conditional UPDATE, safe to repeat."""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import LearningMoment, utcnow
from storage.upsert import insert_for

INBOX_STATUSES = ("new", "kept")


async def insert_moment(session: AsyncSession, values: dict[str, Any]) -> int | None:
    """Insert unless (chat_id, message_id) is already stored; return the new id or None."""
    statement = (
        insert_for(session, LearningMoment)
        .values(stored_at=utcnow(), status="new", **values)
        .on_conflict_do_nothing(index_elements=["chat_id", "message_id"])
        .returning(LearningMoment.id)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def find_by_source(
    session: AsyncSession, chat_id: int, message_id: int
) -> LearningMoment | None:
    return await session.scalar(
        select(LearningMoment).where(
            LearningMoment.chat_id == chat_id, LearningMoment.message_id == message_id
        )
    )


async def get_owned(session: AsyncSession, moment_id: int, user_id: int) -> LearningMoment | None:
    """The moment, only if it belongs to this user."""
    return await session.scalar(
        select(LearningMoment).where(
            LearningMoment.id == moment_id, LearningMoment.user_id == user_id
        )
    )


async def set_ack_message(session: AsyncSession, moment_id: int, ack_message_id: int) -> None:
    await session.execute(
        update(LearningMoment)
        .where(LearningMoment.id == moment_id)
        .values(ack_message_id=ack_message_id)
    )


async def update_content(
    session: AsyncSession, chat_id: int, message_id: int, values: dict[str, Any]
) -> int | None:
    """Apply an edited message's new content to its moment; return the moment id."""
    statement = (
        update(LearningMoment)
        .where(LearningMoment.chat_id == chat_id, LearningMoment.message_id == message_id)
        .values(edited_at=utcnow(), **values)
        .returning(LearningMoment.id)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def transition(
    session: AsyncSession,
    moment_id: int,
    user_id: int,
    from_statuses: Iterable[str],
    to_status: str,
    **extra: Any,
) -> bool:
    """Move a moment between states only from an expected state and only for its owner."""
    result = await session.execute(
        update(LearningMoment)
        .where(
            LearningMoment.id == moment_id,
            LearningMoment.user_id == user_id,
            LearningMoment.status.in_(tuple(from_statuses)),
        )
        .values(status=to_status, **extra)
    )
    return result.rowcount == 1


async def list_inbox(
    session: AsyncSession, user_id: int, limit: int, offset: int
) -> Sequence[LearningMoment]:
    return (
        await session.scalars(
            select(LearningMoment)
            .where(
                LearningMoment.user_id == user_id,
                LearningMoment.status.in_(INBOX_STATUSES),
            )
            .order_by(LearningMoment.sent_at.desc(), LearningMoment.id.desc())
            .limit(limit)
            .offset(offset)
        )
    ).all()


async def count_inbox(session: AsyncSession, user_id: int) -> int:
    return await session.scalar(
        select(func.count())
        .select_from(LearningMoment)
        .where(LearningMoment.user_id == user_id, LearningMoment.status.in_(INBOX_STATUSES))
    ) or 0
