"""Credit rules as pure functions: rates, rounding, per-item awards, caps, periods."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cpd.periods import Period, cpd_year, cycle, expected_by
from bot.cpd.rules import Entry, Placed, allocate, award, rounded
from bot.library.frameworks import Framework, Rounding

WORDS = {"en": "x", "ru": "x", "uk": "x", "es": "x"}


def framework(**overrides: Any) -> Framework:
    data: dict[str, Any] = {
        "id": "test", "order": 1, "name": WORDS, "issuer": "test",
        "source_url": "https://example.org", "valid_from": date(2020, 1, 1),
        "confidence": "confirmed", "unit": "credit", "reflection_required": False,
        "counts_when": WORDS,
        "categories": {"external": {"name": WORDS}, "personal": {"name": WORDS,
                                                                 "max_per_year": 10}},
        "rules": [
            {"activities": ["event"], "category": "external", "rate": 1, "per": "hour"},
            {"templates": ["point_of_care"], "needs_reflection": True, "category": "external",
             "rate": "0.5", "per": "item"},
            {"category": "personal", "rate": 1, "per": "hour"},
        ],
    }
    data.update(overrides)
    return Framework.model_validate(data)


def entry(activity: str = "reading", minutes: int | None = 60, template: str | None = "rolfe",
          complete: bool = True, day: date = date(2025, 6, 1)) -> Entry:
    return Entry(day, activity, template, minutes, complete)


def test_rate_times_hours_with_quarter_hour_rounding() -> None:
    ama = framework(rounding={"step": "0.25", "mode": "nearest"})
    # The reference's worked example: 85 minutes is 1.417 h, which rounds to 1.5.
    assert award(ama, entry(minutes=85)).raw == Decimal("1.50")
    assert award(ama, entry(minutes=7)).raw == Decimal("0.00")
    assert award(ama, entry(minutes=8)).raw == Decimal("0.25")
    assert award(ama, entry(minutes=60)).raw == Decimal("1.00")


def test_rounding_modes() -> None:
    assert rounded(Decimal("1.12"), Rounding(step=Decimal("0.25"), mode="down")) == Decimal("1.00")
    assert rounded(Decimal("1.01"), Rounding(step=Decimal("0.25"), mode="up")) == Decimal("1.25")
    assert rounded(Decimal("1.125"), Rounding(step=Decimal("0.25"))) == Decimal("1.25")
    assert rounded(Decimal("2.345"), Rounding()) == Decimal("2.35")


def test_per_item_ignores_time_and_needs_a_finished_reflection() -> None:
    rules = framework()
    done = award(rules, entry("point_of_care", minutes=None, template="point_of_care"))
    assert (done.category, done.raw, done.rule["per"]) == ("external", Decimal("0.50"), "item")
    # An unfinished cycle falls through to the next rule: personal, by the hour.
    unfinished = award(rules, entry("point_of_care", minutes=30, template="point_of_care",
                                    complete=False))
    assert (unfinished.category, unfinished.raw) == ("personal", Decimal("0.50"))


def test_no_time_and_missing_reflection_give_nothing_and_say_why() -> None:
    assert award(framework(), entry(minutes=None)).rule["reason"] == "no_time"
    strict = framework(reflection_required=True)
    result = award(strict, entry(minutes=120, complete=False))
    assert (result.raw, result.rule["reason"]) == (Decimal("0.00"), "no_reflection")


def test_stated_credits_are_kept() -> None:
    stated = Entry(date(2025, 1, 1), "event", None, 60, True, Decimal("3.5"))
    result = award(framework(), stated)
    assert (result.raw, result.rule["reason"]) == (Decimal("3.50"), "stated")


def test_yearly_cap_counts_earliest_first_and_resets_next_year() -> None:
    rules = framework()
    records = [Placed(i, date(2025, 1, 1) + timedelta(days=i), "personal", Decimal(4))
               for i in range(4)]
    records.append(Placed(99, date(2026, 1, 2), "personal", Decimal(4)))
    counted = allocate(rules, records, cycle_end=None, today=date(2026, 3, 1), target=None)
    assert [counted[i].credits for i in range(4)] == [4, 4, 2, 0]
    assert counted[2].cap == {"period": "year", "limit": "10", "start": "2025-01-01"}
    assert counted[99].credits == 4 and counted[99].cap is None


def test_share_of_target_cap_follows_the_users_target() -> None:
    rules = framework(categories={"course": {"name": WORDS, "max_share_of_year_target": "0.5"}},
                      rules=[{"category": "course", "rate": "0.5", "per": "hour"}])
    big = [Placed(1, date(2025, 3, 1), "course", Decimal(30))]
    assert allocate(rules, big, cycle_end=None, today=date(2025, 6, 1),
                    target=Decimal(50))[1].credits == 25
    assert allocate(rules, big, cycle_end=None, today=date(2025, 6, 1),
                    target=Decimal(30))[1].credits == 15


def test_cycle_cap_spans_years() -> None:
    rules = framework(cycle={"years": 3},
                      categories={"any": {"name": WORDS, "max_per_cycle": 5}},
                      rules=[{"category": "any", "rate": 1, "per": "hour"}])
    records = [Placed(i, date(2023 + i, 6, 1), "any", Decimal(3)) for i in range(3)]
    counted = allocate(rules, records, cycle_end=date(2025, 12, 31), today=date(2025, 7, 1),
                       target=None)
    assert [counted[i].credits for i in range(3)] == [3, 2, 0]


@given(st.lists(st.tuples(st.integers(0, 700), st.integers(0, 2000)), max_size=40))
def test_caps_are_never_exceeded_and_never_add(items: list[tuple[int, int]]) -> None:
    rules = framework()
    records = [Placed(i, date(2024, 1, 1) + timedelta(days=day), "personal",
                      Decimal(cents) / 100) for i, (day, cents) in enumerate(items)]
    counted = allocate(rules, records, cycle_end=None, today=date(2025, 12, 31), target=None)
    per_year: dict[int, Decimal] = {}
    for record in records:
        credits = counted[record.key].credits
        assert Decimal(0) <= credits <= record.raw
        per_year[record.activity_date.year] = per_year.get(record.activity_date.year, 0) + credits
    assert all(total <= 10 for total in per_year.values())
    for year in per_year:  # the cap binds only when the year's raw total passes it
        raw = sum(r.raw for r in records if r.activity_date.year == year)
        assert per_year[year] == min(raw, Decimal(10))


def test_fixed_year_start_and_appraisal_year() -> None:
    federation = framework(year={"starts": "04-01"})
    assert cpd_year(federation, date(2026, 3, 31)) == Period(date(2025, 4, 1), date(2026, 3, 31))
    assert cpd_year(federation, date(2026, 4, 1)) == Period(date(2026, 4, 1), date(2027, 3, 31))
    appraisal = framework(year={"starts": "appraisal"})
    assert cpd_year(appraisal, date(2026, 9, 30), date(2027, 9, 30)) == Period(
        date(2025, 10, 1), date(2026, 9, 30))
    assert cpd_year(appraisal, date(2026, 10, 1), date(2027, 9, 30)).start == date(2026, 10, 1)


def test_leap_years() -> None:
    calendar = framework()
    assert cpd_year(calendar, date(2024, 2, 29)).days == 366
    assert cpd_year(calendar, date(2025, 2, 28)).days == 365
    # An appraisal on 29 February: in other years the year ends on the 28th.
    appraisal = framework(year={"starts": "appraisal"})
    year = cpd_year(appraisal, date(2025, 2, 28), date(2028, 2, 29))
    assert year == Period(date(2024, 3, 1), date(2025, 2, 28))
    five = framework(cycle={"years": 5})
    current = cycle(five, date(2024, 2, 29), date(2028, 2, 29), date(2024, 3, 1))
    assert current == Period(date(2023, 3, 1), date(2028, 2, 29))


@given(st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.dates(date(2000, 1, 1),
       date(2099, 12, 31)), st.integers(1, 6))
def test_cycles_tile_time(day: date, cycle_end: date, years: int) -> None:
    rules = framework(cycle={"years": years})
    period = cycle(rules, day, cycle_end, date(2026, 1, 1))
    assert day in period
    # The cycle is N years long and ends on an anniversary of the cycle date.
    assert 365 * years - 1 <= period.days <= 366 * years + 1
    assert (period.end.month, period.end.day) in {(cycle_end.month, cycle_end.day), (2, 28)}
    assert (cycle_end.year - period.end.year) % years == 0
    following = period.end + timedelta(days=1)
    assert cycle(rules, following, cycle_end, date(2026, 1, 1)).start == following


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 1, 1), Decimal("0.14")), (date(2026, 7, 2), Decimal("25.07")),
    (date(2026, 12, 31), Decimal(50)), (date(2025, 12, 31), Decimal(0)),
])
def test_pace(today: date, expected: Decimal) -> None:
    assert expected_by(Decimal(50), Period(date(2026, 1, 1), date(2026, 12, 31)),
                       today) == expected
