"""/remind: the four kinds of reminder, their times, quiet hours and pausing; the snooze
buttons under every reminder; and the sweep job that sends them (`bot.reminders.sweep`)."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.common.i18n import translator
from bot.organisations import nudges as org_nudges
from bot.reminders import schedules as reminders
from bot.reminders.messages import Nudge
from bot.reminders.schedules import View
from bot.reminders.sweep import Outcome, Report, Rules, Send, SlowDown, lead
from bot.reminders.times import (
    EVERY_DAY,
    WORKDAYS,
    Schedule,
    clock_time,
    describe_days,
    parse_quiet_hours,
    parse_schedule,
)
from bot.runtime.dispatch import instance_name
from bot.runtime.pacing import Pacer
from handlers.callback_data import (
    ORG_MESSAGES_OFF,
    MomentAction,
    Prefix,
    RemindAction,
    code_of,
    moment_button,
    pattern,
)
from handlers.capture.messages import capture_message
from handlers.common import (
    clock,
    config,
    database,
    edit_quietly,
    language_of,
    library,
    register_user,
)
from handlers.other import answer_expired
from storage import users
from storage.engine import Database
from storage.models import Reminder
from storage.vocabulary import Awaiting

log = logging.getLogger("cpdbot.reminders")
REMIND_PATTERN = pattern(Prefix.REMIND)
_BUTTON = re.compile(rf"^{Prefix.REMIND}:([a-z]{{1,2}})(?::([0-9a-z-]{{1,16}}))?$")
NUDGE_TIMES = (8 * 60, 12 * 60 + 30, 19 * 60, 21 * 60)
QUIET_SPELLS = (3, 7, 14)
QUIET_HOURS = ((22 * 60, 7 * 60), (23 * 60, 6 * 60))
ICONS = {"nudge": "🔔", "digest": "📅", "deadline": "⏰", "quiet": "🌱"}
Screen = tuple[str, InlineKeyboardMarkup]


def _button(label: str, action: RemindAction, argument: str | None = None) -> InlineKeyboardButton:
    data = f"{Prefix.REMIND}:{action}" + (f":{argument}" if argument else "")
    return InlineKeyboardButton(label, callback_data=data)


def _state(on: bool, language: str) -> str:
    _ = translator(language).gettext
    return _("on") if on else _("off")


def _schedule_text(row: Reminder, language: str) -> str:
    days = describe_days(reminders.weekdays(row.days), language)
    return f"{clock_time(row.local_minute)}, {days}"


def screen(view: View, language: str) -> Screen:
    translation = translator(language)
    _ = translation.gettext
    rows = view.reminders
    nudge, digest, deadline, quiet = (rows[kind] for kind in reminders.KINDS)
    deadline_text = (_("60, 30 and 7 days before {date}, if credits are short").format(
        date=view.cycle_end.strftime("%d.%m.%Y")) if view.cycle_end
        else _("set your appraisal or cycle date in /settings first"))
    spell = quiet.quiet_days or reminders.QUIET_SPELL_DAYS
    lines = [
        "⏰ " + _("Reminders (times in {zone})").format(zone=view.zone), "",
        f"{ICONS['nudge']} " + _("Reflection nudge: {schedule}, when moments are waiting — {state}")
        .format(schedule=_schedule_text(nudge, language), state=_state(nudge.active, language)),
        f"{ICONS['digest']} " + _("Weekly digest: {schedule} — {state}").format(
            schedule=_schedule_text(digest, language), state=_state(digest.active, language)),
        f"{ICONS['deadline']} " + _("Deadline warnings: {when} — {state}").format(
            when=deadline_text, state=_state(deadline.active, language)),
        f"{ICONS['quiet']} " + translation.ngettext(
            "Quiet spell: a word after {days} day with nothing new — {state}",
            "Quiet spell: a word after {days} days with nothing new — {state}", spell).format(
            days=spell, state=_state(quiet.active, language)),
        "🌙 " + (_("Quiet hours: {start}–{end}").format(
            start=clock_time(view.quiet_from), end=clock_time(view.quiet_until))
            if view.quiet_from is not None and view.quiet_until is not None
            else _("Quiet hours: none")),
    ]
    if view.paused:
        lines += ["", "⏸ " + _("All reminders are paused.")]
    lines += ["", _("A reminder comes only when there is something to do. Type a time and days "
                    "like “09:00 mon-fri” after pressing ⌨️.")]
    tick = "✓ "
    times = [_button((tick if nudge.local_minute == minute and nudge.active else "")
                     + clock_time(minute), RemindAction.TIME, f"{minute:04d}")
             for minute in NUDGE_TIMES]
    days = reminders.weekdays(nudge.days)
    keyboard = [
        times,
        [_button((tick if days == EVERY_DAY else "") + _("Every day"), RemindAction.DAYS, "all"),
         _button((tick if days == WORKDAYS else "") + _("Weekdays"), RemindAction.DAYS, "wk"),
         _button("⌨️ " + _("Type"), RemindAction.TYPE_TIME)],
        [_button(f"{ICONS[kind]} {_kind_name(kind, language)}: "
                 f"{_state(rows[kind].active, language)}", RemindAction.KIND, kind)
         for kind in ("nudge", "digest", "deadline")],
        [_button((tick if not quiet.active else "") + f"{ICONS['quiet']} " + _("off"),
                 RemindAction.QUIET_SPELL, "0"),
         *[_button((tick if quiet.active and spell == n else "")
                   + translation.ngettext("{days} day", "{days} days", n).format(days=n),
                   RemindAction.QUIET_SPELL, str(n)) for n in QUIET_SPELLS]],
        [*[_button(("✓ " if (view.quiet_from, view.quiet_until) == span else "")
                   + f"🌙 {clock_time(span[0])}–{clock_time(span[1])}", RemindAction.QUIET_HOURS,
                   f"{span[0]:04d}-{span[1]:04d}") for span in QUIET_HOURS],
         _button("🌙 " + _("none"), RemindAction.QUIET_HOURS, "off"),
         _button("⌨️ " + _("Type"), RemindAction.TYPE_QUIET_HOURS)],
        [_button("▶️ " + _("Resume all"), RemindAction.RESUME) if view.paused
         else _button("⏸ " + _("Pause all"), RemindAction.PAUSE)],
    ]
    return "\n".join(lines), InlineKeyboardMarkup(keyboard)


def _kind_name(kind: str, language: str) -> str:
    _ = translator(language).gettext
    return {"nudge": _("Nudge"), "digest": _("Digest"), "deadline": _("Deadlines"),
            "quiet": _("Quiet spell")}[kind]


async def show(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int,
               language: str) -> None:
    view = await reminders.view(database(context), user_id, clock(context))
    if view is not None:
        text, keyboard = screen(view, language)
        await context.bot.send_message(chat_id, text, reply_markup=keyboard)


async def on_remind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remind shows the screen; "/remind 07:45 mon-fri", "/remind off" and "/remind on" also
    change what they say first."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    language = await register_user(context, user)
    argument = " ".join(context.args or ())
    if not argument:
        await show(context, message.chat_id, user.id, language)
        return
    _ = translator(language).gettext
    db, now = database(context), clock(context)
    view = await reminders.set_from_text(db, user.id, argument, now)
    lead = "✅ " + _("Saved.")
    if view is None:
        view = await reminders.view(db, user.id, now)
        lead = "⚠️ " + _("I couldn't read “{argument}”. Send a time and days, like "
                         "/remind 09:00 mon-fri; /remind off pauses every reminder and "
                         "/remind on resumes them.").format(argument=argument)
    if view is not None:
        text, keyboard = screen(view, language)
        await message.reply_text(lead + "\n\n" + text, reply_markup=keyboard)


async def on_remind_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    match = _BUTTON.fullmatch(query.data or "")
    if match is None:
        await answer_expired(update, context)
        return
    action, argument = code_of(RemindAction, match[1]), match[2] or ""
    if action is None:
        await answer_expired(update, context)
        return
    user_id, db, now = query.from_user.id, database(context), clock(context)
    language = await language_of(context, query.from_user)
    _ = translator(language).gettext
    if action is RemindAction.SNOOZE:
        await _snooze(update, context, argument, language)
        return
    if action in (RemindAction.TYPE_TIME, RemindAction.TYPE_QUIET_HOURS):
        async with db.session.begin() as session:
            await users.expect_answer(
                session, user_id,
                Awaiting.REMIND_TIME if action is RemindAction.TYPE_TIME else Awaiting.QUIET_HOURS)
        await query.answer()
        prompt = (_("Type a time and days, like “09:00 mon-fri”, “21:30 daily” or “вт чт 8:15”.")
                  if action is RemindAction.TYPE_TIME
                  else _("Type your quiet hours, like “22:00-07:00”."))
        await context.bot.send_message(query.message.chat.id if query.message else user_id,
                                       "⌨️ " + prompt)
        return
    view = await _apply(db, user_id, action, argument, now)
    if view is None:
        await answer_expired(update, context)
        return
    await query.answer(_("Saved."))
    text, keyboard = screen(view, language)
    if query.message is not None:
        await edit_quietly(query.edit_message_text(text, reply_markup=keyboard))


async def _apply(db: Database, user_id: int, action: RemindAction, argument: str,
                 now: datetime) -> View | None:
    """One button's change; None for anything malformed, so a forged button changes nothing."""
    if action is RemindAction.TIME and argument.isdigit() and int(argument) in NUDGE_TIMES:
        at = time(*divmod(int(argument), 60))
        return await reminders.set_schedule(
            db, user_id, "nudge", lambda current: Schedule(at, current.days), now)
    if action is RemindAction.DAYS and argument in ("all", "wk"):
        days = EVERY_DAY if argument == "all" else WORKDAYS
        return await reminders.set_schedule(
            db, user_id, "nudge", lambda current: Schedule(current.at, days), now)
    if action is RemindAction.KIND and argument in ("nudge", "digest", "deadline"):
        return await reminders.set_kind(db, user_id, argument, None, now)
    if action is RemindAction.QUIET_SPELL and argument.isdigit():
        spell = int(argument)
        if spell == 0:
            return await reminders.set_kind(db, user_id, "quiet", False, now)
        return (await reminders.set_quiet_spell(db, user_id, spell, now)
                if spell in QUIET_SPELLS else None)
    if action is RemindAction.QUIET_HOURS:
        if argument == "off":
            return await reminders.set_quiet_hours(db, user_id, None, now)
        spans = {f"{a:04d}-{b:04d}": (a, b) for a, b in QUIET_HOURS}
        return (await reminders.set_quiet_hours(db, user_id, spans[argument], now)
                if argument in spans else None)
    if action is RemindAction.PAUSE:
        return await reminders.pause(db, user_id, now)
    if action is RemindAction.RESUME:
        return await reminders.resume(db, user_id, now)
    return None


