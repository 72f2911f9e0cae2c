"""Large CSV exports written by one process per core over slices of the period, then joined.

One Python process turns about 80k records a second into CSV, over half of it reading them,
so a million-record administrator export goes nearly twice as fast on two cores when each
takes part of the period. Records are ordered by date first, so the slices join in order.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select

from bot.exports.csv_export import write_csv
from bot.exports.records import Query, Text, text_writer, with_records
from bot.library.loader import Library
from storage.engine import Database
from storage.models import CpdRecord

MIN_SLICE = 150_000  # records; a smaller export is done before more processes start


async def slices(db: Database, query: Query, workers: int | None = None,
                 min_slice: int = MIN_SLICE) -> list[Query]:
    """An all-users query cut into consecutive periods of about equal size, one per worker;
    just [query] when it is too small to be worth it. The sizes come from the date index
    alone (voided records included), which is quick and near enough."""
    workers = workers or os.cpu_count() or 1
    if query.user_id is not None or workers < 2:
        return [query]
    in_period = CpdRecord.activity_date.between(query.start, query.end)
    async with db.session() as session:
        total = await session.scalar(select(func.count()).where(in_period)) or 0
        parts = min(workers, total // min_slice)
        cuts = [await session.scalar(
            select(CpdRecord.activity_date).where(in_period).order_by(CpdRecord.activity_date)
            .offset(total * n // parts).limit(1)) for n in range(1, parts)]
    found, start = [], query.start
    for cut in sorted({cut for cut in cuts if cut is not None}):
        if start <= cut < query.end:
            found.append(replace(query, start=start, end=cut))
            start = cut + timedelta(days=1)
    return [*found, replace(query, start=start)]


async def write_csv_in_parts(db: Database, library: Library, parts: list[Query],
                             out: BinaryIO) -> int:
    """Each part in a process of its own into a file, then the files one after the other."""
    with_text = parts[0].text is not Text.NONE
    loop = asyncio.get_running_loop()
    # spawn, not fork: the bot's process has threads and open connections a fork would copy.
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="cpdbot-export-") as folder, \
            ProcessPoolExecutor(len(parts), mp_context=context) as pool:
        paths = [Path(folder) / f"part{n}.csv" for n in range(len(parts))]
        counts = await asyncio.gather(*(
            loop.run_in_executor(pool, _write_part, db.url, library, part, str(path))
            for part, path in zip(parts, paths, strict=True)))

        def join() -> None:
            # The header (with the byte-order mark) and then each part's lines.
            text_writer(out, "utf-8-sig", lambda text: write_csv(
                iter(()), text, with_reflection=with_text))
            for path in paths:
                with path.open("rb") as part:
                    shutil.copyfileobj(part, out, 1 << 20)

        await asyncio.to_thread(join)
    return sum(counts)


def _write_part(url: str, library: Library, query: Query, path: str) -> int:
    """In a worker process: one slice as CSV lines without a header."""
    with_text = query.text is not Text.NONE

    async def run(out: BinaryIO) -> int:
        db = Database(url)
        try:
            return await with_records(db, library, query, lambda rows: text_writer(
                out, "utf-8", lambda text: write_csv(
                    rows, text, with_reflection=with_text, with_header=False)))
        finally:
            await db.dispose()

    with open(path, "wb") as out:
        return asyncio.run(run(out))
