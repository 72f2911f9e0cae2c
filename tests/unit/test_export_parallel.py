"""A large CSV export written by worker processes over slices of the period is the same file,
byte for byte, as one written in one go."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from sqlalchemy import insert

from bot.exports.files import write_export
from bot.exports.parallel import slices, write_csv_in_parts
from bot.exports.records import Query, Text
from bot.library.loader import load_library
from storage.engine import Database
from storage.models import CpdRecord, User
from tests.unit.test_export_writers import DOCUMENTED_COLUMNS

LIBRARY = load_library()


async def seed(db: Database) -> None:
    now = datetime(2026, 5, 1, 9, 30, 15, tzinfo=UTC)
    async with db.session.begin() as session:
        await session.execute(insert(User), [
            {"id": n, "first_name": f"Clinician, “{n}”", "framework_id": "uk_aomrc",
             "created_at": now} for n in (1, 2, 3)])
        await session.execute(insert(CpdRecord), [
            {"user_id": n % 3 + 1, "source": "import", "status": "void" if n % 7 == 0
             else "active", "framework_id": "uk_aomrc",
             "activity_date": date(2026, 1, 1) + timedelta(days=n // 4),
             "activity_type": "reading", "title": f"=Record {n}, with a comma",
             "minutes": 30 + n % 3 * 15, "category": "cpd", "unit": "credit",
             "raw": 50, "credits": 50, "rule": {"rate": "1", "per": "hour"},
             "ai_assisted": n % 2 == 0, "created_at": now + timedelta(hours=n),
             "updated_at": now} for n in range(200)])


async def test_slices_cover_the_period_without_overlap(db: Database) -> None:
    await seed(db)
    query = Query(date(2025, 1, 1), date(2027, 1, 1), None, Text.NONE)
    parts = await slices(db, query, workers=3, min_slice=10)
    assert len(parts) == 3 and parts[0].start == query.start and parts[-1].end == query.end
    for before, after in pairwise(parts):
        assert after.start == before.end + timedelta(days=1)
    assert await slices(db, query, workers=3, min_slice=1000) == [query]  # too small to split
    mine = Query(query.start, query.end, 1, Text.ALL)
    assert await slices(db, mine, workers=3, min_slice=1) == [mine]  # one clinician's: never


async def test_parts_join_into_the_same_file(db: Database) -> None:
    await seed(db)
    query = Query(date(2025, 1, 1), date(2027, 1, 1), None, Text.NONE, "ru")
    whole = io.BytesIO()
    count = await write_export(db, LIBRARY, query, "csv", whole)
    joined = io.BytesIO()
    parts = await slices(db, query, workers=2, min_slice=10)
    assert len(parts) == 2
    assert await write_csv_in_parts(db, LIBRARY, parts, joined) == count == 200 - 29
    assert joined.getvalue() == whole.getvalue()
    header = whole.getvalue().split(b"\r\n", 1)[0]
    assert header == ("\ufeff" + ",".join(DOCUMENTED_COLUMNS)).encode()  # once, at the top
    assert whole.getvalue().count(b"record_id,") == 1
    assert b'"Clinician, \xe2\x80\x9c1\xe2\x80\x9d"' in whole.getvalue()
    assert b",2026-05-01T10:30:15Z,,,\r\n" in whole.getvalue()  # recorded_at in UTC, to the second
