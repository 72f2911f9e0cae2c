"""Token use, calls and failures per user per UTC day, added with one upsert."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import LlmUsage
from storage.upsert import insert_for

COUNTERS = ("calls", "prompt_tokens", "completion_tokens", "failures", "audio_seconds")


async def add(session: AsyncSession, user_id: int, day: date, **amounts: int) -> None:
    values = {name: amounts.get(name, 0) for name in COUNTERS}
    statement = insert_for(session, LlmUsage.__table__).values(user_id=user_id, day=day, **values)
    await session.execute(statement.on_conflict_do_update(
        index_elements=["user_id", "day"],
        set_={name: getattr(LlmUsage.__table__.c, name) + statement.excluded[name]
              for name in COUNTERS}))


async def tokens_on(session: AsyncSession, user_id: int, day: date) -> int:
    row = (await session.execute(
        select(LlmUsage.prompt_tokens, LlmUsage.completion_tokens)
        .where(LlmUsage.user_id == user_id, LlmUsage.day == day))).first()
    return 0 if row is None else row.prompt_tokens + row.completion_tokens