async def _snooze(update: Update, context: ContextTypes.DEFAULT_TYPE, argument: str,
                  language: str) -> None:
    query = update.callback_query
    assert query is not None
    _ = translator(language).gettext
    kind, _sep, choice = argument.partition("-")
    row = await reminders.snooze(database(context), query.from_user.id, kind, choice,
                                 clock(context))
    if row is None:
        await answer_expired(update, context)
        return
    if choice == "off":
        note = _("Turned off. /remind turns it back on.")
    elif choice == "hour":
        note = _("I'll remind you in an hour.")
    else:
        note = _("I'll remind you tomorrow at {time}.").format(time=clock_time(row.local_minute))
    await query.answer(note)
    if isinstance(query.message, Message):  # the reminder's other buttons stay, ours go
        markup = query.message.reply_markup
        kept = [button for line in (markup.inline_keyboard if markup else ()) for button in line
                if not str(button.callback_data or "").startswith(f"{Prefix.REMIND}:")]
        await edit_quietly(query.edit_message_reply_markup(
            InlineKeyboardMarkup([kept]) if kept else None))


async def answer_typed(update: Update, context: ContextTypes.DEFAULT_TYPE, what: Awaiting,
                       argument: str) -> None:
    """A typed schedule or quiet hours, asked for by the ⌨️ buttons."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    language = await language_of(context, user)
    _ = translator(language).gettext
    db, now, text = database(context), clock(context), message.text or ""
    view: View | None = None
    if what is Awaiting.REMIND_TIME:
        schedule = parse_schedule(text)
        if schedule is not None:
            view = await reminders.set_schedule(db, user.id, "nudge", schedule, now)
    else:
        span = parse_quiet_hours(text)
        if span is not None:
            view = await reminders.set_quiet_hours(db, user.id, span, now)
    if view is None:
        await capture_message(update, context)  # it may have been a note after all: keep it
        problem = (_("I couldn't read a time and days. Try “09:00 mon-fri” or “21:30 daily”.")
                   if what is Awaiting.REMIND_TIME else
                   _("I couldn't read quiet hours. Try “22:00-07:00”."))
        await message.reply_text(problem, reply_markup=InlineKeyboardMarkup(
            [[_button(_("Try again"), RemindAction.TYPE_TIME if what is Awaiting.REMIND_TIME
                      else RemindAction.TYPE_QUIET_HOURS)]]))
        return
    text, keyboard = screen(view, language)
    await message.reply_text("✅ " + _("Saved.") + "\n\n" + text, reply_markup=keyboard)


async def on_private_member_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Blocking the bot stops reminders quietly; unblocking brings back those it stopped."""
    change = update.my_chat_member
    assert change is not None
    status = change.new_chat_member.status
    if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        await reminders.blocked(database(context), change.from_user.id)
    elif status == ChatMemberStatus.MEMBER:
        await reminders.unblocked(database(context), change.from_user.id, clock(context))


