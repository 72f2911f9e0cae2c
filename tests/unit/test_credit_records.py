"""The one writer of CPD records: idempotent, audited, recounting caps, keeping history."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.cpd import personal
from bot.cpd import records as credit_records
from bot.library.loader import load_library
from storage.engine import Database
from storage.models import AuditEvent, CpdRecord, Reflection, User, utcnow

LIBRARY = load_library()


async def _reflection(db: Database, user_id: int, day: date, minutes: int,
                      activity: str = "reading") -> int:
    async with db.session.begin() as session:
        if await session.get(User, user_id) is None:
            session.add(User(id=user_id, first_name="Ana", framework_id="uk_rcp_federation",
                             created_at=utcnow()))
            await session.flush()
        reflection = Reflection(
            user_id=user_id, template_id="quick_note", status="saved", step=2,
            answers={"note": "Read the sepsis guideline"}, activity_type=activity,
            activity_date=day, minutes=minutes, tags=[], tags_text="", search_text="",
            saved_at=utcnow(), updated_at=utcnow(), started_at=utcnow())
        session.add(reflection)
        await session.flush()
        await credit_records.sync_reflection(session, LIBRARY, reflection, "test")
        return reflection.id


async def _sync(db: Database, reflection_id: int, **changes: object) -> None:
    async with db.session.begin() as session:
        reflection = await session.get(Reflection, reflection_id)
        assert reflection is not None
        for name, value in changes.items():
            setattr(reflection, name, value)
        await credit_records.sync_reflection(session, LIBRARY, reflection, "test")


async def _state(db: Database, user_id: int) -> tuple[list[tuple[str, int, str]], list[str]]:
    async with db.session() as session:
        records = (await session.scalars(select(CpdRecord).where(
            CpdRecord.user_id == user_id).order_by(CpdRecord.id))).all()
        audit = (await session.scalars(select(AuditEvent).where(
            AuditEvent.user_id == user_id).order_by(AuditEvent.id))).all()
    return ([(r.category, r.credits, r.status) for r in records],
            [event.action for event in audit])


async def test_writing_twice_changes_nothing_and_edits_are_audited(db: Database) -> None:
    first = await _reflection(db, 1, date(2026, 5, 4), 90)
    await _sync(db, first)  # the same reflection again
    assert await _state(db, 1) == ([("personal", 150, "active")], ["create"])
    await _sync(db, first, minutes=120)
    await _sync(db, first, status="deleted")
    await _sync(db, first, status="saved")
    records, actions = await _state(db, 1)
    assert records == [("personal", 200, "active")]
    assert actions == ["create", "update", "void", "update"]
    async with db.session() as session:
        update = (await session.scalars(select(AuditEvent).where(
            AuditEvent.action == "update"))).first()
    assert update is not None
    assert (update.detail["before"]["credits"], update.detail["after"]["credits"]) == (
        "1.50", "2.00")


async def test_caps_recount_earlier_and_later_records(db: Database) -> None:
    # The Federation counts at most 10 personal credits a year (from 1 April).
    early = await _reflection(db, 2, date(2026, 5, 1), 480)  # 8
    late = await _reflection(db, 2, date(2026, 6, 1), 240)  # 4, of which 2 count
    assert (await _state(db, 2))[0] == [("personal", 800, "active"), ("personal", 200, "active")]
    await _sync(db, early, status="deleted")  # the later one now counts in full
    records, actions = await _state(db, 2)
    assert records == [("personal", 800, "void"), ("personal", 400, "active")]
    assert actions.count("recount") == 1
    await _sync(db, early, status="saved", minutes=600)  # 10: the cap is full again
    assert (await _state(db, 2))[0] == [("personal", 1000, "active"), ("personal", 0, "active")]
    async with db.session() as session:
        trimmed = await session.scalar(select(CpdRecord).where(CpdRecord.reflection_id == late))
    assert trimmed is not None and (trimmed.raw, trimmed.credits) == (400, 0)
    # The later record says which cap took it: the Federation's year from 1 April 2026.
    assert trimmed.rule["cap"] == {"period": "year", "limit": "10", "start": "2026-04-01"}


async def test_changing_framework_recounts_this_cycle_and_keeps_history(db: Database) -> None:
    old = await _reflection(db, 3, date(2020, 5, 1), 60)  # long before the current cycle
    new = await _reflection(db, 3, personal.today_for(User(time_zone=None)), 60)
    async with db.session.begin() as session:
        user = await session.get(User, 3)
        assert user is not None
        moved = await credit_records.switch_framework(session, LIBRARY, user, "us_ama_pra",
                                                      "test")
    assert moved == 1
    async with db.session() as session:
        frameworks = {r.reflection_id: r.framework_id for r in (await session.scalars(
            select(CpdRecord).where(CpdRecord.user_id == 3))).all()}
    assert frameworks == {old: "uk_rcp_federation", new: "us_ama_pra"}
    assert "reframe" in (await _state(db, 3))[1]
