"""Every "rf:" button: the guided questions, the summary card, editing, and log entries.

Each button names its reflection, and every action loads it through the presser's own id, so
a forged or foreign button finds nothing and gets the same "expired" answer as a stale one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.capture import moments
from bot.common.i18n import translator
from bot.library.loader import Library
from bot.privacy.guard import find_identifiers, redact
from bot.reflection import flow as reflections
from bot.reflection import log as reflection_log
from bot.reflection.flow import Cancelled
from handlers.assist import draft as assist
from handlers.callback_data import (
    ReflectionAction,
    parse_reflection_button,
    reflection_button,
)
from handlers.common import database, edit_quietly, language_of, library, send_screen, today_for
from handlers.other import answer_expired
from handlers.reflection import views
from handlers.reflection.reflect import (
    present,
    present_begin,
    present_draft,
    reflect_on,
    report_cancel,
    report_move,
)
from storage.engine import Database
from storage.models import Reflection
from storage.vocabulary import Awaiting, ReflectionStatus


@dataclass(frozen=True)
class Press:
    context: ContextTypes.DEFAULT_TYPE
    user_id: int  # also the chat: reflections happen in private chats only
    reflection_id: int
    argument: str | None
    language: str
    today: date  # in the user's time zone

    @property
    def db(self) -> Database:
        return database(self.context)

    @property
    def library(self) -> Library:
        return library(self.context)

    def number(self) -> int | None:
        return int(self.argument) if self.argument and self.argument.isdigit() else None

    def gettext(self, message: str) -> str:
        return translator(self.language).gettext(message)

    async def show(self, screen: views.Screen) -> bool:
        await send_screen(self.context.bot, self.user_id, screen)
        return True

    async def present(self, reflection: Reflection | None) -> bool:
        if reflection is None:
            return False
        await present(self.context, self.user_id, reflection, self.language)
        return True


Action = Callable[[Press], Awaitable[bool]]


async def on_reflection_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    button = parse_reflection_button(query.data)
    if button is None:
        await answer_expired(update, context)
        return
    user = query.from_user
    press = Press(context, user.id, button.reflection_id, button.argument,
                  await language_of(context, user), await today_for(context, user.id))
    if not await ACTIONS[button.action](press):
        await answer_expired(update, context)
        return
    await query.answer()
    if button.action in (ReflectionAction.SAVE, ReflectionAction.DISCARD,
                         ReflectionAction.DELETE) and query.message is not None:
        # The card's buttons have done their job; leave the text, drop the buttons.
        await edit_quietly(context.bot.edit_message_reply_markup(
            chat_id=query.message.chat.id, message_id=query.message.message_id))


# --- the guided questions ----------------------------------------------------------------


async def _continue(press: Press) -> bool:
    begun = await reflections.resume(press.db, press.library, press.user_id, press.reflection_id)
    if begun is None:
        return False
    await present_begin(press.context, press.user_id, begun, None, press.language)
    return True


async def _park_and_start(press: Press) -> bool:
    moment_id = press.number()
    if moment_id is None or await moments.owned_moment(press.db, press.user_id,
                                                       moment_id) is None:
        return False
    await reflections.park(press.db, press.user_id, press.reflection_id)
    return await reflect_on(press.context, press.user_id, press.user_id, moment_id,
                            press.language)


def _moving(move: Callable[..., Awaitable[reflections.Moved | None]]) -> Action:
    """Skip or back from a question's button, which names the step it was shown at."""

    async def action(press: Press) -> bool:
        moved = await move(press.db, press.library, press.user_id, press.reflection_id,
                           press.number())
        if moved is None:
            return False
        await report_move(press.context, press.user_id, moved, press.language)
        return True

    return action


async def _use_note(press: Press) -> bool:
    return await press.present(await reflections.use_note(
        press.db, press.library, press.user_id, press.reflection_id, press.number() or 0))


async def _templates(press: Press) -> bool:
    reflection = await reflections.owned(press.db, press.user_id, press.reflection_id)
    if reflection is None or reflection.status != ReflectionStatus.OPEN or reflection.step or \
            reflection.answers:
        return False
    return await press.show(views.template_menu(press.library, reflection, press.language))


async def _choose_template(press: Press) -> bool:
    return await press.present(await reflections.choose_template(
        press.db, press.library, press.user_id, press.reflection_id, press.argument or ""))


