"""A private message answers the question the user is on, or else it is a new learning moment."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from handlers.assist import voice
from handlers.capture.messages import capture_message
from handlers.cpd.imports import take_import_file
from handlers.reflection.reflect import answer_text
from handlers.settings.screen import answer_setting


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    # A forwarded post is always a new note, never an answer to a question.
    may_answer = message.text is not None and message.forward_origin is None
    if await take_import_file(update, context):
        return
    if await capture_message(update, context, may_answer=may_answer):
        if message.voice is not None:
            await voice.after_capture(update, context)
        return
    if await answer_setting(update, context) or await answer_text(update, context):
        return
    await capture_message(update, context)  # the question was gone after all
