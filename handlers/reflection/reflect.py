"""Guided reflection in the chat: /reflect, the questions, and /skip, /back, /cancel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.assist.help import Result, offer
from bot.capture import moments
from bot.capture import store as capture
from bot.common.dates import DateProblem
from bot.common.i18n import N_, translator
from bot.common.text import preview
from bot.cpd import records as credit_records
from bot.evidence import attach as evidence
from bot.evidence.files import file_name
from bot.library.loader import Library
from bot.reflection import flow as reflections
from bot.reflection.flow import Answered, Begin, Cancelled, Move, Moved, Outcome, Stage
from handlers.assist import draft as assist
from handlers.assist.draft import provider
from handlers.callback_data import (
    MomentAction,
    ReflectionAction,
    moment_button,
    parse_moment_button,
    reflection_button,
)
from handlers.capture.messages import KIND_ICONS, capture_message, moment_from_message, sender_of
from handlers.common import config, database, language_of, library, send_screen, today_for
from handlers.other import answer_expired
from handlers.reflection import views
from storage.engine import Database
from storage.models import Reflection
from storage.vocabulary import ReflectionStatus

CANDIDATES_SHOWN = 6
KEPT_IN_INBOX = N_("(Your message is kept in /inbox too, in case it was a note.)")


async def present(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reflection: Reflection,
                  language: str) -> None:
    """Show where a reflection is: its current question, its summary card, or the entry."""
    lib = library(context)
    moment = (await moments.owned_moment(database(context), reflection.user_id,
                                         reflection.moment_id)
              if reflection.moment_id is not None else None)
    template = reflections.template_of(lib, reflection)
    if (reflection.status == ReflectionStatus.OPEN
            and reflections.stage_of(reflection, template) is not Stage.REVIEW):
        offer_help = offer(config(context), provider(context), reflection, moment)
        screen = views.question(lib, reflection, moment, language, offer_help)
    else:
        proposed = reflections.proposed_tags(lib, reflection, language,
                                             moment.text if moment else "")
        record = (await credit_records.record_for(database(context), reflection.user_id,
                                                  reflection.id)
                  if reflection.status == ReflectionStatus.SAVED else None)
        found = await evidence.files_of(database(context), reflection.user_id, reflection.id)
        names = [file_name(moment) for _link, moment in found[1]] if found else []
        screen = views.show(lib, reflection, proposed, language, record, names)
    await send_screen(context.bot, chat_id, screen)


async def present_begin(context: ContextTypes.DEFAULT_TYPE, chat_id: int, begun: Begin,
                        moment_id: int | None, language: str) -> None:
    _ = translator(language).gettext
    if begun.blocked_by is not None:
        await send_screen(context.bot, chat_id,
                          views.busy(library(context), begun.blocked_by, moment_id, language))
    elif begun.saved_already and begun.reflection is not None:
        await send_screen(context.bot, chat_id, (
            _("You have already reflected on this. It is in your /log."),
            InlineKeyboardMarkup([[InlineKeyboardButton(
                "📓 " + _("Open it"), callback_data=reflection_button(ReflectionAction.VIEW,
                                                                     begun.reflection.id))]]),
        ))
    elif begun.created and begun.reflection is not None and \
            await assist.wants_help(context, chat_id):
        await present_draft(context, chat_id, begun.reflection.id, language)
    elif begun.reflection is not None:
        await present(context, chat_id, begun.reflection, language)


async def present_draft(context: ContextTypes.DEFAULT_TYPE, user_id: int, reflection_id: int,
                        language: str, shown: str | None = None,
                        redacting: bool = False) -> bool:
    """Draft with AI help, then show the first question it left open, or the card. False if
    the reflection can no longer be drafted. `shown`, `redacting`: see `assist.draft`."""
    drafted = await assist.draft(context, user_id, reflection_id, language, shown, redacting)
    if drafted.result is Result.GONE:
        return False
    if drafted.result not in (Result.FLAGGED, Result.CONFIRM) and drafted.reflection is not None:
        await present(context, user_id, drafted.reflection, language)
    return True


async def on_reflect_now_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Reflect now" under a capture's acknowledgement."""
    query = update.callback_query
    assert query is not None
    button = parse_moment_button(query.data)
    user_id = query.from_user.id
    if button is None or button.action is not MomentAction.REFLECT or not await reflect_on(
            context, user_id, user_id, button.moment_id,
            await language_of(context, query.from_user)):
        await answer_expired(update, context)
        return
    await query.answer()


