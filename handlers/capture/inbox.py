"""/inbox: moments not yet reflected on, newest first, a page at a time."""

from __future__ import annotations

from babel.dates import format_timedelta
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.capture import moments
from bot.capture.moments import InboxPage
from bot.common.i18n import translator
from bot.common.text import preview
from handlers.callback_data import inbox_button, parse_inbox_button
from handlers.capture.messages import KIND_ICONS
from handlers.common import database, edit_quietly, language_of
from handlers.other import answer_expired
from storage.models import utcnow


def render_inbox(page: InboxPage, language: str) -> tuple[str, InlineKeyboardMarkup | None]:
    translation = translator(language)
    _ = translation.gettext
    if page.total == 0:
        return _("Nothing is waiting. Send me something you learned."), None
    lines = [
        translation.ngettext(
            "{count} learning moment is waiting for reflection.",
            "{count} learning moments are waiting for reflection.",
            page.total,
        ).format(count=page.total),
        "",
    ]
    now = utcnow()
    first = (page.page - 1) * moments.INBOX_PAGE_SIZE
    for number, item in enumerate(page.items, start=first + 1):
        when = format_timedelta(item.sent_at - now, add_direction=True, locale=language)
        summary = preview(item.text, 60) if item.text.strip() else _("(no caption)")
        lines.append(f"{number}. {KIND_ICONS.get(item.kind, '•')} {summary} · {when}")
    if page.pages == 1:
        return "\n".join(lines), None
    row = []
    if page.page > 1:
        row.append(InlineKeyboardButton("◀", callback_data=inbox_button(page.page - 1)))
    row.append(InlineKeyboardButton(f"{page.page}/{page.pages}",
                                    callback_data=inbox_button(page.page)))
    if page.page < page.pages:
        row.append(InlineKeyboardButton("▶", callback_data=inbox_button(page.page + 1)))
    return "\n".join(lines), InlineKeyboardMarkup([row])


async def on_inbox(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    language = await language_of(context, user)
    page = await moments.inbox_page(database(context), user.id, 1)
    text, keyboard = render_inbox(page, language)
    await message.reply_text(text, reply_markup=keyboard)


async def on_inbox_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    wanted = parse_inbox_button(query.data)
    if wanted is None:
        await answer_expired(update, context)
        return
    # The page is always the presser's own inbox, whoever's message the button sits on.
    language = await language_of(context, query.from_user)
    page = await moments.inbox_page(database(context), query.from_user.id, wanted)
    text, keyboard = render_inbox(page, language)
    await query.answer()
    await edit_quietly(query.edit_message_text(text, reply_markup=keyboard))
