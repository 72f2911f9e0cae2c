"""An officer's nudge in the bot: which part of the organisation, who in it, the preview (how
many, the exact text), then Send, once. And a member's "no more messages from organisations".

Each press is checked again by `bot.organisations.nudges` against the presser's own
organisations; a forged or stale button gets the "expired" answer and sends nothing.
"""

from __future__ import annotations

import re

from babel.dates import format_date
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.common.i18n import translator
from bot.organisations import access, nudges, status, tree
from bot.organisations.nudges import AUDIENCE_NAMES, AUDIENCE_STATUSES, Audience
from handlers.callback_data import Prefix, pattern
from handlers.common import clock, database, edit_quietly, language_of, library
from handlers.other import answer_expired

NUDGE_PATTERN = pattern(Prefix.ORG_NUDGE)
_BUTTON = re.compile(rf"^{Prefix.ORG_NUDGE}:([a-z]):(\d{{1,18}})(?::([a-z_]{{1,16}}))?$")
PARTS_SHOWN = 12  # sub-organisations offered as buttons; the console lists them all

Screen = tuple[str, InlineKeyboardMarkup | None]


def button(label: str, action: str, number: int, extra: str | None = None
           ) -> InlineKeyboardButton:
    suffix = f":{extra}" if extra else ""
    return InlineKeyboardButton(label, callback_data=f"{Prefix.ORG_NUDGE}:{action}:{number}"
                                                     f"{suffix}")


def org_messages_button(on: bool, language: str) -> InlineKeyboardButton:
    _ = translator(language).gettext
    return button("🔔 " + _("Messages from organisations: turn on") if on else
                  "🔕 " + _("Messages from organisations: turn off"), "q", int(on))


async def _parts(context: ContextTypes.DEFAULT_TYPE, user_id: int, organisation_id: int,
                 language: str) -> Screen | None:
    organisation = await access.scope(database(context), user_id, organisation_id,
                                      access.MANAGES)
    if organisation is None:
        return None
    found = await tree.subtree(database(context), organisation, PARTS_SHOWN + 1)
    if len(found) == 1:
        return await _audiences(context, user_id, organisation_id, language)
    _ = translator(language).gettext
    keyboard = [[button("  " * (node.depth - found[0].depth) + node.organisation.name[:50],
                        "w", node.organisation.id)] for node in found[:PARTS_SHOWN]]
    keyboard.append([button("✖️ " + _("Cancel"), "x", 0)])
    return "📣 " + _("A reminder to the members of which part of {organisation}?").format(
        organisation=organisation.name), InlineKeyboardMarkup(keyboard)


async def _audiences(context: ContextTypes.DEFAULT_TYPE, user_id: int, organisation_id: int,
                     language: str) -> Screen | None:
    db = database(context)
    organisation = await access.scope(db, user_id, organisation_id, access.MANAGES)
    if organisation is None:
        return None
    today = clock(context).date()
    start, end = nudges.period_of(today)
    counts = status.counts(await status.roster(db, library(context), organisation, start, end,
                                               today))
    _ = translator(language).gettext
    keyboard = [[button(f"{_(AUDIENCE_NAMES[audience]).capitalize()} "
                        f"({sum(counts[s] for s in AUDIENCE_STATUSES[audience])})",
                        "d", organisation.id, audience.value)] for audience in Audience]
    keyboard.append([button("✖️ " + _("Cancel"), "x", 0)])
    past = await nudges.history(db, organisation)
    lines = ["📣 " + _("{organisation}: who should get the reminder? Their standing this "
                      "year:").format(organisation=await tree.path_name(db, organisation))]
    if past:
        lines += ["", _("Sent before:")]
    for earlier in past:
        sent = earlier.nudge
        lines.append("▪️ " + _("{date}: {audience}, {sent} of {recipients} delivered").format(
            date=format_date(sent.confirmed_at or sent.created_at, "medium", locale=language),
            audience=_(AUDIENCE_NAMES[Audience(sent.audience)]), sent=earlier.sent,
            recipients=sent.recipients))
    return "\n".join(lines), InlineKeyboardMarkup(keyboard)


async def _preview(context: ContextTypes.DEFAULT_TYPE, user_id: int, organisation_id: int,
                   audience: Audience, language: str) -> Screen | None:
    drafted = await nudges.draft(database(context), library(context), user_id,
                                 organisation_id, audience, clock(context).date(), language)
    if drafted is None:
        return None
    translation = translator(language)
    _ = translation.gettext
    count = len(drafted.recipients)
    lines = ["📣 " + translation.ngettext(
        "{organisation}, {audience}: {count} person will get this reminder.",
        "{organisation}, {audience}: {count} people will get this reminder.", count).format(
        organisation=drafted.organisation.name, audience=_(AUDIENCE_NAMES[audience]),
        count=count)]
    if drafted.opted_out:
        lines.append(_("{count} more turned messages from organisations off.").format(
            count=drafted.opted_out))
    if not count:
        return "\n".join(lines), InlineKeyboardMarkup([[button("◀️ " + _("Back"), "w",
                                                               organisation_id)]])
    lines += ["", _("Each gets it in their own language, with their own figures, outside "
                    "their quiet hours. What {name} will read:").format(
        name=drafted.recipients[0].name), "", drafted.sample]
    return "\n".join(lines), InlineKeyboardMarkup([
        [button("✅ " + _("Send to {count}").format(count=count), "s", drafted.nudge.id)],
        [button("◀️ " + _("Back"), "w", organisation_id), button("✖️ " + _("Cancel"), "x", 0)]])


async def on_nudge_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    match = _BUTTON.fullmatch(query.data or "")
    language = await language_of(context, query.from_user)
    _ = translator(language).gettext
    user_id = query.from_user.id
    if match is None:
        await answer_expired(update, context)
        return
    action, number, extra = match.group(1), int(match.group(2)), match.group(3)
    if action == "x":
        await query.answer()
        await edit_quietly(query.edit_message_reply_markup(None))
        return
    if action == "q":
        await nudges.set_org_messages(database(context), user_id, bool(number))
        await query.answer(_("Messages from organisations are on.") if number else
                           _("Messages from organisations are off. /organisations turns them "
                             "on again."), show_alert=True)
        await edit_quietly(query.edit_message_reply_markup(None))
        return
    if action == "s":
        sent = await nudges.confirm(database(context), library(context), user_id, number,
                                    clock(context))
        if sent is None:
            await answer_expired(update, context)
            return
        await query.answer()
        await edit_quietly(query.edit_message_text(
            ("ℹ️ " if sent.already else "✅ ") + nudges.confirmed_text(sent, language)))
        return
    screen: Screen | None = None
    if action == "p":
        screen = await _parts(context, user_id, number, language)
    elif action == "w":
        screen = await _audiences(context, user_id, number, language)
    elif action == "d" and extra in set(Audience):
        screen = await _preview(context, user_id, number, Audience(extra), language)
    if screen is None:
        await answer_expired(update, context)
        return
    await query.answer()
    await edit_quietly(query.edit_message_text(screen[0], reply_markup=screen[1]))
