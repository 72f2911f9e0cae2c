"""A private message answers the question the user is on, or else it is a new learning moment.

What it answers is stored on the user's row (`storage.vocabulary.Awaiting`): a reflection's
question, or a typed answer some screen asked for. This table says who takes each typed answer,
so no feature has to know about the others'.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ContextTypes

from handlers.assist import voice
from handlers.capture.messages import capture_message
from handlers.common import database
from handlers.cpd.export import answer_dates
from handlers.cpd.imports import take_import_file
from handlers.evidence.buttons import answer_with_text, take_evidence_file
from handlers.organisations.membership import take_staff_list
from handlers.organisations.superadmin import answer_org_name
from handlers.reflection.reflect import answer_text
from handlers.reminders.remind import answer_typed
from handlers.settings.screen import answer_setting
from storage import users
from storage.vocabulary import Awaiting

TypedAnswer = Callable[[Update, ContextTypes.DEFAULT_TYPE, Awaiting, str], Awaitable[None]]
# Awaiting.IMPORT_FILE is not here: it waits for a document, which take_import_file takes first;
# likewise a file for Awaiting.EVIDENCE_FILE goes to take_evidence_file, and text to the table.
TYPED_ANSWERS: dict[Awaiting, TypedAnswer] = {
    Awaiting.ZONE: answer_setting,
    Awaiting.CYCLE: answer_setting,
    Awaiting.TARGET: answer_setting,
    Awaiting.EXPORT_DATES: answer_dates,
    Awaiting.ORG_EXPORT_DATES: answer_dates,
    Awaiting.REMIND_TIME: answer_typed,
    Awaiting.QUIET_HOURS: answer_typed,
    Awaiting.VOICE_LINE: voice.add_line,
    Awaiting.EVIDENCE_FILE: answer_with_text,
    Awaiting.ORG_NAME: answer_org_name,
}


async def _answer_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Hand the text to whoever asked for it; False if nothing outside a reflection is due."""
    user = update.effective_user
    assert user is not None
    async with database(context).session.begin() as session:
        pending = await users.pending_answer(session, user.id)
        if pending is None or pending[0] not in TYPED_ANSWERS:
            return False
        await users.expect_answer(session, user.id, None)
    what, argument = pending
    await TYPED_ANSWERS[what](update, context, what, argument)
    return True


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    # A forwarded post is always a new note, never an answer to a question.
    may_answer = message.text is not None and message.forward_origin is None
    if (await take_import_file(update, context) or await take_evidence_file(update, context)
            or await take_staff_list(update, context)):
        return
    if await capture_message(update, context, may_answer=may_answer):
        if message.voice is not None:
            await voice.after_capture(update, context)
        return
    if await _answer_typed(update, context) or await answer_text(update, context):
        return
    await capture_message(update, context)  # the question was gone after all
