"""Short, friendly answers for everything that is not a learning moment."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import ContextTypes

from bot.common.i18n import pick_language, translator
from handlers.common import language_of


def unsupported_text(language: str, is_location: bool = False) -> str:
    _ = translator(language).gettext
    if is_location:
        lead = _("I can't keep a location as a learning moment.")
    else:
        lead = _("I can't keep this kind of message.")
    return lead + " " + _("Send me text, a link, a photo, a document, a voice note, "
                          "or forward a post.")


async def on_unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    language = await language_of(context, update.effective_user)
    await message.reply_text(
        unsupported_text(language, bool(message.location or message.venue)))


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    _ = translator(await language_of(context, update.effective_user)).gettext
    await message.reply_text(_("I don't know that command. /help lists what I can do."))


def _private_only_text(update: Update, bot_username: str) -> str:
    user = update.effective_user
    _ = translator(pick_language(None, user.language_code if user else None)).gettext
    return _("I work in private chats only, so your reflections stay private. "
             "Message me directly: @{bot}").format(bot=bot_username)


async def on_group_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Nothing said in a group is kept: learning notes are personal."""
    message = update.effective_message
    assert message is not None
    await message.reply_text(_private_only_text(update, context.bot.username))


async def on_added_to_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    assert change is not None
    if change.new_chat_member.status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR):
        await context.bot.send_message(change.chat.id,
                                       _private_only_text(update, context.bot.username))


async def answer_expired(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forged, stale or foreign buttons all look the same: they reveal nothing."""
    query = update.callback_query
    assert query is not None
    _ = translator(await language_of(context, query.from_user)).gettext
    await query.answer(_("This button has expired."), show_alert=False)
