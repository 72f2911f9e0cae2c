"""/privacy: who can see what, everything in one download, and erasing the account.

Erasing asks first, naming what will go; the confirmation button is good for ten minutes,
so an old screen found later cannot erase anything by one tap.
"""

from __future__ import annotations

import io
import re
import time
from datetime import date

from babel.dates import format_date
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.account import rights
from bot.common.i18n import translator
from bot.exports.files import write_export
from bot.exports.records import Query, Text
from bot.organisations import access
from handlers.callback_data import Prefix, pattern
from handlers.common import database, edit_quietly, language_of, library, register_user
from handlers.other import answer_expired
from storage import credit_records
from storage.vocabulary import MembershipStatus, Role

Screen = tuple[str, InlineKeyboardMarkup | None]
PRIVACY_PATTERN = pattern(Prefix.PRIVACY)
_BUTTON = re.compile(rf"^{Prefix.PRIVACY}:(d|e|n|y)(?::(\d{{1,12}}))?$")
CONFIRM_MINUTES = 10
EVERYTHING = (date(1900, 1, 1), date(2100, 12, 31))


def _button(label: str, action: str, argument: int | None = None) -> InlineKeyboardButton:
    suffix = "" if argument is None else f":{argument}"
    return InlineKeyboardButton(label, callback_data=f"{Prefix.PRIVACY}:{action}{suffix}")


def privacy_screen(seen: list[rights.Seen], language: str) -> Screen:
    _ = translator(language).gettext
    lines = ["🔐 " + _("Who can see your data"), "",
             _("You see all of it. The server's operators keep it and never read it.")]
    for found in seen:
        since = format_date(found.since, "long", locale=language)
        lines += ["", f"🏥 {found.path_name}"]
        if found.status == MembershipStatus.PENDING:
            lines.append(_("Waiting for approval: it sees nothing yet."))
            continue
        lines.append(_("Sees your CPD records and totals since {date}.").format(date=since))
        lines.append(_("Your reflections' text: shared since {date}.").format(
            date=format_date(found.reflections_since, "long", locale=language))
            if found.reflections_since else _("Your reflections' text: not shared."))
        if found.role != Role.MEMBER:
            lines.append(_("Your role there: {role}.").format(
                role=_(access.ROLE_NAMES[Role(found.role)])))
    if not seen:
        lines += ["", _("No organisation sees your data.")]
    lines += ["", _("/organisations changes what each sees, or leaves one.")]
    return "\n".join(lines), InlineKeyboardMarkup([
        [_button("📦 " + _("Download everything (JSON)"), "d")],
        [_button("🗑 " + _("Erase my account"), "e")]])


def erase_question(counts: dict[str, int], language: str) -> Screen:
    _ = translator(language).gettext
    names = {"moments": _("notes and files kept: {count}"),
             "reflections": _("reflections: {count}"), "records": _("CPD records: {count}"),
             "evidence": _("evidence links: {count}"), "reminders": _("reminders: {count}"),
             "memberships": _("organisation memberships: {count}"),
             "ai_usage": _("days of AI help use: {count}"),
             "organisation_messages": _("reminders from organisations: {count}")}
    lines = ["⚠️ " + _("Erase your account? This deletes, for good:"), ""]
    lines += [f"• {names[key].format(count=count)}" for key, count in counts.items()]
    lines += ["", _("and every message of yours the bot still holds. Organisations will see "
                    "you as gone at once. This cannot be undone: download your data first "
                    "if you want to keep it.")]
    minute = int(time.time() // 60)
    return "\n".join(lines), InlineKeyboardMarkup([
        [_button("🗑 " + _("Yes, erase everything"), "y", minute)],
        [_button(_("Keep my account"), "n")]])


async def on_privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    language = await register_user(context, user)
    text, keyboard = privacy_screen(await rights.who_sees(database(context), user.id),
                                    language)
    await message.reply_text(text, reply_markup=keyboard)


async def on_privacy_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    match = _BUTTON.fullmatch(query.data or "")
    if match is None:
        await answer_expired(update, context)
        return
    user_id = query.from_user.id
    language = await language_of(context, query.from_user)
    _ = translator(language).gettext
    db = database(context)
    action, minute = match.groups()
    if action == "d":
        await query.answer(_("Preparing your file…"))
        buffer = io.BytesIO()
        count = await write_export(db, library(context), Query(*EVERYTHING, user_id, Text.ALL,
                                                               language), "json", buffer)
        async with db.session.begin() as session:
            credit_records.audit(session, f"user:{user_id}", "export", user_id=user_id,
                                 format="json", everything=True, records=count)
        buffer.seek(0)
        await context.bot.send_document(user_id, buffer, filename="cpdbot-my-data.json",
                                        caption=_("Everything the bot keeps about you."))
    elif action == "e":
        await query.answer()
        text, keyboard = erase_question(await rights.holdings(db, user_id), language)
        await context.bot.send_message(user_id, text, reply_markup=keyboard)
    elif action == "n":
        await query.answer(_("Nothing was erased."))
        await edit_quietly(query.edit_message_reply_markup(None))
    elif minute is None or time.time() // 60 - int(minute) > CONFIRM_MINUTES:
        await query.answer(_("This confirmation is too old. Open /privacy again if you "
                             "still want to erase your account."), show_alert=True)
    else:
        await rights.erase(db, user_id)
        await query.answer()
        await edit_quietly(query.edit_message_text(
            "✅ " + _("Your account is erased: nothing of yours is left on this server. If you "
                     "write again, you start afresh.")))



