"""Leases: work one instance holds until it expires, taken over when its holder stops renewing.

Taking a lease is one INSERT ... ON CONFLICT DO UPDATE ... WHERE the old lease has expired or
is already ours: atomic on SQLite and PostgreSQL alike, so two instances can never both win.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Lease
from storage.upsert import insert_for


async def acquire(session: AsyncSession, keys: Iterable[str], holder: str, now: datetime,
                  until: datetime) -> set[str]:
    """Take every free (or expired, or already held) lease among `keys`; the ones won."""
    rows = [{"key": key, "holder": holder, "expires_at": until} for key in keys]
    if not rows:
        return set()
    table = cast(Table, Lease.__table__)
    insert = insert_for(session, table)
    statement = insert.on_conflict_do_update(
        index_elements=["key"],
        set_={"holder": insert.excluded.holder, "expires_at": insert.excluded.expires_at},
        where=(table.c.expires_at < now) | (table.c.holder == holder),
    ).returning(table.c.key)
    return set((await session.execute(statement, rows)).scalars())


async def renew(session: AsyncSession, keys: Iterable[str], holder: str,
                until: datetime) -> set[str]:
    """Extend our leases among `keys`; the ones still ours (a missing one was taken over)."""
    wanted = list(keys)
    if not wanted:
        return set()
    result = await session.execute(
        update(Lease).where(Lease.key.in_(wanted), Lease.holder == holder)
        .values(expires_at=until).returning(Lease.key))
    return set(result.scalars())


async def release(session: AsyncSession, keys: Iterable[str], holder: str) -> int:
    wanted = list(keys)
    if not wanted:
        return 0
    result = cast(CursorResult[Any], await session.execute(
        delete(Lease).where(Lease.key.in_(wanted), Lease.holder == holder)))
    return result.rowcount or 0
