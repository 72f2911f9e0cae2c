"""/console: a single-use link to the CPD office console, for officers and viewers only."""

from __future__ import annotations

from telegram import LinkPreviewOptions, Update
from telegram.ext import ContextTypes

from bot.common.i18n import translator
from bot.console import logins
from bot.organisations import access
from handlers.common import clock, database, register_user


async def on_console(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    language = await register_user(context, user)
    _ = translator(language).gettext
    base = context.bot_data.get("console_url")
    if not await access.roles_of(database(context), user.id):
        await message.reply_text(_("/console is for the CPD officers and viewers of an "
                                   "organisation."))
        return
    if base is None:
        await message.reply_text(_("The console is not served here: the operator has "
                                   "switched the web server off."))
        return
    token = await logins.new_link(database(context), user.id, clock(context))
    if token is None:
        await message.reply_text(_("You asked for several links just now. Use the last one, "
                                   "or ask again in ten minutes."))
        return
    # No preview: a preview fetch must not be what opens the link (it only shows a page
    # with a button, but the link is the officer's alone).
    await message.reply_text(
        "🖥 " + _("Your sign-in link to the CPD office console. It works once, for ten "
                 "minutes, and only for you: don't forward it.") + f"\n\n{base}/login?t={token}",
        link_preview_options=LinkPreviewOptions(is_disabled=True))
