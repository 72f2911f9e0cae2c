"""The buttons under a capture's acknowledgement: later, drop, undo, redact.

"Reflect now" starts a reflection, so the reflection package answers it
(`handlers.reflection.reflect.on_reflect_now_button`), registered ahead of these."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.capture import moments
from handlers.callback_data import MomentAction, parse_moment_button
from handlers.capture.messages import ack_screen
from handlers.common import database, edit_quietly, language_of
from handlers.other import answer_expired

MOVES = {MomentAction.KEEP: moments.keep_for_later, MomentAction.DROP: moments.drop,
         MomentAction.UNDO: moments.undo_drop, MomentAction.REDACT: moments.redact}


async def on_moment_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    button = parse_moment_button(query.data)
    if button is None:
        await answer_expired(update, context)
        return
    user_id = query.from_user.id
    language = await language_of(context, query.from_user)
    move = MOVES.get(button.action)
    moment = None if move is None else await move(database(context), user_id, button.moment_id)
    if moment is None:
        await answer_expired(update, context)
        return
    await query.answer()
    text, keyboard = ack_screen(moment, moment.id, moment.status, language)
    await edit_quietly(query.edit_message_text(text, reply_markup=keyboard))
