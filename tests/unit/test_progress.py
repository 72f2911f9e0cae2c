"""/summary's figures: standing against targets, minimums, combined minimums and item counts,
the pace, the reflections saved and the weekly streak.

Every expected figure is worked out by hand from the framework files in prompts/frameworks
(the comments show the sums), never by asking the code under test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from bot.cpd.explain import pace_line
from bot.cpd.periods import Period
from bot.cpd.progress import Line, standing, streak_weeks, summary, year_and_cycle
from bot.library.loader import load_library
from handlers.cpd.summary import summary_text
from storage.engine import Database
from storage.models import CpdRecord, LearningMoment, Reflection, User

LIBRARY = load_library()
AU, NMC = LIBRARY.frameworks["au_mba"], LIBRARY.frameworks["uk_nmc"]
TODAY = date(2026, 7, 2)  # a Thursday; day 183 of 2026


def record(day: date, category: str, hours: str, activity: str = "reading",
           template: str | None = None, framework: str = "au_mba",
           status: str = "active") -> CpdRecord:
    hundredths = int(Decimal(hours) * 100)
    return CpdRecord(user_id=1, source="import", status=status, framework_id=framework,
                     activity_date=day, activity_type=activity, template_id=template,
                     title=f"{activity} on {day}", minutes=int(Decimal(hours) * 60),
                     category=category, unit="hour", raw=hundredths, credits=hundredths,
                     rule={}, ai_assisted=False)


# au_mba.toml: the year runs from 1 January, 50 hours; educational at least 12.5, reviewing
# performance at least 5, measuring outcomes at least 5, and the last two together at least 25.
AU_RECORDS = [
    record(date(2025, 12, 31), "educational", "20"),  # last year: not counted
    record(date(2026, 2, 10), "educational", "10"),
    record(date(2026, 3, 1), "educational", "4.5", activity="event"),
    record(date(2026, 4, 1), "reviewing_performance", "6", activity="case"),
]


def test_australia_categories_minimums_combined_minimum_and_pace() -> None:
    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    result = standing(AU, AU_RECORDS, year, "year", Decimal(50), TODAY)
    assert result.total == Decimal("20.5")  # 10 + 4.5 + 6
    assert result.target == Decimal(50)
    # An even pace: 50 × 183 / 365 = 25.068…, to the hundredth.
    assert result.expected == Decimal("25.07")
    assert result.categories == [
        Line("educational", Decimal("14.5"), Decimal("12.5")),
        Line("reviewing_performance", Decimal(6), Decimal(5)),
        Line("measuring_outcomes", Decimal(0), Decimal(5)),
    ]
    assert [line.short_by for line in result.categories] == [0, 0, 5]
    # Reviewing performance and measuring outcomes together: 6 + 0 of at least 25.
    assert result.combined == [Line("combined:0", Decimal(6), Decimal(25))]
    assert result.combined[0].short_by == Decimal(19)
    assert result.counts == []


# uk_nmc.toml: no yearly target; 35 hours in a 3-year cycle ending on the revalidation date, at
# least 20 participatory (events, cases, teaching, feedback); 5 reflective accounts on the NMC
# template and 5 pieces of feedback in the cycle.
NMC_RECORDS = [
    record(date(2024, 3, 31), "participatory", "10", activity="event",
           template="nmc_reflective_account", framework="uk_nmc"),  # the cycle before
    record(date(2024, 5, 1), "participatory", "3", activity="event",
           template="nmc_reflective_account", framework="uk_nmc"),
    record(date(2025, 6, 1), "participatory", "2", activity="feedback",
           template="nmc_reflective_account", framework="uk_nmc"),
    record(date(2025, 9, 1), "individual", "5", template="nmc_reflective_account",
           framework="uk_nmc"),
    record(date(2026, 5, 1), "participatory", "4", activity="feedback", template="gibbs",
           framework="uk_nmc"),
    record(date(2026, 6, 1), "individual", "1.5", template="reading", framework="uk_nmc"),
    record(date(2026, 6, 2), "cpd", "7", framework="uk_aomrc"),  # another framework's
]


def test_nmc_cycle_minimum_item_counts_and_pace() -> None:
    year, cycle = year_and_cycle(NMC, NMC_RECORDS, cycle_end=date(2027, 3, 31), target=None,
                                 today=TODAY)
    # The year runs from the revalidation date's anniversary: 1 April 2026 to 31 March 2027.
    assert year.period == Period(date(2026, 4, 1), date(2027, 3, 31))
    assert (year.total, year.target, year.expected) == (Decimal("5.5"), None, None)  # 4 + 1.5
    assert year.counts == [] and year.combined == []  # both counts are per cycle
    assert cycle is not None
    assert cycle.period == Period(date(2024, 4, 1), date(2027, 3, 31))
    assert (cycle.total, cycle.target) == (Decimal("15.5"), Decimal(35))  # 3 + 2 + 5 + 4 + 1.5
    # 823 of the cycle's 1,095 days are gone by 2 July 2026: 35 × 823 / 1095 = 26.306….
    assert cycle.expected == Decimal("26.31")
    assert cycle.categories == [Line("participatory", Decimal(9), Decimal(20)),
                                Line("individual", Decimal("6.5"))]
    assert cycle.categories[0].short_by == Decimal(11)
    # Three reflective accounts (May 2024, June and September 2025) and two feedback entries.
    assert cycle.counts == [Line("count:0", Decimal(3), Decimal(5)),
                            Line("count:1", Decimal(2), Decimal(5))]
    assert [line.short_by for line in cycle.counts] == [2, 3]


def test_streak_counts_weeks_in_a_row_ending_this_week_or_last() -> None:
    # Weeks start on Monday: TODAY's week starts on 29 June.
    assert streak_weeks([date(2026, 7, 1), date(2026, 6, 24), date(2026, 6, 16),
                         date(2026, 6, 3)], TODAY) == 3  # the week of 8 June is missing
    assert streak_weeks([date(2026, 6, 22), date(2026, 6, 15)], TODAY) == 2  # up to last week
    assert streak_weeks([date(2026, 6, 15)], TODAY) == 0  # two weeks ago: broken
    assert streak_weeks([], TODAY) == 0


async def seed_australian(db: Database) -> None:
    """A clinician in Sydney under the MBA, with the records above, four saved reflections,
    a deleted one, two moments waiting and one dropped."""
    async with db.session.begin() as session:
        session.add(User(id=1, first_name="Ana", telegram_language="en",
                         time_zone="Australia/Sydney", framework_id="au_mba",
                         profession="doctor", created_at=datetime(2025, 1, 1, tzinfo=UTC)))
        await session.flush()
        session.add_all([
            *AU_RECORDS,
            record(date(2026, 5, 1), "measuring_outcomes", "30", status="void"),  # voided
        ])
        for number, (day, status) in enumerate([
                (date(2026, 7, 1), "saved"), (date(2026, 6, 24), "saved"),
                (date(2026, 6, 16), "saved"), (date(2026, 6, 3), "saved"),
                (date(2026, 6, 9), "deleted")]):
            session.add(Reflection(
                user_id=1, template_id="quick_note", status=status, step=1,
                answers={"note": f"learned {number}"}, activity_type="reading",
                activity_date=day, minutes=60, tags=[], tags_text="", search_text=""))
        for number, status in enumerate(["new", "kept", "dropped"]):
            session.add(LearningMoment(user_id=1, chat_id=1, message_id=number + 1,
                                       kind="text", text=f"moment {number}", status=status,
                                       sent_at=datetime(2026, 6, 30, tzinfo=UTC)))


async def test_summary_in_words_for_australia(db: Database) -> None:
    await seed_australian(db)
    # 09:00 UTC is 19:00 on 2 July in Sydney.
    result = await summary(db, LIBRARY, 1, datetime(2026, 7, 2, 9, 0, tzinfo=UTC))
    assert result is not None
    assert (result.today, result.reflections, result.waiting, result.streak) == (
        TODAY, 4, 2, 3)
    assert result.cycle is None  # a one-year cycle without a target of its own
    # Monthly hours for the chart, January to July.
    assert result.monthly == {
        "educational": [0, 10, Decimal("4.5"), 0, 0, 0, 0],
        "reviewing_performance": [0, 0, 0, 6, 0, 0, 0],
        "measuring_outcomes": [0] * 7,
    }
    assert result.this_week == 0  # nothing dated from Monday 29 June
    assert summary_text(result, "en").splitlines() == [
        "📊 CPD: Australia: Medical Board of Australia",
        "",
        "This year (Jan 1, 2026 – Dec 31, 2026): 20.5 of 50 hours",
        "• Educational activities: 14.5 (at least 12.5) ✅",
        "• Reviewing performance: 6 (at least 5) ✅",
        "• Measuring outcomes: 0 (at least 5) — 5 to go",
        "• Reviewing performance and measuring outcomes: 6 (at least 25) — 19 to go",
        "⏳ 4.57 hours behind pace for Dec 31, 2026",  # 25.07 − 20.5
        "",
        "📝 Reflections saved: 4",
        "📥 Moments waiting in /inbox: 2",
        "🔥 Streak: 3 weeks in a row",
        "",
        "⚠️ Some values of this framework are not yet confirmed; /settings shows which "
        "framework you use.",
    ]


async def test_summary_in_words_for_an_nmc_nurse(db: Database) -> None:
    async with db.session.begin() as session:
        session.add(User(id=1, first_name="Ana", telegram_language="en",
                         time_zone="Europe/London", framework_id="uk_nmc",
                         profession="nurse", cycle_end=date(2027, 3, 31),
                         created_at=datetime(2024, 1, 1, tzinfo=UTC)))
        await session.flush()
        session.add_all(NMC_RECORDS)
    result = await summary(db, LIBRARY, 1, datetime(2026, 7, 2, 9, 0, tzinfo=UTC))
    assert result is not None
    lines = summary_text(result, "en").splitlines()
    assert lines[:14] == [
        "📊 CPD: UK nurses and midwives: NMC revalidation",
        "",
        "This year (Apr 1, 2026 – Mar 31, 2027): 5.5 hours",  # no yearly target
        "• Participatory learning: 4",
        "• Individual learning: 1.5",
        "",
        "This cycle (Apr 1, 2024 – Mar 31, 2027): 15.5 of 35 hours",
        "• Participatory learning: 9 (at least 20) — 11 to go",
        "• Individual learning: 6.5",
        "• Written reflective accounts: 3 (at least 5) — 2 to go",
        "• Pieces of practice-related feedback: 2 (at least 5) — 3 to go",
        "⏳ 10.81 hours behind pace for Mar 31, 2027",  # 26.31 − 15.5
        "",
        "📝 Reflections saved: 0",
    ]
    assert "🔥 Streak: 0 weeks in a row" in lines


def test_pace_ahead_and_target_reached() -> None:
    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    ahead = standing(AU, [record(date(2026, 1, 2), "educational", "30")], year, "year",
                     Decimal(50), TODAY)
    assert (ahead.total, ahead.expected) == (Decimal(30), Decimal("25.07"))
    assert pace_line(ahead, "hours", "en") == "✅ On pace for Dec 31, 2026 (4.93 hours ahead)"
    done = standing(AU, [record(date(2026, 1, 2), "educational", "50")], year, "year",
                    Decimal(50), TODAY)
    assert done.total == done.target == Decimal(50)
    assert pace_line(done, "hours", "en") == "🏁 Target reached."
    assert pace_line(standing(AU, [], year, "year", None, TODAY), "hours", "en") is None
    assert standing(AU, [], year, "year", Decimal(50), year.start - timedelta(days=1)
                    ).expected == 0  # before the year starts
