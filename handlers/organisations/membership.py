"""A clinician and their organisations: the join screen of an invite link, /organisations
(what each sees, sharing reflective text with it or not, leaving), and an officer's /org
(their organisations, each one's link, members and pending approvals).

Every button carries a code or an id, and every press loads it again through the presser's
own memberships: a forged or stale button gets the "expired" answer and changes nothing.
"""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date

from babel.dates import format_date
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.common.i18n import translator
from bot.organisations import access, members, staff, status
from bot.organisations.members import InviteProblem, Joined, Preview
from handlers.callback_data import Prefix, pattern
from handlers.capture.messages import AwaitedFile, capture_awaited_file
from handlers.common import (
    database,
    edit_quietly,
    language_of,
    library,
    register_user,
    send_screen,
)
from handlers.organisations import nudges as nudge_screens
from handlers.organisations.superadmin import is_superadmin
from handlers.organisations.superadmin import section as superadmin_section
from handlers.other import answer_expired
from storage import organisations, users
from storage.models import Membership, Organisation, User, utcnow
from storage.vocabulary import Awaiting, MembershipStatus, Role

Screen = tuple[str, InlineKeyboardMarkup | None]
ORG_PATTERN = pattern(Prefix.ORGANISATION)
_BUTTON = re.compile(rf"^{Prefix.ORGANISATION}:([a-z]):([A-Za-z0-9_-]{{1,64}})(?::([01]))?$")
_CODE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _button(label: str, action: str, argument: object, flag: int | None = None
            ) -> InlineKeyboardButton:
    suffix = "" if flag is None else f":{flag}"
    return InlineKeyboardButton(label, callback_data=f"{Prefix.ORGANISATION}:{action}:"
                                                     f"{argument}{suffix}")


def what_it_sees(language: str) -> str:
    _ = translator(language).gettext
    return _("It will see your CPD records and totals: each activity's date, title, type, "
             "time and credits, and your progress against your target. It will not see what "
             "you wrote in your reflections unless you switch that on for it in "
             "/organisations. You can leave at any time; your own data stays yours.")


def problem_text(problem: InviteProblem, language: str) -> str:
    _ = translator(language).gettext
    return {InviteProblem.UNKNOWN: _("This invite link is not valid. Ask your CPD office for "
                                     "a new one."),
            InviteProblem.EXPIRED: _("This invite link has expired. Ask your CPD office for a "
                                     "new one."),
            InviteProblem.USED_UP: _("This invite link has been used already. Ask your CPD "
                                     "office for a new one."),
            InviteProblem.REVOKED: _("This invite link was withdrawn. Ask your CPD office for "
                                     "a new one.")}[problem]


def join_screen(found: Preview, code: str, language: str) -> Screen:
    _ = translator(language).gettext
    officer = found.invite.role == Role.OFFICER
    if (found.membership is not None and found.membership.status == MembershipStatus.ACTIVE
            and (not officer or found.membership.role == Role.OFFICER)):
        return "🏥 " + (_("You are already an officer of {organisation}.") if officer else
                       _("You are already a member of {organisation}.")).format(
            organisation=found.path_name), None
    lines = ["🏥 " + _("Become an officer of {organisation}?").format(
        organisation=found.path_name), "", _(
        "You will see the CPD records and totals of its members and of everything below it, "
        "and reflective text only from those who share it with the organisation. You can "
        "export them, manage its invite links and send them reminders. Every view and "
        "export is recorded.")] if officer else [
        "🏥 " + _("Join {organisation}?").format(organisation=found.path_name), "",
        what_it_sees(language)]
    if found.needs_approval:
        lines += ["", _("An officer of the organisation approves each new member.")]
    return "\n".join(lines), InlineKeyboardMarkup([[
        _button("✅ " + _("Join"), "j", code), _button("✖️ " + _("No, thanks"), "n", 0)]])


