"""Loading a benchmark's data fast: plain INSERTs of many rows, a batch per transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import insert

from storage.engine import Database

BATCH = 20_000


async def insert_in_batches(db: Database, model: Any, rows: Iterable[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            async with db.session.begin() as session:
                await session.execute(insert(model), batch)
            batch = []
    if batch:
        async with db.session.begin() as session:
            await session.execute(insert(model), batch)
