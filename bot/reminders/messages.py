"""What each kind of reminder says, or None when there is nothing to do.

A nudge is only worth sending when it asks for something the user can do now: moments to
reflect on, a quiet spell to break, credits short before a deadline, or a week to look back on.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from babel.dates import format_timedelta
from sqlalchemy.ext.asyncio import AsyncSession

from bot.common.i18n import pick_language, translator
from bot.common.text import preview
from bot.cpd import progress
from bot.cpd.explain import UNIT_NAMES, amount, day, line_name, pace_line
from bot.cpd.personal import framework_of, today_for, user_target
from bot.cpd.progress import year_and_cycle
from bot.library.loader import Library
from storage import credit_records
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


@dataclass(frozen=True)
class Known:
    """What a round's nudges and quiet-spell messages need, read for all its users at once,
    so composing a thousand of them costs two queries, not two thousand."""

    inbox: dict[int, rows.InboxHead] = field(default_factory=dict)
    last_capture: dict[int, datetime] = field(default_factory=dict)


async def known_for(session: AsyncSession, claimed: Iterable[rows.Claimed]) -> Known:
    claimed = list(claimed)
    return Known(
        inbox=await rows.inbox_heads(session, {r.user_id for r in claimed if r.kind == "nudge"}),
        last_capture=await rows.last_captures(session, {r.user_id for r in claimed
                                                        if r.kind == "quiet"}))


async def compose(db: Database, library: Library, row: rows.Claimed, user: User,
                  now: datetime, known: Known | None = None) -> Nudge | None:
    """The message for one claimed row; `known` must cover the row's user (`known_for`)."""
    if known is None:
        async with db.session() as session:
            known = await known_for(session, [row])
    language = pick_language(user.language, user.telegram_language)
    made: Made
    if row.kind == "nudge":
        made = _waiting(known.inbox.get(user.id), now, language)
    elif row.kind == "quiet":
        made = _quiet_spell(row, user, known.last_capture.get(user.id), now, language)
    elif row.kind == "digest":
        made = await _digest(db, library, user, now, language)
    else:
        made = await _deadline(db, library, user, now, language)
    if made is None:
        return None
    text, moment_id = made
    return Nudge(row.id, user.id, row.kind, language, text, moment_id)


Made = tuple[str, int | None] | None


def _ago(delta: timedelta, language: str) -> str:
    """"3 hours ago", in the language. Babel takes ~60 µs a call, a tenth of a nudge's CPU at
    national scale, so answers are kept; past an hour, to the minute (babel rounds to the
    hour by then anyway)."""
    seconds = int(delta.total_seconds())
    if abs(seconds) >= 3600:
        seconds = seconds // 60 * 60
    return _ago_in(seconds, language)


@functools.lru_cache(maxsize=8192)
def _ago_in(seconds: int, language: str) -> str:
    return format_timedelta(timedelta(seconds=seconds), add_direction=True, locale=language)


def _waiting(inbox: rows.InboxHead | None, now: datetime, language: str) -> Made:
    if inbox is None:
        return None
    count = inbox.waiting
    translation = translator(language)
    _ = translation.gettext
    when = _ago(inbox.oldest_sent_at - now, language)
    note = preview(inbox.oldest_text, 200) if inbox.oldest_text.strip() else _("(no caption)")
    lines = ["🔔 " + translation.ngettext("{count} learning moment is waiting",
                                         "{count} learning moments are waiting",
                                         count).format(count=count),
             "", _("The oldest, from {when}:").format(when=when), f"«{note}»", "",
             _("A few minutes now, while you still remember it?")]
    return "\n".join(lines), inbox.oldest_id


def _quiet_spell(row: rows.Claimed, user: User, last: datetime | None, now: datetime,
                 language: str) -> Made:
    """Once per spell: nothing captured for N days, and not already said in the last N."""
    spell = timedelta(days=row.quiet_days or 7)
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


async def _digest(db: Database, library: Library, user: User, now: datetime,
                  language: str) -> Made:
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


async def _deadline(db: Database, library: Library, user: User, now: datetime,
                    language: str) -> Made:
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
