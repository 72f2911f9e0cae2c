"""The one error handler: log ids (never message text), tell the user in their language."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.common.i18n import pick_language, translator
from handlers.common import language_of

log = logging.getLogger("cpdbot.errors")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    user = update.effective_user if isinstance(update, Update) else None
    log.error(
        "update %s from user %s failed: %s",
        update_id,
        user.id if user else None,
        type(error).__name__,
        exc_info=error,
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        language = await language_of(context, user)
    except Exception:  # the database may be what failed
        language = pick_language(None, user.language_code if user else None)
    _ = translator(language).gettext
    try:
        await context.bot.send_message(
            update.effective_chat.id,
            _("Sorry, something went wrong on my side. What you sent is safe with me; "
              "please try again in a minute."),
        )
    except Exception as exc:  # the network may be what failed
        log.warning("could not tell user %s about the error: %s",
                    user.id if user else None, type(exc).__name__)
