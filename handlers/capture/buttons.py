"""The buttons under a capture's acknowledgement: reflect now, later, drop, undo."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.capture import moments
from handlers.callback_data import parse_moment_button
from handlers.capture.messages import ack_screen
from handlers.common import database, edit_quietly, language_of
from handlers.other import answer_expired
from handlers.reflection.reflect import reflect_on


async def on_moment_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    button = parse_moment_button(query.data)
    if button is None:
        await answer_expired(update, context)
        return
    user_id = query.from_user.id
    language = await language_of(context, query.from_user)
    if button.action == "reflect":
        if not await reflect_on(context, user_id, user_id, button.moment_id, language):
            await answer_expired(update, context)
            return
        await query.answer()
        return
    move = {"keep": moments.keep_for_later, "drop": moments.drop,
            "undo": moments.undo_drop, "redact": moments.redact}[button.action]
    moment = await move(database(context), user_id, button.moment_id)
    if moment is None:
        await answer_expired(update, context)
        return
    await query.answer()
    text, keyboard = ack_screen(moment, moment.id, moment.status, language)
    await edit_quietly(query.edit_message_text(text, reply_markup=keyboard))
