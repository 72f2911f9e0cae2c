"""A private message answers the question the user is on, or else it is a new learning moment."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from handlers.capture import capture_message
from handlers.reflect import answer_text


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    if message.text is not None and await answer_text(update, context):
        return
    await capture_message(update, context)
