"""Capture: turn a private message into a learning moment, store it, then acknowledge it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    MessageOrigin,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    ReplyParameters,
    Update,
)
from telegram.ext import ContextTypes

from bot.capture import store as capture
from bot.capture.store import NewMoment, Sender
from bot.common.i18n import N_, translator
from bot.common.text import preview
from bot.evidence.attach import EVIDENCE_KINDS
from bot.privacy.guard import Finding, find_identifiers
from bot.reflection import flow as reflections
from handlers.callback_data import EvidenceAction, MomentAction, evidence_button, moment_button
from handlers.common import database, edit_quietly, language_of, patiently
from handlers.privacy import identifier_names
from storage import users
from storage.models import LearningMoment
from storage.vocabulary import Awaiting, MomentStatus

KEPT_SENTENCES = {
    "text": N_("Kept your note."),
    "link": N_("Kept your link."),
    "photo": N_("Kept your photo."),
    "document": N_("Kept your document."),
    "voice": N_("Kept your voice note."),
    "audio": N_("Kept your audio."),
    "video": N_("Kept your video."),
    "video_note": N_("Kept your video note."),
}
KIND_ICONS = {
    "text": "📝", "link": "🔗", "photo": "🖼", "document": "📄",
    "voice": "🎙", "audio": "🎧", "video": "🎬", "video_note": "📹",
}  # fmt: skip


def moment_from_message(message: Message) -> NewMoment | None:
    """Plain data from a Telegram message, or None if it is nothing we keep."""
    kind, media = _media(message)
    text = message.text if message.text is not None else (message.caption or "")
    urls = _urls(message)
    if kind is None:
        if message.text is None:
            return None
        kind = "link" if urls else "text"
    return NewMoment(
        chat_id=message.chat_id,
        message_id=message.message_id,
        kind=kind,
        sent_at=message.date,
        text=text,
        urls=urls,
        forward_origin=_origin(message.forward_origin),
        **media,
    )


def _media(message: Message) -> tuple[str | None, dict[str, Any]]:
    if message.photo:
        photo = message.photo[-1]  # Telegram lists sizes smallest first
        return "photo", {"file_id": photo.file_id, "file_unique_id": photo.file_unique_id,
                         "file_size": photo.file_size, "mime_type": "image/jpeg"}
    for kind in ("document", "voice", "audio", "video", "video_note"):
        attachment = getattr(message, kind)
        if attachment is not None:
            return kind, {
                "file_id": attachment.file_id,
                "file_unique_id": attachment.file_unique_id,
                "file_size": attachment.file_size,
                "file_name": getattr(attachment, "file_name", None),
                "mime_type": getattr(attachment, "mime_type", None),
                "duration_seconds": _whole_seconds(getattr(attachment, "duration", None)),
            }
    return None, {}


def _whole_seconds(duration: timedelta | None) -> int | None:
    return None if duration is None else int(duration.total_seconds())


def _urls(message: Message) -> list[str]:
    kinds: list[str | None] = [MessageEntity.URL, MessageEntity.TEXT_LINK]
    found = message.parse_entities(kinds) if message.text else message.parse_caption_entities(kinds)
    urls = [entity.url if entity.url else text for entity, text in found.items()]
    return list(dict.fromkeys(urls))


def _origin(origin: MessageOrigin | None) -> dict[str, Any] | None:
    if origin is None:
        return None
    result: dict[str, Any] = {"type": origin.type, "date": origin.date.isoformat()}
    if isinstance(origin, MessageOriginUser):
        result |= {"name": origin.sender_user.full_name, "user_id": origin.sender_user.id}
    elif isinstance(origin, MessageOriginHiddenUser):
        result |= {"name": origin.sender_user_name}
    elif isinstance(origin, MessageOriginChat):
        result |= {"name": origin.sender_chat.title, "chat_id": origin.sender_chat.id,
                   "author": origin.author_signature}
    elif isinstance(origin, MessageOriginChannel):
        result |= {"name": origin.chat.title, "chat_id": origin.chat.id,
                   "username": origin.chat.username, "message_id": origin.message_id,
                   "author": origin.author_signature}
    return result


def ack_screen(moment: NewMoment | LearningMoment, moment_id: int, status: str,
               language: str) -> tuple[str, InlineKeyboardMarkup]:
    """The acknowledgement's text and buttons; the privacy guard reads the text once."""
    findings = find_identifiers(moment.text) if status != MomentStatus.DROPPED else []
    return (ack_text(moment, status, language, findings),
            ack_keyboard(moment_id, status, language, bool(findings),
                         evidence=moment.kind in EVIDENCE_KINDS and moment.file_id is not None))


def ack_text(moment: NewMoment | LearningMoment, status: str, language: str,
             findings: list[Finding]) -> str:
    _ = translator(language).gettext
    lines = [f"✅ {_(KEPT_SENTENCES[moment.kind])}"]
    if moment.text.strip():
        lines.append(f"{KIND_ICONS[moment.kind]} «{preview(moment.text)}»")
    if moment.forward_origin and moment.forward_origin.get("name"):
        lines.append("↪️ " + _("Forwarded from {source}").format(
            source=preview(moment.forward_origin["name"], 60)))
    if findings:
        lines.append("🛡 " + _("This may identify a patient: {what}. Reflections can be read "
                              "by appraisers, and even courts; “Redact” replaces those "
                              "parts.").format(what=identifier_names(findings, language)))
    if (moment.file_size or 0) > capture.BOT_DOWNLOAD_LIMIT_BYTES:
        lines.append("⚠️ " + _("The file is over 20 MB, so I keep a reference to it, "
                              "not its contents."))
    lines.append("")
    if status == MomentStatus.DROPPED:
        lines.append("🗑 " + _("Dropped. You can undo this."))
    elif status == MomentStatus.KEPT:
        lines.append("⏳ " + _("Kept for later. /inbox lists everything waiting."))
    elif status == MomentStatus.EVIDENCE:
        lines.append("📎 " + _("Attached as evidence to an entry. Open the entry in /log to see "
                              "or remove it."))
    else:
        lines.append(_("Reflect on it now, or later from /inbox."))
    return "\n".join(lines)


