"""/start: what the bot does, then the CPD set-up questions still unanswered."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.common.i18n import pick_language, translator
from handlers.common import database
from handlers.organisations.membership import offer_to_join
from handlers.settings.screen import start_setup
from storage import users
from storage.models import User


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    if context.args and await offer_to_join(update, context, context.args[0]):
        async with database(context).session() as session:
            known = await session.get(User, user.id)
        if known is not None and known.setup_done_at is not None:
            return  # an invite link for someone set up already: the join screen is all
    async with database(context).session.begin() as session:
        chosen = await users.upsert_user(session, user.id, user.first_name, user.language_code)
    language = pick_language(chosen, user.language_code)
    _ = translator(language).gettext
    await message.reply_text("\n".join([
        _("Hello, {name}! I keep what you learn and help you turn it into CPD.").format(
            name=user.first_name),
        "1. " + _("Send me anything you just learned: a line, a link, a photo of a slide, "
                  "a voice note or a forwarded post."),
        "2. " + _("I keep it at once. Reflect on it now, or later from /inbox."),
        "3. " + _("Leave out anything that identifies a patient. "
                  "/language changes the language, /help shows the rest."),
    ]))
    await start_setup(context, message.chat_id, user.id, language)
