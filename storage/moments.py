"""Learning-moment rows. Every state change is a conditional UPDATE, safe to repeat."""

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, tuple_, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import LearningMoment, utcnow
from storage.upsert import insert_for
from storage.vocabulary import MomentStatus

INBOX_STATUSES = (MomentStatus.NEW, MomentStatus.KEPT)


SourceKey = tuple[int, int]  # (chat_id, message_id): what makes a capture unique


async def insert_moments(
    session: AsyncSession, rows: Sequence[dict[str, Any]]
) -> dict[SourceKey, int]:
    """Insert every row whose source message is not stored yet; return the new ids."""
    now = utcnow()
    table = cast(Table, LearningMoment.__table__)  # a mapped class's table is a Table
    statement = (
        insert_for(session, table)
        .on_conflict_do_nothing(index_elements=["chat_id", "message_id"])
        .returning(table.c.id, table.c.chat_id, table.c.message_id)
    )
    result = await session.execute(
        statement, [{"stored_at": now, "status": MomentStatus.NEW, **row} for row in rows])
    return {(row.chat_id, row.message_id): row.id for row in result}


async def find_by_sources(
    session: AsyncSession, keys: Iterable[SourceKey]
) -> dict[SourceKey, tuple[int, int | None]]:
    """(id, ack_message_id) of the moments already stored for these source messages."""
    rows = await session.execute(
        select(LearningMoment.chat_id, LearningMoment.message_id, LearningMoment.id,
               LearningMoment.ack_message_id)
        .where(tuple_(LearningMoment.chat_id, LearningMoment.message_id).in_(list(keys)))
    )
    return {(row.chat_id, row.message_id): (row.id, row.ack_message_id) for row in rows}


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


async def set_ack_messages(session: AsyncSession, acks: Sequence[tuple[int, int]]) -> None:
    """Record (moment id, acknowledgement message id) pairs."""
    table = cast(Table, LearningMoment.__table__)  # a mapped class's table is a Table
    await session.execute(
        update(table).where(table.c.id == bindparam("moment_id"))
        .values(ack_message_id=bindparam("ack_id")),
        [{"moment_id": moment_id, "ack_id": ack_id} for moment_id, ack_id in acks],
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
    return cast(CursorResult[Any], result).rowcount == 1


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


async def oldest_in_inbox(session: AsyncSession, user_id: int) -> LearningMoment | None:
    return await session.scalar(
        select(LearningMoment)
        .where(LearningMoment.user_id == user_id, LearningMoment.status.in_(INBOX_STATUSES))
        .order_by(LearningMoment.sent_at, LearningMoment.id)
        .limit(1))
