"""/summary: credits this year and this cycle against the targets, the pace, and a chart."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from babel.dates import format_date
from telegram import Update
from telegram.ext import ContextTypes

from bot.common.i18n import translator
from bot.cpd import progress
from bot.cpd.chart import monthly_chart
from bot.cpd.explain import UNIT_NAMES, amount, day, line_name, pace_line
from bot.cpd.progress import Standing, Summary
from bot.library.frameworks import Framework
from handlers.common import database, library, register_user


def _standing_lines(framework: Framework, standing: Standing, heading: str,
                    language: str) -> list[str]:
    _ = translator(language).gettext
    unit = _(UNIT_NAMES[framework.unit])
    period = f"{day(standing.period.start, language)} – {day(standing.period.end, language)}"
    if standing.target is not None:
        total = _("{earned} of {target} {unit}").format(
            earned=amount(standing.total, language), target=amount(standing.target, language),
            unit=unit)
    else:
        total = f"{amount(standing.total, language)} {unit}"
    lines = [f"{heading} ({period}): {total}"]
    for line in [*standing.categories, *standing.combined, *standing.counts]:
        if len(standing.categories) == 1 and line in standing.categories and not line.minimum:
            continue  # one category and no minimum: the total says it all
        text = f"• {line_name(framework, line.name_id, language)}: {amount(line.earned, language)}"
        if line.minimum:
            text += " " + _("(at least {minimum})").format(minimum=amount(line.minimum, language))
            text += " ✅" if not line.short_by else " " + _("— {short} to go").format(
                short=amount(line.short_by, language))
        elif line.maximum is not None:
            text += " " + _("(counts up to {maximum})").format(
                maximum=amount(line.maximum, language))
        lines.append(text)
    pace = pace_line(standing, unit, language)
    return [*lines, pace] if pace else lines


def summary_text(result: Summary, language: str) -> str:
    _ = translator(language).gettext
    framework = result.framework
    lines = ["📊 " + _("CPD: {framework}").format(framework=framework.name.in_(language)), ""]
    lines += _standing_lines(framework, result.year, _("This year"), language)
    if result.cycle is not None:
        lines += ["", *_standing_lines(framework, result.cycle, _("This cycle"), language)]
    lines += ["", "📝 " + _("Reflections saved: {count}").format(count=result.reflections),
              "📥 " + _("Moments waiting in /inbox: {count}").format(count=result.waiting),
              "🔥 " + _("Streak: {weeks} weeks in a row").format(weeks=result.streak)]
    if framework.unconfirmed:
        lines += ["", "⚠️ " + _("Some values of this framework are not yet confirmed; "
                                "/settings shows which framework you use.")]
    return "\n".join(lines)


def chart_png(result: Summary, language: str) -> bytes:
    _ = translator(language).gettext
    framework = result.framework
    target = result.year.target
    return monthly_chart(
        [format_date(month, format="LLL yyyy", locale=language) for month in result.months],
        [(framework.categories[name].name.in_(language) if name in framework.categories
          else name, values) for name, values in result.monthly.items() if any(values)],
        title=_("Credits by month, this CPD year"), unit_label=_(UNIT_NAMES[framework.unit]),
        monthly_target=(target / 12).quantize(Decimal("0.01")) if target else None,
        target_label=_("Monthly pace for the target"), language=language)


async def on_summary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    language = await register_user(context, user)
    result = await progress.summary(database(context), library(context), user.id)
    assert result is not None
    await message.reply_text(summary_text(result, language))
    png = await asyncio.to_thread(chart_png, result, language)
    await message.reply_photo(png, filename="cpd-summary.png")