async def offer_to_join(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> bool:
    """/start <code>: the join screen, or why the link does not work. False if `code` does
    not look like an invite code (then /start is an ordinary start)."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    if not _CODE.fullmatch(code):
        return False
    language = await register_user(context, user)
    found = await members.preview(database(context), user.id, code)
    if isinstance(found, InviteProblem):
        await message.reply_text("⚠️ " + problem_text(found, language))
    else:
        await send_screen(context.bot, user.id, join_screen(found, code, language))
    return True


def joined_text(joined: Joined, language: str) -> str:
    _ = translator(language).gettext
    name = joined.organisation.name
    if joined.already:
        return "🏥 " + _("You are already a member of {organisation}.").format(
            organisation=name)
    if joined.membership.role == Role.OFFICER:
        return "✅ " + _("You are now an officer of {organisation}. /org shows its members, "
                        "invite links and reminders.").format(organisation=name)
    if joined.pending:
        return "⏳ " + _("Asked to join {organisation}. An officer will approve it; I'll tell "
                        "you.").format(organisation=name)
    return "✅ " + _("You joined {organisation}. /organisations shows what it sees and lets "
                    "you share your reflections with it or leave.").format(organisation=name)


def memberships_screen(found: list[tuple[Membership, Organisation]], org_messages: bool,
                       language: str) -> Screen:
    _ = translator(language).gettext
    if not found:
        return ("🏥 " + _("You are not in any organisation. Your CPD office can send you an "
                         "invite link."), None)
    lines = ["🏥 " + _("Your organisations and what each sees:")]
    keyboard = []
    for membership, organisation in found:
        since = format_date(membership.joined_at, "long", locale=language)
        lines += ["", f"▪️ {organisation.name}"]
        if membership.status == MembershipStatus.PENDING:
            lines.append(_("Waiting for an officer's approval."))
        else:
            lines.append(_("Sees your CPD records and totals since {date}.").format(date=since))
            lines.append(_("Your reflections' text: shared since {date}.").format(
                date=format_date(membership.sharing_since, "long", locale=language))
                if membership.share_reflections and membership.sharing_since
                else _("Your reflections' text: not shared."))
            keyboard.append([_button(
                ("🔒 " + _("Stop sharing reflections with {organisation}") if
                 membership.share_reflections else
                 "🔓 " + _("Share reflections with {organisation}")).format(
                    organisation=organisation.name[:30]),
                "s", organisation.id, int(not membership.share_reflections))])
        keyboard.append([_button("🚪 " + _("Leave {organisation}").format(
            organisation=organisation.name[:40]), "l", organisation.id)])
    lines += ["", _("Reminders from your CPD offices: on.") if org_messages
              else _("Reminders from your CPD offices: off.")]
    keyboard.append([nudge_screens.org_messages_button(not org_messages, language)])
    return "\n".join(lines), InlineKeyboardMarkup(keyboard)


async def on_organisations(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    language = await register_user(context, user)
    await send_screen(context.bot, user.id, await _memberships(context, user.id, language))


async def _memberships(context: ContextTypes.DEFAULT_TYPE, user_id: int,
                       language: str) -> Screen:
    async with database(context).session() as session:
        found = list(await organisations.memberships_of(session, user_id))
        person = await session.get(User, user_id)
    return memberships_screen(found, person is None or person.org_messages, language)


async def org_screen(context: ContextTypes.DEFAULT_TYPE, user_id: int,
                     language: str) -> Screen:
    """An officer's or viewer's organisations: members, pending approvals, the link."""
    _ = translator(language).gettext
    db = database(context)
    held = await access.roles_of(db, user_id)
    superadmin = is_superadmin(context, user_id)
    if not held and not superadmin:
        return _("/org is for the CPD officers of an organisation. /organisations shows "
                 "yours."), None
    lines, keyboard = ["🏥 " + _("Your organisations")] if held else [], []
    today = utcnow().date()
    # Before the session below: SQLite's one connection can't serve two sessions at once.
    standings = {organisation.id: status.counts(await status.roster(
        db, library(context), organisation, date(today.year, 1, 1), date(today.year, 12, 31),
        today)) for organisation, _role in held}
    async with db.session() as session:
        for organisation, role in held:
            counts = await organisations.member_counts(session, organisation)
            lines += ["", f"▪️ {organisation.name} ({_(access.ROLE_NAMES[Role(role)])})",
                      _("Members: {active}. Waiting for approval: {pending}.").format(
                          active=counts.get(MembershipStatus.ACTIVE, 0),
                          pending=counts.get(MembershipStatus.PENDING, 0))]
            if organisation.id in standings:
                lines.append(_("This year: done {done}, on track {on_track}, behind "
                               "{behind}, at risk {at_risk}.").format(
                    **{key.value: standings[organisation.id].get(key, 0)
                       for key in status.Status}))
            if role in access.MANAGES:
                invite = await organisations.open_invite(session, organisation.id)
                if invite is not None:
                    lines.append(_("Invite link:") + " " + members.link(
                        context.bot.username, invite.code))
                row = [_button("🔗 " + _("New link"), "i", organisation.id),
                       _button("📋 " + _("Staff list"), "b", organisation.id)]
                if invite is not None:
                    row.append(_button("🚫 " + _("Withdraw the link"), "x", invite.id))
                keyboard.append(row)
                keyboard.append([nudge_screens.button(
                    "📣 " + _("Remind members of {organisation}").format(
                        organisation=organisation.name[:40]), "p", organisation.id)])
                for membership, name in await organisations.pending_in(session, organisation):
                    lines.append("⏳ " + (membership.listed_name or name or str(
                        membership.user_id)))
                    keyboard.append([
                        _button("✅ " + _("Approve {name}").format(name=(name or "")[:30]),
                                "a", membership.id),
                        _button("✖️ " + _("Decline"), "r", membership.id)])
    if superadmin:
        more_lines, more_buttons = await superadmin_section(context, language)
        lines += more_lines
        keyboard += more_buttons
    return "\n".join(lines).strip(), InlineKeyboardMarkup(keyboard) if keyboard else None


async def on_org(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    language = await register_user(context, user)
    await send_screen(context.bot, user.id, await org_screen(context, user.id, language))


async def on_org_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    match = _BUTTON.fullmatch(query.data or "")
    user_id = query.from_user.id
    db = database(context)
    language = await language_of(context, query.from_user)
    _ = translator(language).gettext
    if match is None:
        await answer_expired(update, context)
        return
    action, argument, flag = match.groups()
    number = int(argument) if argument.isdigit() else None
    if action == "n":
        await query.answer()
        await edit_quietly(query.edit_message_reply_markup(None))
        return
    if action == "j":
        joined = await members.join(db, user_id, argument)
        if isinstance(joined, InviteProblem):
            await query.answer(problem_text(joined, language), show_alert=True)
            return
        await query.answer()
        await edit_quietly(query.edit_message_text(joined_text(joined, language)))
        return
    if number is None:
        await answer_expired(update, context)
        return
    if action in ("s", "l"):
        changed = (await members.set_sharing(db, user_id, number, flag == "1") if action == "s"
                   else await members.leave(db, user_id, number))
        if changed is None:
            await answer_expired(update, context)
            return
        await query.answer(_("Done.") if action == "s" else _("You left the organisation."))
        text, keyboard = await _memberships(context, user_id, language)
        await edit_quietly(query.edit_message_text(text, reply_markup=keyboard))
        return
    if action == "b":
        if await access.scope(db, user_id, number, access.MANAGES) is None:
            await answer_expired(update, context)
            return
        async with db.session.begin() as session:
            await users.expect_answer(session, user_id, Awaiting.STAFF_LIST, number)
        await query.answer()
        await context.bot.send_message(user_id, "📋 " + _(
            "Send the staff list as a CSV or Excel file. The first row names the columns: "
            "name, staff number, department. You get the same file back with a personal "
            "link for each person; whoever opens theirs joins with their staff number."))
        return
    if not await _officer_action(context, user_id, action, number, language):
        await answer_expired(update, context)
        return
    await query.answer(_("Done."))
    text, keyboard = await org_screen(context, user_id, language)
    await edit_quietly(query.edit_message_text(text, reply_markup=keyboard))


async def take_staff_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A file sent after "Staff list": kept as a moment, then sent back with a link per
    person. False when no staff list was asked for."""
    awaited = await capture_awaited_file(update, context, Awaiting.STAFF_LIST)
    if not isinstance(awaited, AwaitedFile):
        return awaited
    user = update.effective_user
    assert user is not None
    _ = translator(awaited.language).gettext
    db = database(context)
    organisation = (await access.scope(db, user.id, int(awaited.argument), access.MANAGES)
                    if awaited.argument.isdigit() else None)
    if organisation is None or awaited.moment.file_id is None:
        await context.bot.send_message(user.id, _("Your file is kept in /inbox."))
        return True
    try:
        staff.check_size(awaited.moment.file_size or 0, awaited.language)
        file = await context.bot.get_file(awaited.moment.file_id)
        data = bytes(await file.download_as_bytearray())
        name = awaited.moment.file_name or ""
        table = await asyncio.to_thread(staff.read_table, data, name, awaited.language)
        rows = staff.read_staff(table, awaited.language)
    except staff.ImportFileError as problem:
        await context.bot.send_message(user.id, "❌ " + str(problem))
        return True
    except TelegramError:
        await context.bot.send_message(user.id, _("I couldn't fetch the file from Telegram. "
                                                  "Send it again in a minute."))
        return True
    invites = await staff.personal_invites(db, organisation.id, rows, f"user:{user.id}",
                                           user.id)
    xlsx = data[:2] == b"PK" or name.lower().endswith(".xlsx")
    back = await asyncio.to_thread(staff.with_links, table,
                                   staff.links_for(context.bot.username, invites), xlsx)
    stem = name.rsplit(".", 1)[0] or "staff"
    await context.bot.send_document(
        user.id, io.BytesIO(back), filename=f"{stem}-links.{'xlsx' if xlsx else 'csv'}",
        caption=_("{count} personal links for {organisation}. Each works once.").format(
            count=len(invites), organisation=organisation.name))
    return True


async def _officer_action(context: ContextTypes.DEFAULT_TYPE, user_id: int, action: str,
                          number: int, language: str) -> bool:
    """A new link, a withdrawn one, an approval or a refusal; each checked against the
    officer's own organisations. False when the press reaches nothing of theirs."""
    db = database(context)
    actor = f"user:{user_id}"
    if action == "i":
        organisation = await access.scope(db, user_id, number, access.MANAGES)
        if organisation is None:
            return False
        await members.create_invite(db, organisation.id, actor, created_by=user_id)
        return True
    async with db.session() as session:
        target = await organisations.organisation_of(session, action, number)
    managed = (await access.scope(db, user_id, target.id, access.MANAGES)
               if target is not None else None)
    if managed is None:
        return False
    if action == "x":
        return await members.revoke_invite(db, number, managed, actor) is not None
    if action in ("a", "r"):
        decided = await members.decide(db, user_id, number, action == "a", managed)
        if decided is None:
            return False
        _ = translator(language).gettext
        await context.bot.send_message(decided.user_id, (
            "✅ " + _("You are now a member of {organisation}.") if action == "a"
            else "✖️ " + _("Your request to join {organisation} was declined.")).format(
                organisation=managed.name))
        return True
    return False
