"""The per-month credit rollup (`CreditMonth`): rebuilt from a user's records, and read for a
period as whole months from the rollup plus the part-months at its edges from the records.

Rebuilding a user's months from their records (a few hundred rows at most) after each change
is simpler to keep right than adjusting sums record by record, and every change of records
already ends in `bot.cpd.records.reallocate`, which calls it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Select, cast, delete, func, insert, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CpdRecord, CreditMonth
from storage.vocabulary import RecordStatus


def _month_of(column: Any, dialect: str) -> Any:
    if dialect == "postgresql":
        return cast(func.date_trunc("month", column), Date)
    return func.date(column, "start of month")


def rebuild_statement(dialect: str, user_ids: Iterable[int] | None = None) -> Any:
    """INSERT … SELECT of the months of these users (of everyone, if None)."""
    month = _month_of(CpdRecord.activity_date, dialect)
    source = (select(CpdRecord.user_id, month.label("month"), func.sum(CpdRecord.credits),
                     func.max(CpdRecord.activity_date))
              .where(CpdRecord.status == RecordStatus.ACTIVE)
              .group_by(CpdRecord.user_id, month))
    if user_ids is not None:
        source = source.where(CpdRecord.user_id.in_(set(user_ids)))
    return insert(CreditMonth).from_select(
        ["user_id", "month", "credits", "last_activity"], source)


async def refresh(session: AsyncSession, user_ids: Iterable[int]) -> None:
    """Rebuild these users' months from their records, in the caller's transaction."""
    wanted = set(user_ids)
    if not wanted:
        return
    await session.flush()  # the records' pending changes first
    await session.execute(delete(CreditMonth).where(CreditMonth.user_id.in_(wanted)))
    await session.execute(rebuild_statement(session.get_bind().dialect.name, wanted))


def period_sums(start: date, end: date, users: Any) -> Select[Any]:
    """user_id, credits (hundredths) and last activity date over [start, end] for the user
    ids `users` selects: whole months from the rollup, the part-months at the edges from the
    records themselves."""
    whole_from = start if start.day == 1 else (start.replace(day=1) + timedelta(days=32)
                                               ).replace(day=1)
    after = end + timedelta(days=1)
    whole_until = after if after.day == 1 else end.replace(day=1)  # exclusive
    parts: list[Select[int, int, date]] = []
    edges = [(start, end)]
    if whole_from < whole_until:
        parts.append(select(CreditMonth.user_id, CreditMonth.credits.label("credits"),
                            CreditMonth.last_activity.label("last"))
                     .where(CreditMonth.month >= whole_from, CreditMonth.month < whole_until,
                            CreditMonth.user_id.in_(users)))
        edges = [(start, whole_from - timedelta(days=1)), (whole_until, end)]
    for low, high in edges:
        if low <= high:
            parts.append(select(CpdRecord.user_id, CpdRecord.credits.label("credits"),
                                CpdRecord.activity_date.label("last"))
                         .where(CpdRecord.status == RecordStatus.ACTIVE,
                                CpdRecord.activity_date >= low, CpdRecord.activity_date <= high,
                                CpdRecord.user_id.in_(users)))
    rows = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("period_rows")
    return (select(rows.c.user_id, func.sum(rows.c.credits).label("credits"),
                   func.max(rows.c.last).label("last")).group_by(rows.c.user_id))


def monthly_totals(start: date, end: date, users: Any) -> Select[date, int]:
    """month, credits (hundredths): the months from `start`'s to `end`'s, summed over the
    user ids `users` selects (an overview's chart)."""
    return (select(CreditMonth.month, func.sum(CreditMonth.credits))
            .where(CreditMonth.month >= start.replace(day=1), CreditMonth.month <= end,
                   CreditMonth.user_id.in_(users))
            .group_by(CreditMonth.month).order_by(CreditMonth.month))