async def _stop(press: Press) -> bool:
    parked = await reflections.park(press.db, press.user_id, press.reflection_id)
    if parked is None:
        return False
    await report_cancel(press.context, press.user_id, (Cancelled.PARKED, parked),
                        press.language)
    return True


async def _minutes(press: Press) -> bool:
    minutes = press.number()
    if minutes is None or minutes > 24 * 60:
        return False
    return await press.present(await reflections.set_minutes(
        press.db, press.library, press.user_id, press.reflection_id, minutes or None))


# --- AI help ------------------------------------------------------------------------------


async def _draft(press: Press) -> bool:
    return await present_draft(press.context, press.user_id, press.reflection_id, press.language)


async def _redact_note(press: Press) -> bool:
    redacted = await reflections.change_note(
        press.db, press.library, press.user_id, press.reflection_id,
        new_text=lambda text: redact(text, find_identifiers(text)))
    return redacted is not None and await _draft(press)


async def _send_note(press: Press) -> bool:
    """Send on the confirm screen: the text it showed goes, or the screen comes again."""
    return bool(press.argument) and await present_draft(
        press.context, press.user_id, press.reflection_id, press.language, press.argument)


async def _redact_send(press: Press) -> bool:
    return bool(press.argument) and await present_draft(
        press.context, press.user_id, press.reflection_id, press.language, press.argument,
        redacting=True)


async def _edit_note(press: Press) -> bool:
    reflection = await reflections.change_note(press.db, press.library, press.user_id,
                                               press.reflection_id)
    return reflection is not None and await press.show(
        assist.edit_note_prompt(reflection, press.language))


async def _keep_local(press: Press) -> bool:
    reflection = await reflections.change_note(press.db, press.library, press.user_id,
                                               press.reflection_id, local_only=True)
    if reflection is None:
        return False
    await press.show(("🔒 " + press.gettext("Kept on this server only; nothing was sent. "
                                            "Let's go through the questions."), None))
    return await press.present(reflection)


# --- the summary card and editing ------------------------------------------------------------


async def _save(press: Press) -> bool:
    saved = await reflections.save(press.db, press.library, press.user_id, press.reflection_id)
    if saved is None:
        return False
    _ = press.gettext
    return await press.show((
        "✅ " + _("Saved to your log, dated {date}. /log lists your reflections.").format(
            date=views.day_label(saved.activity_date, press.language)),
        InlineKeyboardMarkup([[InlineKeyboardButton(
            "📓 " + _("Open it"), callback_data=reflection_button(ReflectionAction.VIEW,
                                                                 saved.id))]])))


async def _discard(press: Press) -> bool:
    if await reflections.discard(press.db, press.user_id, press.reflection_id) is None:
        return False
    return await press.show((press.gettext(
        "🗑 Discarded. Your note stays in /inbox if you want to reflect on it later."), None))


async def _set_date(press: Press) -> bool:
    days = press.number()
    if days is None:
        return False
    return await press.present(await reflections.set_date(
        press.db, press.library, press.user_id, press.reflection_id, days, press.today))


async def _set_activity(press: Press) -> bool:
    return await press.present(await reflections.set_activity(
        press.db, press.library, press.user_id, press.reflection_id, press.argument or ""))


async def _add_tags(press: Press) -> bool:
    return await press.present(await reflections.add_proposed_tags(
        press.db, press.library, press.user_id, press.reflection_id, press.language))


async def _show_again(press: Press) -> bool:
    return await press.present(await reflections.stop_editing(
        press.db, press.library, press.user_id, press.reflection_id))


def _menu(field: str | None,
          screen: Callable[[Press, Reflection], views.Screen]) -> Action:
    """Show an editing menu or prompt. With a field, the user's next text message becomes
    its new value ("section:" fields name the section in the button's argument)."""

    async def action(press: Press) -> bool:
        if field is None:
            reflection = await reflections.editable(press.db, press.library, press.user_id,
                                                    press.reflection_id)
        else:
            wanted = field + (press.argument or "") if field == Awaiting.SECTION else field
            reflection = await reflections.expect_edit(press.db, press.library, press.user_id,
                                                       press.reflection_id, wanted)
        if reflection is None:
            return False
        return await press.show(screen(press, reflection))

    return action


def _section_prompt(press: Press, reflection: Reflection) -> views.Screen:
    template = reflections.template_of(press.library, reflection)
    return views.section_prompt(template, reflection, press.argument or "", press.language)


