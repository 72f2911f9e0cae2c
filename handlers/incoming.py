"""A private message answers the question the user is on, or else it is a new learning moment."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from handlers.capture import capture_message
from handlers.reflect import answer_text


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    if await capture_message(update, context, may_answer=message.text is not None):
        return
    if not await answer_text(update, context):  # the question was gone after all
        await capture_message(update, context)
