"""Superadmins (`admin.telegram_ids`) in the bot: create a top-level organisation (a ministry,
a hospital group) and hand its first officer a one-use link. That is all the list grants: a
superadmin sees no clinician's data unless an organisation makes them its officer.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.common.i18n import translator
from bot.organisations import members, tree
from bot.organisations.tree import OrganisationError
from handlers.callback_data import Prefix, pattern
from handlers.capture.messages import capture_message
from handlers.common import config, database, language_of, send_screen
from handlers.other import answer_expired
from storage import users
from storage.vocabulary import Awaiting, Role

SUPERADMIN_PATTERN = pattern(Prefix.SUPERADMIN)
_BUTTON = re.compile(rf"^{Prefix.SUPERADMIN}:([no]):(\d{{1,18}})$")
OFFICER_LINK_DAYS = 7
ROOTS_SHOWN = 20


def is_superadmin(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> bool:
    return user_id in config(context).admin.telegram_ids


def _button(label: str, action: str, number: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=f"{Prefix.SUPERADMIN}:{action}:{number}")


async def section(context: ContextTypes.DEFAULT_TYPE, language: str
                  ) -> tuple[list[str], list[list[InlineKeyboardButton]]]:
    """The superadmin's part of /org: the top-level organisations and their officers."""
    _ = translator(language).gettext
    found = await tree.roots(database(context))
    lines = ["", "🛡 " + _("Superadmin: top-level organisations")]
    keyboard = []
    for organisation, officers in found[:ROOTS_SHOWN]:
        lines.append("▪️ " + _("{organisation} (id {id}): officers {count}").format(
            organisation=organisation.name, id=organisation.id, count=officers))
        keyboard.append([_button("👤 " + _("Officer link for {organisation}").format(
            organisation=organisation.name[:40]), "o", organisation.id)])
    if not found:
        lines.append(_("None yet."))
    keyboard.append([_button("➕ " + _("New top-level organisation"), "n", 0)])
    return lines, keyboard


async def on_superadmin_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    user_id = query.from_user.id
    match = _BUTTON.fullmatch(query.data or "")
    if match is None or not is_superadmin(context, user_id):
        await answer_expired(update, context)
        return
    language = await language_of(context, query.from_user)
    _ = translator(language).gettext
    action, number = match.group(1), int(match.group(2))
    if action == "n":
        async with database(context).session.begin() as session:
            await users.expect_answer(session, user_id, Awaiting.ORG_NAME)
        await query.answer()
        await context.bot.send_message(user_id, "➕ " + _(
            "Send the new organisation's name, in any script, for example “Ministry of "
            "Health of Ukraine”."))
        return
    organisation = await tree.get(database(context), number)
    if organisation is None or organisation.parent_id is not None:
        await answer_expired(update, context)
        return
    await query.answer()
    await send_officer_link(context, user_id, organisation.id, organisation.name, language)


async def send_officer_link(context: ContextTypes.DEFAULT_TYPE, user_id: int,
                            organisation_id: int, name: str, language: str) -> None:
    _ = translator(language).gettext
    invite = await members.create_invite(
        database(context), organisation_id, f"admin:{user_id}", created_by=user_id,
        days=OFFICER_LINK_DAYS, role=Role.OFFICER)
    await context.bot.send_message(user_id, "👤 " + _(
        "A link for the first officer of {organisation}. It works once, for {days} days: "
        "whoever opens it becomes an officer and sees the organisation's members. Send it "
        "only to them.").format(organisation=name, days=OFFICER_LINK_DAYS) + "\n\n"
        + members.link(context.bot.username, invite.code))


async def answer_org_name(update: Update, context: ContextTypes.DEFAULT_TYPE,
                          what: Awaiting, argument: str) -> None:
    """The name typed after "New top-level organisation"."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    language = await language_of(context, user)
    _ = translator(language).gettext
    if not is_superadmin(context, user.id):  # no longer: it was a note after all
        await capture_message(update, context)
        return
    try:
        organisation = await tree.create(database(context), message.text or "",
                                         f"admin:{user.id}")
    except OrganisationError:
        await message.reply_text("❌ " + _("An organisation's name is 1 to 200 characters. "
                                          "Try again from /org."))
        return
    await send_screen(context.bot, user.id, ("✅ " + _(
        "Created {organisation} (id {id}). Give its first officer a link; sub-organisations "
        "are made with `cpdbot org create NAME --parent {id}`.").format(
            organisation=organisation.name, id=organisation.id),
        InlineKeyboardMarkup([[_button("👤 " + _("Officer link for {organisation}").format(
            organisation=organisation.name[:40]), "o", organisation.id)]])))
