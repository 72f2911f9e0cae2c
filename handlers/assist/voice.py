"""Voice notes become text: asked once for consent, then sent to the transcription endpoint.

The voice note is stored and acknowledged first, like any capture. Audio can't be checked for
patient details before it leaves, so the user is told where it goes and their answer is kept.
Without transcription (off, declined, too big or failing) the note stays as audio and the
user is asked to type a line, which is added to it.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.assist import help as assist
from bot.assist.provider import Failed
from bot.capture import moments
from bot.capture.store import BOT_DOWNLOAD_LIMIT_BYTES
from bot.common.i18n import N_, translator
from bot.common.text import preview
from bot.privacy.guard import find_identifiers
from bot.settings import profile as settings
from handlers.assist.draft import provider
from handlers.callback_data import Prefix, pattern
from handlers.capture.messages import ack_keyboard, capture_message
from handlers.common import (
    config,
    database,
    edit_quietly,
    language_of,
    library,
    send_screen,
)
from handlers.other import answer_expired
from storage import users
from storage.models import LearningMoment
from storage.vocabulary import Awaiting

CONSENT_PATTERN = pattern(Prefix.VOICE_CONSENT)
_CONSENT = re.compile(rf"^{Prefix.VOICE_CONSENT}:([yn]):(\d{{1,18}})$")
WHY_NO_TEXT = {
    "off": N_("Voice notes aren't turned into text on this server."),
    "declined": N_("You chose to keep voice notes as audio only."),
    "failed": N_("I couldn't turn it into text just now."),
    "too_big": N_("It is too long to turn into text."),
}


def _transcription_on(context: ContextTypes.DEFAULT_TYPE) -> bool:
    return provider(context) is not None and config(context).llm.transcribe


async def after_capture(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """After a voice note is kept: transcribe it, ask for consent first, or ask for a line."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    moment = await moments.by_source(database(context), message.chat_id, message.message_id)
    if moment is None or moment.transcript is not None:
        return  # a redelivered update, already handled
    language = await language_of(context, user)
    consent = None
    if _transcription_on(context):
        async with database(context).session() as session:
            consent = await users.voice_consent(session, user.id)
    if consent:
        await transcribe(context, user.id, moment, language)
    elif consent is None and _transcription_on(context):
        await send_screen(context.bot, user.id, consent_screen(context, moment.id, language))
    elif not moment.text.strip():  # a caption already says what it is about
        await ask_for_line(context, user.id, moment.id, language,
                           "declined" if _transcription_on(context) else "off")


def consent_screen(context: ContextTypes.DEFAULT_TYPE, moment_id: int,
                   language: str) -> tuple[str, InlineKeyboardMarkup]:
    _ = translator(language).gettext
    llm = config(context).llm
    host = urlparse(llm.transcription_base_url or llm.base_url or "https://api.openai.com")
    text = "\n".join([
        "🎙 " + _("I can turn voice notes into text. The audio is sent to {host} for "
                 "transcription.").format(host=host.hostname or host.netloc),
        _("Audio can't be checked for patient details before it goes, so please don't name "
          "patients in voice notes."),
        "",
        _("Send your voice notes for transcription? You can change this in /settings."),
    ])
    return text, InlineKeyboardMarkup([[
        InlineKeyboardButton("✅ " + _("Yes, transcribe"),
                             callback_data=f"{Prefix.VOICE_CONSENT}:y:{moment_id}"),
        InlineKeyboardButton(_("No, audio only"),
                             callback_data=f"{Prefix.VOICE_CONSENT}:n:{moment_id}"),
    ]])


async def on_consent_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    match = _CONSENT.fullmatch(query.data or "")
    user_id = query.from_user.id
    moment = (await moments.owned_moment(database(context), user_id, int(match[2]))
              if match else None)
    if match is None or moment is None:
        await answer_expired(update, context)
        return
    consent = match[1] == "y"
    await settings.set_voice_consent(database(context), library(context), user_id, consent)
    await query.answer()
    if isinstance(query.message, Message):
        await edit_quietly(query.message.edit_reply_markup(None))
    language = await language_of(context, query.from_user)
    if not consent:
        await ask_for_line(context, user_id, moment.id, language, "declined")
    elif not _transcription_on(context):
        await ask_for_line(context, user_id, moment.id, language, "off")
    elif moment.transcript is None:
        await transcribe(context, user_id, moment, language)


async def transcribe(context: ContextTypes.DEFAULT_TYPE, user_id: int, moment: LearningMoment,
                     language: str) -> None:
    llm = provider(context)
    assert llm is not None and moment.file_id is not None
    if (moment.file_size or 0) > BOT_DOWNLOAD_LIMIT_BYTES:
        await ask_for_line(context, user_id, moment.id, language, "too_big")
        return
    await context.bot.send_chat_action(user_id, ChatAction.TYPING)
    try:
        file = await context.bot.get_file(moment.file_id)
        audio = bytes(await file.download_as_bytearray())
    except TelegramError:
        await ask_for_line(context, user_id, moment.id, language, "failed")
        return
    heard = await llm.transcribe(audio, "voice.ogg")
    await assist.record_transcription(database(context), user_id, isinstance(heard, Failed),
                                      moment.duration_seconds or 0)
    if isinstance(heard, Failed):
        await ask_for_line(context, user_id, moment.id, language, "failed")
        return
    updated = await moments.add_text(database(context), user_id, moment.id, heard,
                                     transcript=True)
    if updated is None:
        return
    _ = translator(language).gettext
    await context.bot.send_message(
        user_id, "\n".join(["📝 " + _("Your voice note as text:"), f"«{preview(heard, 1000)}»",
                            "", _("Reflect on it now, or later from /inbox.")]),
        reply_markup=ack_keyboard(updated.id, updated.status, language,
                                  bool(find_identifiers(updated.text))))


async def ask_for_line(context: ContextTypes.DEFAULT_TYPE, user_id: int, moment_id: int,
                       language: str, why: str) -> None:
    _ = translator(language).gettext
    async with database(context).session.begin() as session:
        await users.expect_answer(session, user_id, Awaiting.VOICE_LINE, moment_id)
    await context.bot.send_message(user_id, "🎙 " + _("Your voice note is kept.") + " "
                                   + _(WHY_NO_TEXT[why]) + " " + _(
        "Type a line about what you learned, and I'll add it to the note."))


async def add_line(update: Update, context: ContextTypes.DEFAULT_TYPE, what: Awaiting,
                   argument: str) -> None:
    """The line typed for a voice note (its moment id in `argument`) becomes its text."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    if not argument.isdecimal():
        await capture_message(update, context)
        return
    moment_id = int(argument)
    language = await language_of(context, user)
    _ = translator(language).gettext
    updated = await moments.add_text(database(context), user.id, moment_id, message.text or "")
    if updated is None:
        return
    await message.reply_text(
        "✅ " + _("Added to your voice note:") + f" «{preview(message.text or '')}»",
        reply_markup=ack_keyboard(updated.id, updated.status, language,
                                  bool(find_identifiers(updated.text))))