# -- sending -----------------------------------------------------------------------------

def nudge_keyboard(nudge: Nudge) -> dict[str, Any]:
    """The buttons under a reminder, as the Bot API's JSON: at 1000 reminders a second,
    building and serialising PTB's keyboard objects cost a fifth of each send's CPU."""
    if nudge.kind == org_nudges.KIND:
        return {"inline_keyboard": [[_org_messages_off(nudge.language)]]}
    rows: list[Any] = []
    if nudge.moment_id is not None:
        _ = translator(nudge.language).gettext
        rows.append([{"text": "✍️ " + _("Reflect now"),
                      "callback_data": moment_button(MomentAction.REFLECT, nudge.moment_id)}])
    rows.append(_snooze_row(nudge.language, nudge.kind))
    return {"inline_keyboard": rows}


@functools.lru_cache(maxsize=16)
def _org_messages_off(language: str) -> dict[str, str]:
    _ = translator(language).gettext
    return {"text": "🔕 " + _("No more messages from organisations"),
            "callback_data": ORG_MESSAGES_OFF}


@functools.lru_cache(maxsize=256)
def _snooze_row(language: str, kind: str) -> list[dict[str, str]]:
    _ = translator(language).gettext
    return [{"text": "⏰ " + _("In an hour"),
             "callback_data": f"{Prefix.REMIND}:{RemindAction.SNOOZE}:{kind}-hour"},
            {"text": "🌅 " + _("Tomorrow"),
             "callback_data": f"{Prefix.REMIND}:{RemindAction.SNOOZE}:{kind}-tomorrow"},
            {"text": "🔕 " + _("Turn off"),
             "callback_data": f"{Prefix.REMIND}:{RemindAction.SNOOZE}:{kind}-off"}]


