"""What each kind of reminder says, or None when there is nothing to do.

A nudge is only worth sending when it asks for something the user can do now: moments to
reflect on, a quiet spell to break, credits short before a deadline, or a week to look back on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_timedelta

from bot.common.i18n import pick_language, translator
from bot.common.text import preview
from bot.cpd import progress
from bot.cpd.explain import UNIT_NAMES, amount, day, line_name, pace_line
from bot.cpd.personal import framework_of, today_for, user_target
from bot.cpd.progress import year_and_cycle
from bot.library.loader import Library
from storage import credit_records, moments
from storage import reminders as rows
from storage.engine import Database
from storage.models import User

DEADLINE_DAYS = (60, 30, 7)


@dataclass(frozen=True)
class Nudge:
    reminder_id: int
    chat_id: int  # private chats: the user's id
    kind: str
    language: str
    text: str
    moment_id: int | None = None  # the oldest waiting moment, for the reflect button


async def compose(db: Database, library: Library, row: rows.Claimed, user: User,
                  now: datetime) -> Nudge | None:
    language = pick_language(user.language, user.telegram_language)
    write = {"nudge": _waiting, "quiet": _quiet_spell, "digest": _digest,
             "deadline": _deadline}[row.kind]
    made = await write(db, library, row, user, now, language)
    if made is None:
        return None
    text, moment_id = made
    return Nudge(row.id, user.id, row.kind, language, text, moment_id)


Made = tuple[str, int | None] | None


async def _waiting(db: Database, _library: Library, _row: rows.Claimed, user: User,
                   now: datetime, language: str) -> Made:
    async with db.session() as session:
        count = await moments.count_inbox(session, user.id)
        oldest = await moments.oldest_in_inbox(session, user.id) if count else None
    if oldest is None:
        return None
    translation = translator(language)
    _ = translation.gettext
    when = format_timedelta(oldest.sent_at - now, add_direction=True, locale=language)
    note = preview(oldest.text, 200) if oldest.text.strip() else _("(no caption)")
    lines = ["🔔 " + translation.ngettext("{count} learning moment is waiting",
                                         "{count} learning moments are waiting",
                                         count).format(count=count),
             "", _("The oldest, from {when}:").format(when=when), f"«{note}»", "",
             _("A few minutes now, while you still remember it?")]
    return "\n".join(lines), oldest.id


async def _quiet_spell(db: Database, _library: Library, row: rows.Claimed, user: User,
                       now: datetime, language: str) -> Made:
    """Once per spell: nothing captured for N days, and not already said in the last N."""
    spell = timedelta(days=row.quiet_days or 7)
    async with db.session() as session:
        last = await rows.last_capture(session, user.id)
    since = last or user.created_at
    if now - since < spell or (row.last_sent_at is not None and now - row.last_sent_at < spell):
        return None
    translation = translator(language)
    days = (now - since).days
    text = "🌱 " + translation.ngettext(
        "Nothing new in your CPD notes for {days} day.",
        "Nothing new in your CPD notes for {days} days.", days).format(days=days)
    text += "\n" + translation.gettext("Learned something lately? Send me a line, a photo or a "
                                       "voice note, and reflect on it when you have time.")
    return text, None


async def _digest(db: Database, library: Library, _row: rows.Claimed, user: User,
                  now: datetime, language: str) -> Made:
    summary = await progress.summary(db, library, user.id, now)
    if summary is None or (summary.reflections == 0 and summary.waiting == 0
                           and summary.year.total == 0):
        return None  # nothing to look back on yet
    _ = translator(language).gettext
    framework = summary.framework
    unit = _(UNIT_NAMES[framework.unit])
    lines = ["📅 " + _("Your CPD week"), "",
             _("This week: {amount} {unit}").format(amount=amount(summary.this_week, language),
                                                    unit=unit)]
    year = summary.year
    if year.target is not None:
        lines.append(_("This year: {earned} of {target} {unit}").format(
            earned=amount(year.total, language), target=amount(year.target, language),
            unit=unit))
    else:
        lines.append(_("This year: {earned} {unit}").format(earned=amount(year.total, language),
                                                             unit=unit))
    pace = pace_line(year, unit, language)
    if pace:
        lines.append(pace)
    if summary.streak:
        lines.append("🔥 " + _("Weeks in a row with a reflection: {weeks}").format(
            weeks=summary.streak))
    if summary.waiting:
        lines.append("🗂 " + _("Waiting for reflection: {count} (see /inbox)").format(
            count=summary.waiting))
    return "\n".join(lines), None


async def _deadline(db: Database, library: Library, _row: rows.Claimed, user: User,
                    now: datetime, language: str) -> Made:
    """60, 30 and 7 days before the cycle date, and only if something is still short."""
    if user.cycle_end is None:
        return None
    today = today_for(user, now)
    left = (user.cycle_end - today).days
    if left not in DEADLINE_DAYS:
        return None
    async with db.session() as session:
        records = await credit_records.active_of(session, user.id)
    framework = framework_of(library, user.framework_id)
    year, cycle = year_and_cycle(framework, records, cycle_end=user.cycle_end,
                                 target=user_target(framework, user), today=today)
    standing = cycle if cycle is not None and cycle.period.end == user.cycle_end else year
    _ = translator(language).gettext
    unit = _(UNIT_NAMES[framework.unit])
    short = []
    if standing.target is not None and standing.total < standing.target:
        short.append("• " + _("In total: {amount} {unit}").format(
            amount=amount(standing.target - standing.total, language), unit=unit))
    for line in [*standing.categories, *standing.combined, *standing.counts]:
        if line.short_by:
            short.append(f"• {line_name(framework, line.name_id, language)}: "
                         f"{amount(line.short_by, language)}")
    if not short:
        return None
    lines = ["⏰ " + _("{days} days to your appraisal or cycle date ({date}).").format(
                 days=left, date=day(user.cycle_end, language)),
             _("Still short:"), *short, "", _("/summary shows the whole picture.")]
    return "\n".join(lines), None
