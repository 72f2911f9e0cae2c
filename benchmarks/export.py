"""Export benchmark: rows per second and peak memory for CSV and XLSX over 1,000,000 CPD
records, and the time to build a 500-entry PDF portfolio.

Records are seeded into a real SQLite file (or the PostgreSQL server in --database). Each
export then runs in a fresh process, the way `cpdbot export --all` does, so its peak RSS is
its own: database streaming, row building and the writer together. The peak printed is the
largest of that process and the worker processes a large CSV export starts.

Every target printed gets a verdict, MET or MISSED (rows/s, peak RSS, the PDF's time, and that
every seeded record was exported); the exit code is 1 when any is missed.

    python -m benchmarks.export [--records 1000000] [--users 1000] [--database URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from benchmarks.seeding import insert_in_batches
from benchmarks.targets import Targets
from bot.config import normalise_database_url
from bot.exports.files import write_export
from bot.exports.records import Query, Text
from bot.library.loader import load_library
from storage.engine import Database
from storage.migrate import upgrade
from storage.models import CpdRecord, Reflection, User, utcnow

TARGETS = {"csv": 150_000, "xlsx": 40_000}
RSS_LIMIT_MB = 250
PDF_LIMIT_SECONDS = 10
PDF_USER = 10**9  # a clinician of their own, apart from the seeded ones
SECTION = ("Пациентка с лихорадкой и тахикардией: применил qSOFA и начал антибиотики в "
           "первый час. What I learned: reassess lactate, fluids 30 ml/kg. ") * 2


async def seed(url: str, records: int, users: int) -> None:
    db = Database(url)
    rng = random.Random(7)
    activities = ["reading", "event", "case", "point_of_care", "teaching", "feedback"]
    start = date(2025, 1, 1)
    rule = {"framework": "uk_aomrc", "rule": 0, "rate": "1", "per": "hour", "minutes": 60,
            "step": "0.25", "mode": "nearest"}
    now = utcnow()
    async with db.session.begin() as session:
        await session.execute(insert(User), [
            {"id": n, "first_name": f"Clinician {n}", "framework_id": "uk_aomrc",
             "created_at": now, "share_reflections": False} for n in range(1, users + 1)])
    def records_rows() -> Iterator[dict[str, Any]]:
        for n in range(records):
            minutes = rng.choice((15, 30, 45, 60, 90, 120))
            yield {
                "user_id": n % users + 1, "source": "reflection", "status": "active",
                "framework_id": "uk_aomrc", "activity_date": start + timedelta(days=n % 700),
                "activity_type": rng.choice(activities), "template_id": "rolfe",
                "title": f"Learning moment {n}: sepsis bundle update — сепсис",
                "minutes": minutes, "category": "cpd", "unit": "credit",
                "raw": minutes * 100 // 60, "credits": minutes * 100 // 60, "rule": rule,
                "ai_assisted": n % 10 == 0, "created_at": now, "updated_at": now}

    await insert_in_batches(db, CpdRecord, records_rows())
    await db.dispose()


async def seed_portfolio(url: str, entries: int) -> None:
    """One clinician with `entries` full reflections, for the PDF."""
    db = Database(url)
    now = utcnow()
    async with db.session.begin() as session:
        session.add(User(id=PDF_USER, first_name="Олена Коваленко", framework_id="uk_aomrc",
                         created_at=now))
        await session.flush()
        for n in range(entries):
            reflection = Reflection(
                user_id=PDF_USER, template_id="rolfe", status="saved", step=4,
                answers={"what": SECTION, "so_what": SECTION, "now_what": SECTION},
                activity_type="reading", activity_date=date(2026, 1, 1) + timedelta(days=n % 300),
                minutes=60, tags=[], tags_text="", search_text="", started_at=now,
                updated_at=now, saved_at=now, version=1)
            session.add(reflection)
            await session.flush()
            await session.execute(
                insert(CpdRecord).values(
                    user_id=PDF_USER, reflection_id=reflection.id, source="reflection",
                    status="active", framework_id="uk_aomrc",
                    activity_date=reflection.activity_date, activity_type="reading",
                    template_id="rolfe", title=f"Обзор по сепсису {n}", minutes=60,
                    category="cpd", unit="credit", raw=100, credits=100,
                    rule={"rate": "1", "per": "hour", "minutes": 60}, ai_assisted=n % 3 == 0,
                    created_at=now, updated_at=now))
    await db.dispose()


async def run_export(url: str, fmt: str, query: Query, path: Path) -> int:
    db = Database(url)
    try:
        with path.open("wb") as out:
            return await write_export(db, load_library(), query, fmt, out)
    finally:
        await db.dispose()


def worker(url: str, fmt: str, path: str) -> None:
    """One export in this process; prints rows, seconds and peak RSS as JSON."""
    began = time.perf_counter()
    query = Query(date(2000, 1, 1), date(2100, 1, 1), None, Text.NONE)
    rows = asyncio.run(run_export(url, fmt, query, Path(path)))
    seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # A large CSV is written by worker processes too (bot/exports/parallel.py): the largest.
    workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": max(peak_mb, workers_mb),
                      "bytes": Path(path).stat().st_size}))


def measure(url: str, fmt: str, folder: Path) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.export", "--worker", fmt, "--database", url,
         "--output", str(folder / f"export.{fmt}")],
        check=True, capture_output=True, text=True).stdout
    figures: dict[str, float] = json.loads(output.splitlines()[-1])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--pdf-entries", type=int, default=500)
    parser.add_argument("--database", help="an empty database URL (default: a temp SQLite)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.database, args.worker, args.output)
        return 0
    targets = Targets()
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        url = normalise_database_url(args.database or f"sqlite:///{folder / 'bench.sqlite3'}")
        upgrade(url)
        began = time.perf_counter()
        asyncio.run(seed(url, args.records, args.users))
        print(f"seeded {args.records:,} CPD records for {args.users:,} users "
              f"in {time.perf_counter() - began:.1f} s ({url.split(':')[0]})")
        for fmt in ("csv", "xlsx"):
            result = measure(url, fmt, folder)
            rate = result["rows"] / result["seconds"]
            fast = targets.check(f"{fmt} {rate:,.0f} rows/s < {TARGETS[fmt]:,}",
                                 rate >= TARGETS[fmt])
            small = targets.check(f"{fmt} peak RSS {result['peak_mb']:.0f} MB > {RSS_LIMIT_MB}",
                                  result["peak_mb"] <= RSS_LIMIT_MB)
            whole = targets.check(f"{fmt} exported {result['rows']:,} of {args.records:,} rows",
                                  result["rows"] == args.records)
            print(f"{fmt:5} {result['rows']:,} rows (of {args.records:,}: {whole}) in "
                  f"{result['seconds']:.1f} s: {rate:,.0f} rows/s (target ≥ {TARGETS[fmt]:,}) "
                  f"{fast}, peak RSS {result['peak_mb']:.0f} MB (limit {RSS_LIMIT_MB}) {small}, "
                  f"{result['bytes'] / 1e6:.0f} MB file")
        asyncio.run(seed_portfolio(url, args.pdf_entries))
        query = Query(date(2026, 1, 1), date(2026, 12, 31), PDF_USER, Text.ALL, "ru")
        began = time.perf_counter()
        entries = asyncio.run(run_export(url, "pdf", query, folder / "portfolio.pdf"))
        seconds = time.perf_counter() - began
        quick = targets.check(f"pdf {seconds:.1f} s > {PDF_LIMIT_SECONDS} s",
                              seconds <= PDF_LIMIT_SECONDS)
        whole = targets.check(f"pdf has {entries} of {args.pdf_entries} entries",
                              entries == args.pdf_entries)
        print(f"pdf   {entries} entries (of {args.pdf_entries}: {whole}) in {seconds:.1f} s "
              f"(limit {PDF_LIMIT_SECONDS} s) {quick}, "
              f"{(folder / 'portfolio.pdf').stat().st_size / 1e6:.1f} MB")
    return targets.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
