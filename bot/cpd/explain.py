"""How a record's credits came about, in words: for /log, and for every export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from bot.common.i18n import N_, translator
from bot.cpd.progress import Standing
from bot.library.frameworks import Framework

UNIT_NAMES = {"credit": N_("credits"), "hour": N_("hours"), "point": N_("points")}


@lru_cache(maxsize=4096)
def amount(value: Decimal | str, language: str) -> str:
    """The one way a number is written for people: 1.5 → "1.5" in English, "1,5" in Russian,
    50 → "50" (never "5E+1"), 1500 → "1 500". Cached: exports format millions of these."""
    return format_decimal(Decimal(value).normalize(), format="#,##0.##", locale=language)


def explain(rule: dict[str, Any], credits: Decimal, category: str,
            framework: Framework | None, language: str) -> str:
    """E.g. "1.5 h × 1 per hour = 1.5 credits; counts up to 10 a year (Personal)"."""
    _ = translator(language).gettext
    unit = _(UNIT_NAMES[framework.unit]) if framework else ""
    reason = rule.get("reason")
    if reason == "stated":
        text = _("{credits} {unit}, as stated in the imported record").format(
            credits=amount(rule.get("stated", credits), language), unit=unit)
    elif reason == "no_reflection":
        text = _("0: this framework counts an activity once its reflection is finished")
    elif reason == "no_time":
        text = _("0: no time recorded; add the time spent to count it")
    elif rule.get("per") == "item":
        text = _("{rate} {unit} per activity").format(rate=amount(rule["rate"], language),
                                                       unit=unit)
    else:
        hours = Decimal(rule.get("minutes") or 0) / 60
        text = _("{hours} h × {rate} per hour = {raw} {unit}").format(
            hours=amount(hours.quantize(Decimal("0.01")), language),
            rate=amount(rule["rate"], language),
            raw=amount((hours * Decimal(rule["rate"])).quantize(Decimal("0.01")), language),
            unit=unit)
        if Decimal(rule.get("step", "0.01")) != Decimal("0.01"):
            text += " " + _("(rounded to {step})").format(step=amount(rule["step"], language))
    cap = rule.get("cap")
    if cap:
        spec = framework.categories.get(category) if framework else None
        limit = amount(cap["limit"], language)
        text += "; " + (_("the cap of {limit} a year is reached, so {credits} count") if
                        cap["period"] == "year" else
                        _("the cap of {limit} a cycle is reached, so {credits} count")).format(
                            limit=limit, credits=amount(credits, language))
        if spec is not None:
            text += f" ({spec.name.in_(language)})"
    if rule.get("unconfirmed"):
        text += "; " + _("rate not yet confirmed")
    return text


def day(value: date, language: str) -> str:
    return format_date(value, format="medium", locale=language)


def line_name(framework: Framework, name_id: str, language: str) -> str:
    """A standing line's name: a category, a combined minimum or an item count."""
    kind, _, index = name_id.partition(":")
    if kind == "combined":
        return framework.combined_minimums[int(index)].name.in_(language)
    if kind == "count":
        return framework.item_counts[int(index)].name.in_(language)
    category = framework.categories.get(name_id)
    return category.name.in_(language) if category else name_id


def pace_line(standing: Standing, unit: str, language: str) -> str | None:
    """Ahead of or behind an even pace towards the target, or the target reached."""
    if standing.expected is None or not standing.target:
        return None
    _ = translator(language).gettext
    gap = standing.total - standing.expected
    when = day(standing.period.end, language)
    if standing.total >= standing.target:
        return "🏁 " + _("Target reached.")
    if gap < 0:
        return "⏳ " + _("{amount} {unit} behind pace for {date}").format(
            amount=amount(-gap, language), unit=unit, date=when)
    return "✅ " + _("On pace for {date} ({amount} {unit} ahead)").format(
        date=when, amount=amount(gap, language), unit=unit)