def ack_keyboard(moment_id: int, status: str, language: str,
                 flagged: bool, evidence: bool = False) -> InlineKeyboardMarkup:
    """The moment's buttons; "Redact" too while its text looks identifiable, and for a photo
    or document "Evidence for an entry"."""
    _ = translator(language).gettext
    evidence_row = ([[InlineKeyboardButton(
        "📎 " + _("Evidence for an entry"),
        callback_data=evidence_button(EvidenceAction.CHOOSE, moment_id))]]
        if evidence and status != MomentStatus.DROPPED else [])
    redact_row = ([[InlineKeyboardButton("✂️ " + _("Redact"),
                                         callback_data=moment_button(MomentAction.REDACT,
                                                                     moment_id))]]
                  if flagged and status != MomentStatus.DROPPED else [])
    reflect = InlineKeyboardButton("📝 " + _("Reflect now"),
                                   callback_data=moment_button(MomentAction.REFLECT, moment_id))
    drop = InlineKeyboardButton("🗑 " + _("Drop"), callback_data=moment_button(MomentAction.DROP,
                                                                              moment_id))
    if status == MomentStatus.DROPPED:
        return InlineKeyboardMarkup([[InlineKeyboardButton(
            "↩️ " + _("Undo"), callback_data=moment_button(MomentAction.UNDO, moment_id))]])
    if status == MomentStatus.EVIDENCE:
        return InlineKeyboardMarkup(evidence_row)
    if status == MomentStatus.KEPT:
        return InlineKeyboardMarkup([[reflect, drop], *evidence_row, *redact_row])
    later = InlineKeyboardButton("⏳ " + _("Later"),
                                 callback_data=moment_button(MomentAction.KEEP, moment_id))
    return InlineKeyboardMarkup([[reflect, later, drop], *evidence_row, *redact_row])


def sender_of(update: Update) -> Sender:
    user = update.effective_user
    assert user is not None
    return Sender(user.id, user.first_name, user.language_code)


async def capture_message(update: Update, context: ContextTypes.DEFAULT_TYPE,
                          may_answer: bool = False) -> bool:
    """Keep the message as a learning moment, then acknowledge it (once). With `may_answer`,
    return False without storing anything if it answers a reflection question instead."""
    message = update.effective_message
    assert message is not None
    moment = moment_from_message(message)
    assert moment is not None  # the handler's filters admit only what we keep
    db = database(context)
    stored = await capture.store_capture(db, sender_of(update), moment, may_answer)
    if stored.moment_id is None:
        return False
    if stored.already_acknowledged:
        return True
    text, keyboard = ack_screen(moment, stored.moment_id, MomentStatus.NEW, stored.language)
    sent = await patiently(lambda: context.bot.send_message(
        chat_id=moment.chat_id,
        text=text,
        reply_markup=keyboard,
        reply_parameters=ReplyParameters(moment.message_id, allow_sending_without_reply=True),
    ))
    await capture.remember_ack(db, stored.moment_id, sent.message_id)
    return True


@dataclass(frozen=True)
class AwaitedFile:
    """A file a screen asked for, stored: what the screen waited for it with, and the moment."""

    argument: str  # the wait's argument: an entry's id, or ""
    moment: NewMoment
    moment_id: int
    language: str


async def capture_awaited_file(update: Update, context: ContextTypes.DEFAULT_TYPE,
                               what: Awaiting) -> AwaitedFile | bool:
    """A photo or document sent because a screen asked for one (an import, an entry's
    evidence): the wait ends and the file is kept as a moment first. False when nothing was
    waiting for it; True when it was handled already (a redelivered update)."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    if not message.photo and message.document is None:
        return False
    db = database(context)
    async with db.session.begin() as session:
        pending = await users.pending_answer(session, user.id)
        if pending is None or pending[0] is not what:
            return False
        await users.expect_answer(session, user.id, None)
    moment = moment_from_message(message)
    assert moment is not None
    stored = await capture.store_capture(db, sender_of(update), moment, False)
    if stored.moment_id is None or stored.already_acknowledged:
        return True
    return AwaitedFile(pending[1], moment, stored.moment_id, stored.language)


async def on_edited_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edit replaces the moment's content, and refreshes its acknowledgement."""
    message = update.effective_message
    assert message is not None
    moment = moment_from_message(message)
    if moment is None:
        return
    db = database(context)
    edited = await capture.apply_edit(db, moment)
    if edited is None:
        user = update.effective_user
        assert user is not None
        if await reflections.was_an_answer(db, user.id, message.message_id):
            _ = translator(await language_of(context, user)).gettext
            await message.reply_text(_("Editing the message doesn't change your answer. Use "
                                       "“Edit a section” on the summary card or in /log."))
            return
        await capture_message(update, context)
        return
    if edited.ack_message_id is None:
        return
    language = await language_of(context, update.effective_user)
    text, keyboard = ack_screen(edited, edited.id, edited.status, language)
    await edit_quietly(context.bot.edit_message_text(
        chat_id=edited.chat_id, message_id=edited.ack_message_id, text=text,
        reply_markup=keyboard))
