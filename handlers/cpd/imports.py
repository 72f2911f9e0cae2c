"""/import: past CPD records from a CSV or XLSX the clinician sends.

The file is kept as a learning moment first, like anything sent, so nothing is lost if the
import goes wrong. A dry-run preview comes next, with every problem row named; the Import
button carries the moment's id, and pressing it downloads the file again and adds all its
rows in one transaction, or none. Pressing it twice adds nothing twice.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.capture import store as capture
from bot.common.i18n import translator
from bot.cpd import record_import
from handlers.callback_data import Prefix, pattern
from handlers.capture.messages import AwaitedFile, capture_awaited_file
from handlers.common import database, edit_quietly, language_of, library, patiently, register_user
from handlers.other import answer_expired
from storage import moments, users
from storage.models import LearningMoment, User, utcnow
from storage.vocabulary import Awaiting, MomentStatus

IMPORT_PATTERN = pattern(Prefix.IMPORT)
_BUTTON = re.compile(rf"^{Prefix.IMPORT}:(ok|no):(\d{{1,18}})$")


async def on_import(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    language = await register_user(context, user)
    _ = translator(language).gettext
    async with database(context).session.begin() as session:
        await users.expect_answer(session, user.id, Awaiting.IMPORT_FILE)
    await message.reply_text("📥 " + _(
        "Send me your past CPD records as a CSV or Excel (XLSX) file. The first row names "
        "the columns: date, title, activity, hours, credits. I'll show you what I found "
        "before adding anything."))


async def take_import_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A document sent after /import: kept as a moment, then previewed. False otherwise."""
    user = update.effective_user
    assert user is not None
    if update.effective_message is not None and update.effective_message.document is None:
        return False  # a photo is no spreadsheet: it is an ordinary capture
    awaited = await capture_awaited_file(update, context, Awaiting.IMPORT_FILE)
    if not isinstance(awaited, AwaitedFile):
        return awaited
    db = database(context)
    moment, moment_id, language = awaited.moment, awaited.moment_id, awaited.language
    _ = translator(language).gettext
    buttons = None
    try:
        data = await _download(context, moment.file_id, moment.file_size, language)
        async with db.session() as session:
            owner = await session.get(User, user.id)
        assert owner is not None
        plan = await record_import.prepare(db, library(context), owner, data,
                                           moment.file_name or "", language)
        text = record_import.plan_text(plan, library(context), owner.framework_id, language)
        if plan.ready:
            buttons = InlineKeyboardMarkup([[
                InlineKeyboardButton("✅ " + _("Import"),
                                     callback_data=f"{Prefix.IMPORT}:ok:{moment_id}"),
                InlineKeyboardButton("✖️ " + _("Cancel"),
                                     callback_data=f"{Prefix.IMPORT}:no:{moment_id}")]])
    except record_import.ImportFileError as problem:
        text = "❌ " + str(problem)
    text += "\n\n" + _("Your file is kept in /inbox either way.")
    sent = await patiently(lambda: context.bot.send_message(
        chat_id=moment.chat_id, text=text, reply_markup=buttons,
        reply_parameters=ReplyParameters(moment.message_id, allow_sending_without_reply=True)))
    await capture.remember_ack(db, moment_id, sent.message_id)
    return True


async def _download(context: ContextTypes.DEFAULT_TYPE, file_id: str | None,
                    size: int | None, language: str) -> bytes:
    record_import.check_size(size or 0, language)
    try:
        file = await context.bot.get_file(file_id or "")
        return bytes(await file.download_as_bytearray())
    except TelegramError as error:
        raise record_import.ImportFileError(translator(language).gettext(
            "I couldn't fetch the file from Telegram. Send it again in a minute.")) from error


async def on_import_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    match = _BUTTON.fullmatch(query.data or "")
    db = database(context)
    moment: LearningMoment | None = None
    if match:
        async with db.session() as session:
            moment = await moments.get_owned(session, int(match[2]), query.from_user.id)
    if moment is None or moment.kind != "document":
        await answer_expired(update, context)
        return
    language = await language_of(context, query.from_user)
    _ = translator(language).gettext
    await query.answer()
    if match and match[1] == "no":
        await edit_quietly(query.edit_message_text(
            "✖️ " + _("Import cancelled. Your file is kept in /inbox.")))
        return
    books = library(context)
    try:
        data = await _download(context, moment.file_id, moment.file_size, language)
        plan = await record_import.commit(db, books, query.from_user.id, data,
                                          moment.file_name or "", language, "telegram")
    except record_import.ImportFileError as problem:
        await edit_quietly(query.edit_message_text("❌ " + str(problem)))
        return
    async with db.session.begin() as session:
        owner = await session.get(User, query.from_user.id)
        if plan.ready:  # the file did its job; it is no learning moment to reflect on
            await moments.transition(session, moment.id, query.from_user.id,
                                     (MomentStatus.NEW, MomentStatus.KEPT), MomentStatus.DROPPED,
                                     dropped_at=utcnow())
    text = record_import.plan_text(plan, books, owner.framework_id if owner else None,
                                   language, done=True)
    await edit_quietly(query.edit_message_text(text + "\n\n" + _("/summary shows your totals.")))