def sender(bot: Bot, paid_broadcast: bool = False) -> Send:
    """Telegram's answers, as the sweep understands them. With `paid_broadcast` every message
    goes with allow_paid_broadcast: up to 1000 a second, paid in Telegram Stars."""
    paid = True if paid_broadcast else None  # None: the parameter is not sent at all

    async def send(nudge: Nudge) -> Outcome:
        try:
            await bot.send_message(nudge.chat_id, nudge.text, allow_paid_broadcast=paid,
                                   api_kwargs={"reply_markup": nudge_keyboard(nudge)})
        except RetryAfter as exc:
            wait = exc.retry_after
            raise SlowDown(wait.total_seconds() if isinstance(wait, timedelta)
                           else float(wait)) from None
        except Forbidden:
            return Outcome.BLOCKED
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                return Outcome.BLOCKED
            log.warning("reminder %s refused: %s", nudge.reminder_id, exc.message)
            return Outcome.FAILED
        except TelegramError as exc:  # network trouble: at most once, so it is not retried
            log.warning("reminder %s not sent: %s", nudge.reminder_id, type(exc).__name__)
            return Outcome.FAILED
        return Outcome.SENT
    return send


def rules(context: ContextTypes.DEFAULT_TYPE) -> Rules:
    settings = config(context).reminders
    return Rules(per_second=settings.max_per_second,
                 interval=timedelta(seconds=settings.sweep_seconds),
                 catch_up=timedelta(minutes=settings.catch_up_minutes))


async def sweep_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one APScheduler job: every `reminders.sweep_seconds`, whatever the number of users.
    Every instance runs it; only the holder of the leader lease sweeps (`lead`), so the
    instances together stay within `max_per_second`."""
    settings = config(context).reminders
    pacer = context.bot_data.setdefault("pacer", Pacer(settings.max_per_second))
    holder = context.bot_data.setdefault("sweep_holder", instance_name())
    db, swept = database(context), rules(context)
    send = sender(context.bot, settings.paid_broadcast)

    def officers_nudges(carry_on: Callable[[], bool]) -> Awaitable[Report]:
        return org_nudges.deliver(db, send, pacer, lambda: clock(context), swept, carry_on)

    report = await lead(db, library(context), send, pacer, lambda: clock(context), swept,
                        holder, then=officers_nudges)
    if report is None:
        log.debug("reminder sweep: another instance holds the lease")
    elif report:
        log.info("reminder sweep: %s", ", ".join(f"{k} {v}" for k, v in vars(report).items()
                                                  if v))