# --- log entries ---------------------------------------------------------------------------


async def _view(press: Press) -> bool:
    reflection = await reflections.owned(press.db, press.user_id, press.reflection_id)
    if reflection is None or reflection.status != ReflectionStatus.SAVED:
        return False
    return await press.present(reflection)


async def _ask_delete(press: Press) -> bool:
    reflection = await reflections.owned(press.db, press.user_id, press.reflection_id)
    if reflection is None or reflection.status != ReflectionStatus.SAVED:
        return False
    _ = press.gettext
    return await press.show((
        _("Delete this reflection from your log? You can undo this for 30 days."),
        InlineKeyboardMarkup([[
            InlineKeyboardButton("🗑 " + _("Yes, delete"),
                                 callback_data=reflection_button(ReflectionAction.DELETE,
                                                                 reflection.id)),
            InlineKeyboardButton(_("Keep it"),
                                 callback_data=reflection_button(ReflectionAction.VIEW,
                                                                 reflection.id)),
        ]])))


async def _delete(press: Press) -> bool:
    deleted = await reflection_log.delete(press.db, press.library, press.user_id,
                                          press.reflection_id)
    if deleted is None:
        return False
    _ = press.gettext
    return await press.show((
        "🗑 " + _("Deleted. You can undo this for 30 days, here or from /log."),
        InlineKeyboardMarkup([[InlineKeyboardButton(
            "↩️ " + _("Undo"), callback_data=reflection_button(ReflectionAction.RESTORE,
                                                               deleted.id))]])))


async def _restore(press: Press) -> bool:
    restored = await reflection_log.restore(press.db, press.library, press.user_id,
                                            press.reflection_id)
    if restored is None:
        return False
    await press.show(("↩️ " + press.gettext("Restored to your log."), None))
    return await press.present(restored)


ACTIONS: dict[ReflectionAction, Action] = {
    # the guided questions
    ReflectionAction.CONTINUE: _continue,
    ReflectionAction.PARK_AND_START: _park_and_start,
    ReflectionAction.USE_NOTE: _use_note,
    ReflectionAction.SKIP: _moving(reflections.skip),
    ReflectionAction.BACK: _moving(reflections.back),
    ReflectionAction.TEMPLATES: _templates,
    ReflectionAction.TEMPLATE: _choose_template,
    ReflectionAction.STOP: _stop,
    ReflectionAction.MINUTES: _minutes,
    # the summary card and editing
    ReflectionAction.SAVE: _save,
    ReflectionAction.DISCARD: _discard,
    ReflectionAction.DATE: _set_date,
    ReflectionAction.ACTIVITY: _set_activity,
    ReflectionAction.ADD_TAGS: _add_tags,
    ReflectionAction.SHOW: _show_again,
    ReflectionAction.SECTIONS: _menu(None, lambda press, reflection: views.section_menu(
        reflections.template_of(press.library, reflection), reflection, press.language)),
    ReflectionAction.ACTIVITIES: _menu(None, lambda press, reflection: views.activity_menu(
        press.library, reflection, press.language)),
    ReflectionAction.SECTION: _menu(Awaiting.SECTION, _section_prompt),
    ReflectionAction.DATES: _menu(Awaiting.DATE, lambda press, reflection: views.date_menu(
        reflection, press.today, press.language)),
    ReflectionAction.TIMES: _menu(Awaiting.MINUTES, lambda press, reflection: views.time_menu(
        reflection, press.language)),
    ReflectionAction.TYPE_TAGS: _menu(Awaiting.TAGS, lambda press, reflection: views.tags_prompt(
        reflection, press.language)),
    # the log
    ReflectionAction.VIEW: _view,
    ReflectionAction.ASK_DELETE: _ask_delete,
    ReflectionAction.DELETE: _delete,
    ReflectionAction.RESTORE: _restore,
    # AI help
    ReflectionAction.DRAFT: _draft,
    ReflectionAction.REDACT_NOTE: _redact_note,
    ReflectionAction.EDIT_NOTE: _edit_note,
    ReflectionAction.KEEP_LOCAL: _keep_local,
    ReflectionAction.SEND_NOTE: _send_note,
    ReflectionAction.REDACT_SEND: _redact_send,
}
assert set(ACTIONS) == set(ReflectionAction)