async def reflect_on(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int,
                     moment_id: int, language: str) -> bool:
    """Start or pick up the reflection on a moment; False if it isn't the user's to reflect on."""
    begun = await reflections.begin(database(context), library(context), user_id, moment_id)
    if begun is None:
        return False
    await present_begin(context, chat_id, begun, moment_id, language)
    return True


async def on_reflect(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reflect [text]: the reflection in progress, the only candidate, or a choice."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    db = database(context)
    language = await language_of(context, user)
    _ = translator(language).gettext
    typed = (message.text or "").partition(" ")[2].strip()
    if typed:  # "/reflect what I learned": keep it as a moment, then reflect on it
        new = moment_from_message(message)
        assert new is not None
        stored = await capture.store_capture(db, sender_of(update), replace(new, text=typed))
        assert stored.moment_id is not None
        await reflect_on(context, message.chat_id, user.id, stored.moment_id, language)
        return
    in_progress = await reflections.open_reflection(db, user.id)
    if in_progress is not None:
        begun = await reflections.resume(db, library(context), user.id, in_progress.id)
        if begun is not None:
            await present_begin(context, message.chat_id, begun, None, language)
        return
    drafts = await reflections.parked(db, user.id, CANDIDATES_SHOWN)
    drafted = {draft.moment_id for draft in drafts}
    waiting = [moment for moment in (await moments.inbox_page(db, user.id, 1)).items
               if moment.id not in drafted]
    if len(drafts) + len(waiting) == 0:
        await message.reply_text(_("Nothing is waiting for reflection. Send me what you "
                                   "learned, or type /reflect followed by it."))
        return
    if len(drafts) + len(waiting) == 1:
        if drafts:
            begun = await reflections.resume(db, library(context), user.id, drafts[0].id)
            if begun is not None:
                await present_begin(context, message.chat_id, begun, drafts[0].moment_id,
                                    language)
        else:
            await reflect_on(context, message.chat_id, user.id, waiting[0].id, language)
        return
    keyboard = [[InlineKeyboardButton("⏸ " + _("Draft:") + " " + _draft_label(draft, language),
                                      callback_data=reflection_button(ReflectionAction.CONTINUE,
                                                                      draft.id))]
                for draft in drafts]
    keyboard += [[InlineKeyboardButton(
        f"{KIND_ICONS.get(moment.kind, '📝')} "
        + (preview(moment.text, 50) if moment.text.strip() else _("(no caption)")),
        callback_data=moment_button(MomentAction.REFLECT, moment.id))]
                 for moment in waiting[: CANDIDATES_SHOWN - len(drafts)]]
    await message.reply_text(_("What do you want to reflect on?"),
                             reply_markup=InlineKeyboardMarkup(keyboard))


def _draft_label(draft: Reflection, language: str) -> str:
    first = next((answer for answer in draft.answers.values() if answer.strip()), "")
    return preview(first, 40) if first else views.day_label(draft.activity_date, language)


async def answer_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Use a text message as the answer the user owes; False if they owe none."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None and message.text is not None
    answered = await reflections.take_input(database(context), library(context), user.id,
                                            message.message_id, message.text,
                                            await today_for(context, user.id))
    if answered is None:
        return False
    language = await language_of(context, user)
    await _reply_to_answer(update, context, answered, language)
    return True


async def _reply_to_answer(update: Update, context: ContextTypes.DEFAULT_TYPE,
                           answered: Answered, language: str) -> None:
    message = update.effective_message
    assert message is not None
    _ = translator(language).gettext
    if answered.outcome in (Outcome.TOO_LONG, Outcome.BAD_DURATION, Outcome.BAD_DATE):
        await _keep_as_note(update, context)  # unusable as an answer, but never lost
    if answered.outcome in (Outcome.NEXT, Outcome.EDITED):
        await present(context, message.chat_id, answered.reflection, language)
    elif answered.outcome is Outcome.TOO_LONG:
        await message.reply_text(_(
            "That is {length} characters; this answer takes up to {limit}. I kept the whole "
            "text in your /inbox, so nothing is lost. Please send a shorter answer."
        ).format(length=len(message.text or ""), limit=answered.limit))
    elif answered.outcome is Outcome.BAD_DURATION:
        await message.reply_text(_("I couldn't read a time from that. Try “20 min”, “1.5 h” "
                                   "or “полчаса”, or pick a button.") + " " + _(KEPT_IN_INBOX))
    elif answered.outcome is Outcome.BAD_DATE:
        await message.reply_text({
            DateProblem.IN_FUTURE: _("That date is in the future. A reflection can be dated "
                                     "today or earlier."),
            DateProblem.TOO_OLD: _("That is more than 12 months ago. Pick a date within the "
                                   "last year."),
        }.get(answered.date_problem or DateProblem.UNREADABLE,
              _("I couldn't read a date. Try “12.03”, “yesterday” or “3 days ago”."))
            + " " + _(KEPT_IN_INBOX))
    elif answered.outcome is Outcome.NOTE:
        await present_draft(context, message.chat_id, answered.reflection.id, language)
    elif answered.outcome is Outcome.PARKED:
        await capture_message(update, context)
        await message.reply_text(_("⏸ Your unfinished reflection was idle, so I parked it. "
                                   "/reflect picks it up again."))


async def _keep_as_note(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store the message as a moment without acknowledging it; the reply explains."""
    message = update.effective_message
    assert message is not None
    new = moment_from_message(message)
    assert new is not None
    await capture.store_capture(database(context), sender_of(update), new)


async def on_skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _move(update, context, reflections.skip)


async def on_back(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _move(update, context, reflections.back)


async def _move(update: Update, context: ContextTypes.DEFAULT_TYPE,
                move: Callable[[Database, Library, int], Awaitable[Moved | None]]) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    language = await language_of(context, user)
    moved = await move(database(context), library(context), user.id)
    await report_move(context, message.chat_id, moved, language)


async def report_move(context: ContextTypes.DEFAULT_TYPE, chat_id: int,
                      moved: Moved | None, language: str) -> None:
    _ = translator(language).gettext
    if moved is not None and moved.move is Move.NOTHING and moved.reflection is not None:
        await present(context, chat_id, moved.reflection, language)  # at its summary card
    elif moved is None or moved.move is Move.NOTHING:
        await context.bot.send_message(chat_id, _(
            "There is no question to answer right now. /reflect starts a reflection."))
    elif moved.move is Move.REQUIRED:
        await context.bot.send_message(chat_id, _(
            "This question needs an answer; a sentence is enough. /cancel stops for now."))
    elif moved.move is Move.FIRST:
        await context.bot.send_message(chat_id, _("This is the first question."))
    elif moved.reflection is not None:
        await present(context, chat_id, moved.reflection, language)


async def on_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    language = await language_of(context, user)
    result = await reflections.cancel(database(context), library(context), user.id)
    await report_cancel(context, message.chat_id, result, language)


async def report_cancel(context: ContextTypes.DEFAULT_TYPE, chat_id: int,
                        result: tuple[Cancelled, Reflection | None] | None,
                        language: str) -> None:
    _ = translator(language).gettext
    outcome, reflection = result or (Cancelled.NOTHING, None)
    if outcome is Cancelled.EDIT and reflection is not None:
        await present(context, chat_id, reflection, language)
    elif outcome is Cancelled.PARKED:
        await context.bot.send_message(chat_id, _(
            "⏸ Stopped. Your answers and the note are kept; /reflect continues where you "
            "left off."))
    else:
        await context.bot.send_message(chat_id, _("Nothing to cancel."))
