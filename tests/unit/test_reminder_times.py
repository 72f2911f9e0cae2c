"""When reminders fall due: local times across daylight-saving changes and odd offsets, and
schedules typed in four languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.reminders.times import (
    EVERY_DAY,
    WORKDAYS,
    Schedule,
    next_due,
    parse_schedule,
    parse_switch,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0,
        second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(("zone", "at", "after", "due"), [
    # EU spring forward (29 March 2026, 01:00 UTC): 09:00 Kyiv is 07:00 UTC before, 06:00 after.
    ("Europe/Kyiv", time(9), utc(2026, 3, 28, 8), utc(2026, 3, 29, 6)),
    ("Europe/Kyiv", time(9), utc(2026, 3, 27, 8), utc(2026, 3, 28, 7)),
    # EU fall back (25 October 2026).
    ("Europe/London", time(9), utc(2026, 10, 24, 9), utc(2026, 10, 25, 9)),
    ("Europe/London", time(9), utc(2026, 10, 23, 9), utc(2026, 10, 24, 8)),
    # US spring forward (8 March 2026): 02:30 doesn't exist; sent at 03:00 EDT.
    ("America/New_York", time(2, 30), utc(2026, 3, 8, 0), utc(2026, 3, 8, 7)),
    # US fall back (1 November 2026): 01:30 happens twice; sent at the first only...
    ("America/New_York", time(1, 30), utc(2026, 11, 1, 0), utc(2026, 11, 1, 5, 30)),
    # ...and not again an hour later.
    ("America/New_York", time(1, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)),
    ("Asia/Kathmandu", time(9), utc(2026, 11, 1), utc(2026, 11, 1, 3, 15)),  # +5:45
    # Chatham (+12:45, +13:45 in summer) skips 02:45-03:45 on 27 September 2026.
    ("Pacific/Chatham", time(2, 50), utc(2026, 9, 26), utc(2026, 9, 26, 14)),
    ("Pacific/Chatham", time(8), utc(2026, 9, 26), utc(2026, 9, 26, 18, 15)),
])  # fmt: skip
def test_next_due_follows_the_wall_clock(zone: str, at: time, after: datetime,
                                         due: datetime) -> None:
    assert next_due(Schedule(at, EVERY_DAY), zone, after) == due


def test_only_chosen_weekdays() -> None:
    friday_evening = utc(2026, 11, 20, 18)
    due = next_due(Schedule(time(9), WORKDAYS), "Europe/Madrid", friday_evening)
    assert due == utc(2026, 11, 23, 8)  # Monday 09:00 in Madrid


ZONES = ["Europe/Kyiv", "America/New_York", "Asia/Kathmandu", "Pacific/Chatham",
         "Asia/Almaty", "America/Santiago", "Australia/Lord_Howe", "UTC"]


@given(zone=st.sampled_from(ZONES), hour=st.integers(0, 23), minute=st.integers(0, 59),
       start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 1, 1)))
def test_daily_reminders_fire_once_a_local_day(zone: str, hour: int, minute: int,
                                               start: datetime) -> None:
    """Walking from due time to due time over a few weeks: strictly later each time, one per
    local day, never more than 26 hours apart, at the chosen time unless the clocks skipped
    it."""
    schedule = Schedule(time(hour, minute), EVERY_DAY)
    tz = ZoneInfo(zone)
    moment = start.replace(tzinfo=UTC)
    days: list[date] = []
    for _ in range(20):
        due = next_due(schedule, zone, moment)
        assert due > moment and (not days or due - moment <= timedelta(hours=26))
        local = due.astimezone(tz)
        days.append(local.date())
        if local.time() != schedule.at:  # only where the time didn't exist that day
            assert local.replace(tzinfo=None).time() > schedule.at
        moment = due
    assert len(set(days)) == len(days)


@pytest.mark.parametrize(("text", "at", "days"), [
    ("09:00 mon-fri", time(9), WORKDAYS),
    ("21:30 daily", time(21, 30), EVERY_DAY),
    ("вт чт 8:15", time(8, 15), {1, 3}),
    ("8.15 вт, чт", time(8, 15), {1, 3}),
    ("пн-пт 7:30", time(7, 30), WORKDAYS),
    ("каждый день 20:00", time(20), EVERY_DAY),
    ("щодня 20:00", time(20), EVERY_DAY),
    ("пн, ср і пт 18:45", time(18, 45), {0, 2, 4}),
    ("lun-vie 7:45", time(7, 45), WORKDAYS),
    ("sábado y domingo 10:00", time(10), {5, 6}),
    ("fri-mon 9:00", time(9), {4, 5, 6, 0}),
    ("weekdays 8:00", time(8), WORKDAYS),
    ("6:05", time(6, 5), EVERY_DAY),
])  # fmt: skip
def test_typed_schedules(text: str, at: time, days: set[int]) -> None:
    assert parse_schedule(text) == Schedule(at, frozenset(days))


@pytest.mark.parametrize("text", ["", "tomorrow", "25:00 daily", "9:00 bananas", "9 am"])
def test_unreadable_schedules(text: str) -> None:
    assert parse_schedule(text) is None


@pytest.mark.parametrize(("text", "on"), [
    ("on", True), ("OFF", False), ("pause", False), ("resume", True), ("вкл", True),
    ("Выкл", False), ("увімк", True), ("вимк", False), ("activo", True), ("pausa", False),
    (" off. ", False), ("07:45 mon-fri", None), ("later", None), ("", None),
])
def test_remind_on_and_off_in_every_language(text: str, on: bool | None) -> None:
    assert parse_switch(text) is on


@pytest.mark.parametrize(("text", "at", "days"), [
    ("09:00 күн сайын", time(9, 0), set(range(7))),
    ("08:15 жұмыс күндері", time(8, 15), set(range(5))),  # "күнде" (daily) is only its start
    ("дс жм 7:45", time(7, 45), {0, 4}),
    ("09:00 ყოველდღე", time(9, 0), set(range(7))),
    ("08:15 სამუშაო დღეებში", time(8, 15), set(range(5))),
    ("ორშ პარ 7:45", time(7, 45), {0, 4}),
    ("09:00 hər gün", time(9, 0), set(range(7))),
    ("08:15 iş günləri", time(8, 15), set(range(5))),
    ("b.e. c. 7:45", time(7, 45), {0, 4}),
])
def test_typed_schedules_in_kazakh_georgian_azerbaijani(text: str, at: time,
                                                        days: set[int]) -> None:
    schedule = parse_schedule(text)
    assert schedule is not None and (schedule.at, set(schedule.days)) == (at, days)


@pytest.mark.parametrize(("text", "on"), [
    ("өшіру", False), ("қосу", True), ("გამორთვა", False), ("ჩართვა", True),
    ("bağla", False), ("aç", True),
])
def test_remind_on_and_off_in_kazakh_georgian_azerbaijani(text: str, on: bool) -> None:
    assert parse_switch(text) is on
