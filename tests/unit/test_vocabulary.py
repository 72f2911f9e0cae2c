"""What the database already holds keeps its meaning: statuses and pending typed answers are
read back from the strings earlier versions stored."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from storage import users
from storage.engine import Database
from storage.models import User
from storage.vocabulary import Awaiting, MomentStatus, RecordStatus, ReflectionStatus


def test_statuses_are_the_stored_strings() -> None:
    assert [s.value for s in MomentStatus] == ["new", "kept", "dropped", "reflected",
                                                  "evidence"]
    assert [s.value for s in ReflectionStatus] == ["open", "parked", "saved", "deleted"]
    assert [s.value for s in RecordStatus] == ["active", "void"]


@pytest.mark.parametrize(("stored", "expected"), [
    ("setting:zone", (Awaiting.ZONE, "")),
    ("setting:cycle", (Awaiting.CYCLE, "")),
    ("setting:target", (Awaiting.TARGET, "")),
    ("setting:exdates", (Awaiting.EXPORT_DATES, "")),
    ("setting:axdates", (Awaiting.ADMIN_EXPORT_DATES, "")),
    ("setting:remind", (Awaiting.REMIND_TIME, "")),
    ("setting:quiet", (Awaiting.QUIET_HOURS, "")),
    ("setting:import", (Awaiting.IMPORT_FILE, "")),
    ("setting:line:42", (Awaiting.VOICE_LINE, "42")),
    ("setting:evidence:7", (Awaiting.EVIDENCE_FILE, "7")),
    ("setting:something-newer", None),  # written by a later version: nothing we can answer
    ("step", None),  # a reflection's, not a typed answer outside one
])
async def test_pending_answers_stored_by_earlier_versions_read_back(
        db: Database, stored: str, expected: tuple[Awaiting, str] | None) -> None:
    async with db.session.begin() as session:
        session.add(User(id=77, language="en"))
    async with db.session.begin() as session:
        await session.execute(update(User).where(User.id == 77).values(input_field=stored))
    async with db.session() as session:
        assert await users.pending_answer(session, 77) == expected


async def test_expect_answer_writes_what_earlier_versions_wrote(db: Database) -> None:
    async with db.session.begin() as session:
        session.add(User(id=78, language="en"))
    cases: list[tuple[Awaiting | None, str | int, str | None]] = [
        (Awaiting.ZONE, "", "setting:zone"), (Awaiting.VOICE_LINE, 42, "setting:line:42"),
        (None, "", None)]
    for what, argument, stored in cases:
        async with db.session.begin() as session:
            await users.expect_answer(session, 78, what, argument)
        async with db.session() as session:
            user = await session.get(User, 78, populate_existing=True)
            assert user is not None and user.input_field == stored
