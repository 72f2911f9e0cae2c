"""Where a clinician stands: credits this year and this cycle against the framework's targets,
minimums and item counts, and the pace needed to finish on time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from bot.cpd.periods import Period, cpd_year, cycle, expected_by
from bot.cpd.personal import framework_of, today_for, user_target
from bot.cpd.rules import from_hundredths
from bot.library.frameworks import Framework
from bot.library.loader import Library
from storage import credit_records, moments, reflections
from storage.engine import Database
from storage.models import CpdRecord, User


@dataclass(frozen=True)
class Line:
    """One figure against its goal: a category, a combined minimum or an item count."""

    name_id: str  # category id, or "combined:<n>" / "count:<n>"
    earned: Decimal
    minimum: Decimal | None = None
    maximum: Decimal | None = None

    @property
    def short_by(self) -> Decimal:
        return max((self.minimum or Decimal(0)) - self.earned, Decimal(0))


@dataclass(frozen=True)
class Standing:
    period: Period
    total: Decimal
    target: Decimal | None
    expected: Decimal | None  # where an even pace would be by today
    categories: list[Line]
    combined: list[Line]
    counts: list[Line]


def _matches_count(record: CpdRecord, templates: list[str], activities: list[str]) -> bool:
    return ((not templates or record.template_id in templates)
            and (not activities or record.activity_type in activities))


def standing(framework: Framework, records: Sequence[CpdRecord], period: Period,
             per: str, target: Decimal | None, today: date) -> Standing:
    """Totals for one period ("year" or "cycle") from the records of that framework."""
    inside = [record for record in records if record.activity_date in period]
    by_category = {name: Decimal(0) for name in framework.categories}
    for record in inside:
        by_category[record.category] = (by_category.get(record.category, Decimal(0))
                                        + from_hundredths(record.credits))
    lines = []
    for name, earned in by_category.items():
        spec = framework.categories.get(name)
        minimum = (spec.min_per_year if per == "year" else spec.min_per_cycle) if spec else None
        maximum = (spec.max_per_year if per == "year" else spec.max_per_cycle) if spec else None
        lines.append(Line(name, earned, minimum, maximum))
    combined = [Line(f"combined:{i}", sum((by_category.get(c, Decimal(0))
                                           for c in rule.categories), Decimal(0)), rule.amount)
                for i, rule in enumerate(framework.combined_minimums) if rule.per == per]
    counts = [Line(f"count:{i}", Decimal(sum(_matches_count(r, rule.templates, rule.activities)
                                             for r in inside)), Decimal(rule.minimum))
              for i, rule in enumerate(framework.item_counts) if rule.per == per]
    total = sum(by_category.values(), Decimal(0))
    expected = expected_by(target, period, today) if target is not None else None
    return Standing(period, total, target, expected, lines, combined, counts)


def year_and_cycle(framework: Framework, records: Sequence[CpdRecord], *, cycle_end: date | None,
                   target: Decimal | None, today: date) -> tuple[Standing, Standing | None]:
    """This CPD year, and the cycle when it is longer than a year."""
    mine = [record for record in records if record.framework_id == framework.id]
    year = standing(framework, mine, cpd_year(framework, today, cycle_end), "year", target,
                    today)
    if framework.cycle.years <= 1 and framework.cycle.target is None:
        return year, None
    period = cycle(framework, today, cycle_end, today)
    return year, standing(framework, mine, period, "cycle", framework.cycle.target, today)


def streak_weeks(activity_dates: Sequence[date], today: date) -> int:
    """Weeks in a row, ending this week or last, with at least one saved reflection."""
    weeks = {day - timedelta(days=day.weekday()) for day in activity_dates}
    current = today - timedelta(days=today.weekday())
    if current not in weeks:
        current -= timedelta(days=7)
    streak = 0
    while current in weeks:
        streak += 1
        current -= timedelta(days=7)
    return streak


@dataclass(frozen=True)
class Summary:
    framework: Framework
    year: Standing
    cycle: Standing | None
    reflections: int
    waiting: int  # moments not reflected on yet
    streak: int  # weeks
    months: list[date]  # first day of each month of this CPD year, up to today
    monthly: dict[str, list[Decimal]]  # category -> credits per month
    today: date
    this_week: Decimal  # credits from Monday to today, for the weekly digest


def _months(period: Period, today: date) -> list[date]:
    months, month = [], period.start.replace(day=1)
    while month <= min(today, period.end):
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


async def summary(db: Database, library: Library, user_id: int,
                  now: datetime | None = None) -> Summary | None:
    async with db.session() as session:
        user = await session.get(User, user_id)
        if user is None:
            return None
        records = await credit_records.active_of(session, user_id)
        dates = await reflections.saved_dates(session, user_id)
        waiting = await moments.count_inbox(session, user_id)
    framework = framework_of(library, user.framework_id)
    today = today_for(user, now)
    year, cycle_standing = year_and_cycle(framework, records, cycle_end=user.cycle_end,
                                          target=user_target(framework, user), today=today)
    months = _months(year.period, today)
    monthly = {name: [Decimal(0)] * len(months) for name in framework.categories}
    monday = today - timedelta(days=today.weekday())
    this_week = sum((from_hundredths(r.credits) for r in records if r.framework_id == framework.id
                     and monday <= r.activity_date <= today), Decimal(0))
    for record in records:
        if record.framework_id != framework.id or record.activity_date not in year.period:
            continue
        index = (record.activity_date.year - months[0].year) * 12 + (
            record.activity_date.month - months[0].month)
        if 0 <= index < len(months):
            series = monthly.setdefault(record.category, [Decimal(0)] * len(months))
            series[index] += from_hundredths(record.credits)
    return Summary(framework, year, cycle_standing, len(dates), waiting,
                   streak_weeks(dates, today), months, monthly, today, this_week)
