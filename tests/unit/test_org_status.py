"""Members' standing for a period: the words, the pace, and the one query behind a roster."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.library.loader import load_library
from bot.organisations import members, status, tree
from bot.organisations.status import Status, expected_by, status_of
from storage import credit_months
from storage.engine import Database
from storage.models import CpdRecord, User
from storage.vocabulary import Role

LIBRARY = load_library()


@pytest.mark.parametrize(("credits", "expected", "word"), [
    ("50", "20", Status.DONE), ("60", "20", Status.DONE), ("20", "20", Status.ON_TRACK),
    ("19.99", "20", Status.BEHIND), ("10", "20", Status.BEHIND),
    ("9.99", "20", Status.AT_RISK), ("0", "20", Status.AT_RISK),
])
def test_the_words_follow_the_pace(credits: str, expected: str, word: Status) -> None:
    assert status_of(Decimal(credits), Decimal(50), Decimal(expected)) is word


def test_without_a_target_any_activity_is_on_track() -> None:
    assert status_of(Decimal("0.5"), None, None) is Status.ON_TRACK
    assert status_of(Decimal(0), None, None) is Status.AT_RISK


def test_the_pace_is_even_over_the_year() -> None:
    year = date(2026, 1, 1), date(2026, 12, 31)
    assert expected_by(Decimal(50), *year, date(2026, 7, 2)) == Decimal("25.07")
    assert expected_by(Decimal(50), *year, date(2025, 12, 1)) == 0  # not begun
    assert expected_by(Decimal(50), *year, date(2027, 3, 1)) == 50  # over: the whole target
    assert expected_by(None, *year, date(2026, 7, 2)) is None


async def test_a_roster_has_each_member_once_with_their_standing(db: Database) -> None:
    ministry = await tree.create(db, "Ministry", "test")
    hospital = await tree.create(db, "Hospital", "test", ministry.id, framework_id="ua_moh")
    ward = await tree.create(db, "Ward", "test", hospital.id)
    other = await tree.create(db, "Elsewhere", "test")
    async with db.session.begin() as session:
        session.add_all([User(id=uid, first_name=f"N{uid}", profession="doctor")
                         for uid in (1, 2, 3, 4)])
    for user_id, place in ((1, hospital), (2, ward), (3, hospital), (4, other)):
        await members.grant(db, place.id, user_id, Role.MEMBER, "test")
    await members.grant(db, ward.id, 1, Role.MEMBER, "test")  # in two of the subtree's
    async with db.session.begin() as session:
        for user_id, points, day in ((1, 5000, date(2026, 3, 1)), (2, 1500, date(2026, 5, 1)),
                                     (4, 9000, date(2026, 5, 1))):
            session.add(CpdRecord(user_id=user_id, source="import", framework_id="ua_moh",
                                  activity_date=day, activity_type="event", title="x",
                                  category="events", unit="point", raw=points, credits=points))
        await credit_months.refresh(session, [1, 2, 4])  # what bot.cpd.records does
    found = await status.roster(db, LIBRARY, ministry, date(2026, 1, 1), date(2026, 12, 31),
                                date(2026, 7, 2))
    by_user = {standing.user_id: standing for standing in found}
    assert sorted(by_user) == [1, 2, 3]  # once each; not the other tree's
    assert by_user[1].status is Status.DONE and by_user[1].credits == 50
    assert by_user[2].status is Status.BEHIND  # 15 of the 25.07 an even pace would have
    assert by_user[3].status is Status.AT_RISK and by_user[3].last_activity is None
    assert by_user[2].last_activity == date(2026, 5, 1)
    assert by_user[1].framework_id == "ua_moh"  # the hospital's default framework
    assert status.counts(found)[Status.DONE] == 1
    # Periods that cut months: the part-months come from the records themselves.
    for start, end, expected in ((date(2026, 3, 2), date(2026, 5, 1), {1: 0, 2: 15}),
                                 (date(2026, 2, 15), date(2026, 4, 30), {1: 50, 2: 0}),
                                 (date(2026, 3, 1), date(2026, 3, 1), {1: 50, 2: 0}),
                                 (date(2026, 5, 1), date(2026, 5, 31), {1: 0, 2: 15})):
        sums = {one.user_id: one.credits for one in await status.roster(
            db, LIBRARY, ministry, start, end, date(2026, 7, 2))}
        assert {key: sums[key] for key in expected} == expected, (start, end)
