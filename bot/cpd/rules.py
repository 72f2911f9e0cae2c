"""Credit rules: how one activity becomes credits, and how caps trim a period's total.

Pure functions over a `Framework`, so every rule can be tested without a database. Amounts are
Decimals rounded to hundredths; the database keeps them as integer hundredths. Each award
carries a JSON-safe explanation (`rule`), which `/log` turns into a sentence and which shows
exactly what was applied: the rule, the rate, the time, the rounding and any cap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from bot.cpd.periods import cpd_year, cycle
from bot.library.frameworks import Framework, Rounding, Rule

CENT = Decimal("0.01")
_MODES = {"nearest": ROUND_HALF_UP, "down": ROUND_FLOOR, "up": ROUND_CEILING}


def to_hundredths(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(ROUND_HALF_UP))


def from_hundredths(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(CENT)


@dataclass(frozen=True)
class Entry:
    """What the rules look at in a saved reflection or an imported line."""

    activity_date: date
    activity_type: str
    template_id: str | None
    minutes: int | None
    reflection_complete: bool
    stated: Decimal | None = None  # credits an imported line states; the rules don't apply


@dataclass(frozen=True)
class Award:
    category: str
    raw: Decimal  # before the caps of its year and cycle
    rule: dict[str, Any]


def rounded(amount: Decimal, rounding: Rounding) -> Decimal:
    steps = (amount / rounding.step).quantize(Decimal(1), rounding=_MODES[rounding.mode])
    return (steps * rounding.step).quantize(CENT)


def matching_rule(framework: Framework, entry: Entry) -> tuple[int, Rule]:
    """The first rule for this activity and template. A rule that needs a finished reflection
    is passed over until there is one, so an unfinished point-of-care cycle still counts by
    the hour where the framework allows it. The last rule matches anything."""
    for index, rule in enumerate(framework.rules):
        if rule.activities and entry.activity_type not in rule.activities:
            continue
        if rule.templates and entry.template_id not in rule.templates:
            continue
        if rule.needs_reflection and not entry.reflection_complete:
            continue
        return index, rule
    return len(framework.rules) - 1, framework.rules[-1]


def award(framework: Framework, entry: Entry) -> Award:
    index, rule = matching_rule(framework, entry)
    rounding = rule.rounding or framework.rounding
    detail: dict[str, Any] = {
        "framework": framework.id, "rule": index, "rate": str(rule.rate), "per": rule.per,
        "minutes": entry.minutes, "step": str(rounding.step), "mode": rounding.mode,
    }
    if rule.unconfirmed:
        detail["unconfirmed"] = rule.unconfirmed
    if entry.stated is not None:
        detail["reason"] = "stated"
        detail["stated"] = str(entry.stated)
        return Award(rule.category, entry.stated.quantize(CENT), detail)
    if framework.reflection_required and not entry.reflection_complete:
        detail["reason"] = "no_reflection"
        return Award(rule.category, Decimal(0).quantize(CENT), detail)
    if rule.per == "item":
        amount = rule.rate
    elif entry.minutes:
        amount = rule.rate * Decimal(entry.minutes) / 60
    else:
        detail["reason"] = "no_time"
        return Award(rule.category, Decimal(0).quantize(CENT), detail)
    return Award(rule.category, rounded(amount, rounding), detail)


@dataclass(frozen=True)
class Placed:
    """A record taking its place in a period's caps."""

    key: int
    activity_date: date
    category: str
    raw: Decimal


@dataclass(frozen=True)
class Counted:
    credits: Decimal
    cap: dict[str, str] | None  # the cap that trimmed it: period, limit, start


def year_cap(framework: Framework, category: str, target: Decimal | None) -> Decimal | None:
    spec = framework.categories.get(category)
    if spec is None:
        return None
    caps = [spec.max_per_year] if spec.max_per_year is not None else []
    if spec.max_share_of_year_target is not None and target is not None:
        caps.append((spec.max_share_of_year_target * target).quantize(CENT))
    return min(caps) if caps else None


def allocate(framework: Framework, records: Iterable[Placed], *, cycle_end: date | None,
             today: date, target: Decimal | None) -> dict[int, Counted]:
    """Walk records in date order; each counts as far as its category's caps for its CPD year
    and cycle still allow. Earlier activities are counted first."""
    used: defaultdict[tuple[str, str, date], Decimal] = defaultdict(Decimal)
    counted: dict[int, Counted] = {}
    for record in sorted(records, key=lambda r: (r.activity_date, r.key)):
        spec = framework.categories.get(record.category)
        limits: list[tuple[str, Decimal, date]] = []
        cap = year_cap(framework, record.category, target)
        if cap is not None:
            limits.append(("year", cap, cpd_year(framework, record.activity_date, cycle_end).start))
        if spec is not None and spec.max_per_cycle is not None:
            limits.append(("cycle", spec.max_per_cycle,
                           cycle(framework, record.activity_date, cycle_end, today).start))
        credits, trimmed_by = record.raw, None
        for period, limit, start in limits:
            room = max(limit - used[(record.category, period, start)], Decimal(0))
            if room < credits:
                credits = room
                trimmed_by = {"period": period, "limit": str(limit), "start": start.isoformat()}
        for period, _, start in limits:
            used[(record.category, period, start)] += credits
        counted[record.key] = Counted(credits.quantize(CENT), trimmed_by)
    return counted
