"""The evidence buttons, and the file sent while an entry waits for one.

Two ways in, as a clinician would try them: send the certificate first and press "Evidence
for an entry" under it, or open the entry (in /log or on the summary card), press "Attach a
certificate" and send it. Either way the file was stored as a moment the moment it came.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.ext import ContextTypes

from bot.capture import moments
from bot.capture import store as capture
from bot.common.i18n import translator
from bot.common.text import preview
from bot.evidence import attach as evidence
from bot.evidence.files import file_name
from bot.library.loader import Library
from handlers.callback_data import (
    EvidenceAction,
    ReflectionAction,
    evidence_button,
    parse_evidence_button,
    reflection_button,
)
from handlers.capture.messages import (
    AwaitedFile,
    ack_screen,
    capture_awaited_file,
    capture_message,
)
from handlers.common import database, edit_quietly, language_of, library, patiently, send_screen
from handlers.other import answer_expired
from handlers.reflection.views import entry_line
from storage import users
from storage.models import Evidence, LearningMoment, Reflection
from storage.vocabulary import Awaiting, MomentStatus

Screen = tuple[str, InlineKeyboardMarkup | None]


def _button(label: str, action: EvidenceAction, first: int,
            second: int | None = None) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=evidence_button(action, first, second))


def _entry_button(label: str, reflection: Reflection) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=reflection_button(ReflectionAction.SHOW,
                                                                       reflection.id))


def choose_screen(library: Library, moment_id: int, entries: Sequence[Reflection],
                  language: str) -> Screen:
    _ = translator(language).gettext
    keyboard = [[_button(entry_line(library, entry, language),
                         EvidenceAction.ATTACH, moment_id, entry.id)] for entry in entries]
    keyboard.append([_button("◀ " + _("Back"), EvidenceAction.BACK, moment_id)])
    return ("📎 " + _("Which entry is this file evidence for? Drafts come first, then your "
                     "newest entries; to attach it to an older one, open that entry in /log "
                     "and send the file again."), InlineKeyboardMarkup(keyboard))


def files_screen(library: Library, reflection: Reflection,
                 files: Sequence[tuple[Evidence, LearningMoment]], language: str) -> Screen:
    """The entry's files, a remove button each, and the invitation to send one more."""
    _ = translator(language).gettext
    lines = ["📎 " + _("Evidence for «{entry}»").format(
        entry=entry_line(library, reflection, language)), ""]
    if files:
        lines += [f"{number}. {preview(file_name(moment), 80)}"
                  for number, (_link, moment) in enumerate(files, 1)]
    else:
        lines.append(_("No files yet."))
    lines += ["", _("Send a photo or a PDF of the certificate now, and I'll attach it to this "
                    "entry. Exports list it, and the PDF portfolio shows it.")]
    removes = [_button("✖ " + _("Remove {number}").format(number=number),
                       EvidenceAction.REMOVE, link.id)
               for number, (link, _moment) in enumerate(files, 1)]
    keyboard = [removes[start:start + 3] for start in range(0, len(removes), 3)]
    keyboard.append([_entry_button("◀ " + _("Back to the entry"), reflection)])
    return "\n".join(lines), InlineKeyboardMarkup(keyboard)


def attached_screen(library: Library, attached: evidence.Attached, language: str) -> Screen:
    _ = translator(language).gettext
    entry = entry_line(library, attached.reflection, language)
    text = ("📎 " + _("Attached {file} to «{entry}» as evidence.").format(
        file=preview(file_name(attached.moment), 60), entry=entry) if attached.new
        else "📎 " + _("That file is already evidence for «{entry}».").format(entry=entry))
    return text, InlineKeyboardMarkup([
        [_entry_button("📓 " + _("Open the entry"), attached.reflection),
         _button("📎 " + _("All its evidence"), EvidenceAction.LIST, attached.reflection.id)]])


async def on_evidence_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    button = parse_evidence_button(query.data)
    user_id = query.from_user.id
    db = database(context)
    language = await language_of(context, query.from_user)
    screen: Screen | None = None
    edit = True  # replace the pressed message, or send a new one
    if button is None:
        pass
    elif button.action is EvidenceAction.CHOOSE:
        moment = await moments.owned_moment(db, user_id, button.first)
        entries = await evidence.entries_to_choose(db, user_id)
        if moment is not None and evidence.can_be_evidence(moment):
            if not entries:
                await query.answer(translator(language).gettext(
                    "Your log has no entries yet. Reflect on something first, then attach "
                    "this file to it."), show_alert=True)
                return
            screen = choose_screen(library(context), moment.id, entries, language)
    elif button.action is EvidenceAction.BACK:
        moment = await moments.owned_moment(db, user_id, button.first)
        if moment is not None:
            screen = ack_screen(moment, moment.id, moment.status, language)
    elif button.action is EvidenceAction.ATTACH:
        assert button.second is not None
        attached = await evidence.attach(db, user_id, button.first, button.second)
        if attached is not None:
            screen = attached_screen(library(context), attached, language)
    elif button.action is EvidenceAction.LIST:
        screen = await _files_and_wait(context, user_id, button.first, language)
        edit = False
    elif button.action is EvidenceAction.REMOVE:
        reflection_id = await evidence.detach(db, user_id, button.first)
        if reflection_id is not None:
            screen = await _files_and_wait(context, user_id, reflection_id, language)
    if screen is None:
        await answer_expired(update, context)
        return
    await query.answer()
    if edit:
        await edit_quietly(query.edit_message_text(screen[0], reply_markup=screen[1]))
    else:
        await send_screen(context.bot, user_id, screen)


async def _files_and_wait(context: ContextTypes.DEFAULT_TYPE, user_id: int,
                          reflection_id: int, language: str) -> Screen | None:
    """The entry's evidence screen; the next photo or document the user sends is for it."""
    found = await evidence.files_of(database(context), user_id, reflection_id)
    if found is None:
        return None
    async with database(context).session.begin() as session:
        await users.expect_answer(session, user_id, Awaiting.EVIDENCE_FILE, reflection_id)
    return files_screen(library(context), found[0], found[1], language)


async def take_evidence_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A photo or document sent while an entry waits for evidence: stored as a moment, then
    attached to that entry. False for anything else."""
    user = update.effective_user
    assert user is not None
    awaited = await capture_awaited_file(update, context, Awaiting.EVIDENCE_FILE)
    if not isinstance(awaited, AwaitedFile):
        return awaited
    db, moment = database(context), awaited.moment
    attached = (await evidence.attach(db, user.id, awaited.moment_id, int(awaited.argument))
                if awaited.argument.isdigit() else None)
    screen: Screen = (
        ack_screen(moment, awaited.moment_id, MomentStatus.NEW, awaited.language)
        if attached is None  # the entry went meanwhile: an ordinary capture after all
        else attached_screen(library(context), attached, awaited.language))
    text, keyboard = screen
    sent = await patiently(lambda: context.bot.send_message(
        chat_id=moment.chat_id, text=text, reply_markup=keyboard,
        reply_parameters=ReplyParameters(moment.message_id, allow_sending_without_reply=True)))
    await capture.remember_ack(db, awaited.moment_id, sent.message_id)
    return True


async def answer_with_text(update: Update, context: ContextTypes.DEFAULT_TYPE,
                           what: Awaiting, argument: str) -> None:
    """Text while an entry waits for a file: it is a note, kept as one; the wait ends."""
    await capture_message(update, context)
