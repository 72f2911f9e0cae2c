"""Organisation status benchmark: every member's standing (`bot.organisations.status.roster`)
for an organisation of 20,000 members with 1,000,000 CPD records, on SQLite and PostgreSQL.

The members sit in ten departments under one hospital under a ministry; the records are
spread over two years, so a year's roster reads about half of them. The query runs 20 times
after one warm-up, each on the ministry (the whole tree); the p95 must be at most 300 ms.

    python -m benchmarks.organisations [--members 20000] [--records 1000000]
                                       [--postgres URL]   (else a private server)
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable, Coroutine
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from benchmarks.seeding import insert_in_batches
from benchmarks.targets import Targets
from bot.config import normalise_database_url
from bot.library.loader import load_library
from bot.organisations import status, tree
from storage import credit_months
from storage.engine import Database
from storage.migrate import upgrade
from storage.models import CpdRecord, Membership, User, utcnow

P95_LIMIT_MS = 300
RUNS = 20


async def seed(url: str, members: int, records: int) -> int:
    """The tree, the members and their records; returns the ministry's id."""
    db = Database(url)
    now = utcnow()
    try:
        ministry = await tree.create(db, "Ministry", "benchmark", framework_id="ua_moh")
        hospital = await tree.create(db, "Hospital", "benchmark", ministry.id)
        departments = [await tree.create(db, f"Department {n}", "benchmark", hospital.id)
                       for n in range(10)]
        async with db.session.begin() as session:
            await session.execute(insert(User), [
                {"id": n, "first_name": f"Member {n}", "profession": "doctor",
                 "created_at": now, "share_reflections": False} for n in range(1, members + 1)])
            await session.execute(insert(Membership), [
                {"organisation_id": departments[n % 10].id, "user_id": n, "role": "member",
                 "status": "active", "share_reflections": False, "joined_at": now,
                 "staff_number": f"S{n:06d}"} for n in range(1, members + 1)])
        start = date(2025, 1, 1)
        await insert_in_batches(db, CpdRecord, ({
            "user_id": n % members + 1, "source": "import", "status": "active",
            "framework_id": "ua_moh", "activity_date": start + timedelta(days=n % 730),
            "activity_type": "event", "title": f"Event {n}", "minutes": 60,
            "category": "events", "unit": "point", "raw": 50, "credits": 50,
            "rule": {"rate": "0.5", "minutes": 60},
            "ai_assisted": False, "created_at": now, "updated_at": now}
            for n in range(records)))
        async with db.session.begin() as session:  # the rollup the records writer keeps
            await session.execute(credit_months.rebuild_statement(db.dialect))
        # A database in service has its statistics (autovacuum, or SQLite's optimize); a
        # freshly loaded one has none, and its first plans would be guesses.
        async with db.session.begin() as session:
            await session.execute(text("ANALYZE"))
        return ministry.id
    finally:
        await db.dispose()


async def measure(url: str, ministry_id: int, members: int) -> list[float]:
    db = Database(url)
    library = load_library()
    try:
        root = await tree.get(db, ministry_id)
        assert root is not None
        times = []
        for run in range(RUNS + 1):
            started = time.perf_counter()
            found = await status.roster(db, library, root, date(2026, 1, 1),
                                        date(2026, 12, 31), date(2026, 7, 1))
            if run:  # the first warms the caches
                times.append((time.perf_counter() - started) * 1000)
            assert len(found) == members, len(found)
        return times
    finally:
        await db.dispose()


def report(name: str, times: list[float], targets: Targets) -> None:
    p95 = statistics.quantiles(times, n=20)[18]
    verdict = targets.check(f"{name} roster p95 {p95:.0f} ms > {P95_LIMIT_MS} ms",
                            p95 <= P95_LIMIT_MS)
    print(f"{name}: roster of the whole tree: median {statistics.median(times):.0f} ms, "
          f"p95 {p95:.0f} ms (limit {P95_LIMIT_MS}) {verdict}")


async def migrated_and_seeded(url: str, name: str, members: int, records: int) -> int:
    """A fresh database of the benchmark's organisation; the ministry's id."""
    await asyncio.to_thread(upgrade, url)
    started = time.perf_counter()
    ministry_id = await seed(url, members, records)
    print(f"{name}: seeded {members:,} members and {records:,} records in "
          f"{time.perf_counter() - started:.1f} s")
    return ministry_id


async def run_on(url: str, name: str, members: int, records: int, targets: Targets) -> None:
    ministry_id = await migrated_and_seeded(url, name, members, records)
    report(name, await measure(url, ministry_id, members), targets)


RunOn = Callable[[str, str, int, int, Targets], Coroutine[Any, Any, None]]


def on_both_databases(run_on: RunOn, description: str, file_name: str) -> int:
    """The command line both organisation benchmarks share: SQLite in a temporary file, then
    PostgreSQL (`--postgres URL`, or a private server)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="an empty PostgreSQL database (else a private "
                        "server is started)")
    args = parser.parse_args()
    targets = Targets()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / file_name}"
        asyncio.run(run_on(url, "sqlite", args.members, args.records, targets))
    if args.postgres:
        asyncio.run(run_on(normalise_database_url(args.postgres), "postgresql", args.members,
                           args.records, targets))
    else:
        from tests.support.postgres import private_postgres

        with private_postgres() as server:
            asyncio.run(run_on(normalise_database_url(server.url), "postgresql",
                               args.members, args.records, targets))
    return targets.exit_code()


def main() -> int:
    return on_both_databases(run_on, __doc__.splitlines()[0], "organisations.sqlite3")


if __name__ == "__main__":
    raise SystemExit(main())
