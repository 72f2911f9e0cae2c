"""/log: saved reflections, newest first, a page at a time, with search and recent deletions."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.reflection import log as reflection_log
from bot.reflection.log import Search
from handlers.callback_data import DELETED_BUTTON, parse_log_button
from handlers.common import database, edit_quietly, language_of, library
from handlers.other import answer_expired
from handlers.reflection import views


async def on_log(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    language = await language_of(context, user)
    search = Search.parse((message.text or "").partition(" ")[2])
    page = await reflection_log.log_page(database(context), user.id, 1, search)
    text, keyboard = views.log_list(library(context), page, language)
    await message.reply_text(text, reply_markup=keyboard)


async def on_log_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Paging and the recently-deleted list. Always the presser's own log."""
    query = update.callback_query
    assert query is not None
    language = await language_of(context, query.from_user)
    if query.data == DELETED_BUTTON:
        items = await reflection_log.recently_deleted(database(context), query.from_user.id)
        text, keyboard = views.deleted_list(library(context), items, language)
        await context.bot.send_message(query.from_user.id, text, reply_markup=keyboard)
        await query.answer()
        return
    number, search_text = parse_log_button(query.data)
    if number is None or search_text is None:
        await answer_expired(update, context)
        return
    page = await reflection_log.log_page(database(context), query.from_user.id, number,
                                         Search.parse(search_text))
    text, keyboard = views.log_list(library(context), page, language)
    await edit_quietly(query.edit_message_text(text, reply_markup=keyboard))
    await query.answer()
