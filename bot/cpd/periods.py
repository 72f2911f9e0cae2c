"""CPD years and cycles: which period a day falls in, and how far through it we are.

A framework's year is fixed (the Federation's runs 1 April to 31 March) or runs from the
clinician's own appraisal date. A cycle of N years ends on the clinician's cycle date (their
revalidation or certification date); without one, cycles end with the CPD year that contains
today, so the current cycle is the last N years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bot.library.frameworks import Framework


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def anniversary(year: int, month: int, day: int) -> date:
    """The date in `year`; 29 February becomes the 28th when the year has none."""
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, 28)


def _ending_on(month: int, day_of_month: int, years: int, day: date, near: int) -> Period:
    """The period of `years` years holding `day`, where periods end on anniversaries of
    (month, day_of_month) in years congruent to `near` modulo `years`."""
    shift = (day.year - near) // years * years
    end = anniversary(near + shift, month, day_of_month)
    while end < day:
        shift += years
        end = anniversary(near + shift, month, day_of_month)
    while (previous := anniversary(near + shift - years, month, day_of_month)) >= day:
        shift -= years
        end = previous
    return Period(previous + timedelta(days=1), end)


def cpd_year(framework: Framework, day: date, cycle_end: date | None = None) -> Period:
    if framework.year.starts == "appraisal":
        if cycle_end is None:  # no date given yet: the calendar year
            return _ending_on(12, 31, 1, day, day.year)
        return _ending_on(cycle_end.month, cycle_end.day, 1, day, cycle_end.year)
    month, dom = (int(part) for part in framework.year.starts.split("-"))
    start = anniversary(day.year, month, dom)
    if start > day:
        start = anniversary(day.year - 1, month, dom)
    return Period(start, anniversary(start.year + 1, month, dom) - timedelta(days=1))


def cycle(framework: Framework, day: date, cycle_end: date | None, today: date) -> Period:
    """The cycle containing `day`: cycles tile time in steps of N years from the cycle end."""
    end = cycle_end or cpd_year(framework, today, cycle_end).end
    return _ending_on(end.month, end.day, framework.cycle.years, day, end.year)


def expected_by(target: Decimal, period: Period, today: date) -> Decimal:
    """How much of the target an even pace would have reached by the end of today."""
    if today < period.start:
        return Decimal(0)
    elapsed = min((today - period.start).days + 1, period.days)
    return (target * elapsed / period.days).quantize(Decimal("0.01"))
