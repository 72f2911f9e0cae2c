"""/export for a clinician's own portfolio, /admin_export for an organisation's CPD log.

Both ask for a period, then a format, and send the file as a Telegram document. The period
rides in the button ("y" this CPD year, "c" this cycle, "12" the last 12 months, "py" last
calendar year, or explicit dates), so a press after a restart still works. An organisation's
export is its officers' alone, for it and everything below it: the organisation's id rides in
the button too ("ax:<org>:..."), and the presser's role there is read from the database on
every press, never taken from the button.
A clinician's "py" is the CPD year before this one, offered with Ukraine's education portfolio
("ua-pdf", "ua-xlsx") to those on the `ua_moh` framework, who send it by 1 March for the
year before.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.common.i18n import translator
from bot.cpd.periods import Period, cpd_year, cycle
from bot.cpd.personal import framework_of
from bot.exports.files import (
    FORMATS,
    UA_FORMATS,
    UA_FRAMEWORK,
    EvidencePictures,
    write_export,
)
from bot.exports.records import Query, Text
from bot.organisations import access
from bot.runtime.files import telegram_fetch
from bot.settings.profile import parse_full_date, read
from handlers.callback_data import Prefix, pattern
from handlers.capture.messages import capture_message
from handlers.common import (
    button_rows,
    config,
    database,
    language_of,
    library,
    register_user,
    today_in,
)
from handlers.other import answer_expired
from storage import credit_records, users
from storage.models import Organisation
from storage.vocabulary import Awaiting

USER_FORMATS = ("pdf", "xlsx", "csv", "json", "xapi")
ADMIN_FORMATS = ("xlsx", "csv")
_BUTTON = re.compile(rf"^({Prefix.EXPORT}|{Prefix.ADMIN_EXPORT}):(?:(\d{{1,18}}):)?(p|f):"
                     r"(y|c|12|py|d|\d{8}-\d{8})(?::([a-z]{3,4}|ua-pdf|ua-xlsx))?$")
_CHOOSE = re.compile(rf"^{Prefix.ADMIN_EXPORT}:(\d{{1,18}}):o$")
EXPORT_PATTERN = pattern(Prefix.EXPORT, Prefix.ADMIN_EXPORT)
_RANGE = re.compile(r"^\s*(\S+)\s*(?:-|–|—|\.\.)\s*(\S+)\s*$")


async def _managed(context: ContextTypes.DEFAULT_TYPE, user_id: int,
                   organisation_id: int | None) -> Organisation | None:
    """The organisation, if the presser is its officer (or an officer above it)."""
    if organisation_id is None:
        return None
    return await access.scope(database(context), user_id, organisation_id, access.MANAGES)


async def _user_formats(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> tuple[str, ...]:
    """The clinician's formats: Ukraine's portfolio too for those under its framework."""
    current = await read(database(context), user_id)
    ua = current is not None and current.framework_id == UA_FRAMEWORK
    return (*USER_FORMATS, *UA_FORMATS) if ua else USER_FORMATS


def _period_keyboard(prefix: str, language: str, ua: bool = False,
                     organisation_id: int | None = None) -> InlineKeyboardMarkup:
    _ = translator(language).gettext
    first = ([(_("This CPD year"), "y"), (_("This cycle"), "c")] if prefix == Prefix.EXPORT
             else [(_("This year"), "y"), (_("Last year"), "py")])
    if ua:  # the portfolio goes to the employer by 1 March for the year before
        first.append((_("Last year"), "py"))
    choices = [*first, (_("Last 12 months"), "12"), (_("Choose dates"), "d")]
    head = f"{prefix}:{organisation_id}" if organisation_id is not None else prefix
    return InlineKeyboardMarkup(button_rows(
        [InlineKeyboardButton(text, callback_data=f"{head}:p:{code}")
         for text, code in choices], 2))


def _format_keyboard(prefix: str, period_code: str, language: str,
                     formats: tuple[str, ...] = ADMIN_FORMATS,
                     organisation_id: int | None = None) -> InlineKeyboardMarkup:
    _ = translator(language).gettext
    names = {"pdf": "PDF", "xlsx": "Excel", "csv": "CSV", "json": "JSON", "xapi": "xAPI",
             "ua-pdf": _("Education portfolio (PDF)"),
             "ua-xlsx": _("Education portfolio (Excel)")}
    rows = [[fmt for fmt in formats if fmt not in UA_FORMATS],
            [fmt for fmt in formats if fmt in UA_FORMATS]]
    head = f"{prefix}:{organisation_id}" if organisation_id is not None else prefix
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        names[fmt], callback_data=f"{head}:f:{period_code}:{fmt}") for fmt in row]
        for row in rows if row])


def _dates_code(period: Period) -> str:
    return f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"


async def _resolve(context: ContextTypes.DEFAULT_TYPE, user_id: int, code: str,
                   admin: bool) -> Period | None:
    current = await read(database(context), user_id)
    if current is None:
        return None
    today = today_in(current.time_zone)
    if code == "12":
        return Period(today - timedelta(days=364), today)
    if admin and code in ("y", "py"):
        year = today.year - (code == "py")
        return Period(date(year, 1, 1), date(year, 12, 31))
    framework = framework_of(library(context), current.framework_id)
    if code == "y":
        return cpd_year(framework, today, current.cycle_end)
    if code == "py":  # the CPD year before this one
        this = cpd_year(framework, today, current.cycle_end)
        return cpd_year(framework, this.start - timedelta(days=1), current.cycle_end)
    if code == "c":
        return cycle(framework, today, current.cycle_end, today)
    start, end = code.split("-")
    try:
        return Period(date(int(start[:4]), int(start[4:6]), int(start[6:])),
                      date(int(end[:4]), int(end[4:6]), int(end[6:])))
    except ValueError:
        return None


def xapi_base(context: ContextTypes.DEFAULT_TYPE) -> str:
    """exports.xapi_base_url, or the bot's own t.me address: it names the system the
    statements' accounts (Telegram users of this bot) live on."""
    return config(context).exports.xapi_base_url or f"https://t.me/{context.bot.username}"


async def on_export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    language = await register_user(context, user)
    _ = translator(language).gettext
    ua = UA_FORMATS[0] in await _user_formats(context, user.id)
    await message.reply_text("📦 " + _("Which period should the export cover?"),
                             reply_markup=_period_keyboard(Prefix.EXPORT, language, ua))


async def on_admin_export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    language = await register_user(context, user)
    _ = translator(language).gettext
    managed = await access.roles_of(database(context), user.id, access.MANAGES)
    if not managed:
        await message.reply_text(_("This command is for the CPD officers of an organisation. "
                                   "/organisations shows yours."))
        return
    if len(managed) > 1:
        await message.reply_text("🏥 " + _("Which organisation's CPD log?"), reply_markup=(
            InlineKeyboardMarkup([[InlineKeyboardButton(
                organisation.name, callback_data=f"{Prefix.ADMIN_EXPORT}:{organisation.id}:o")]
                for organisation, _role in managed])))
        return
    await message.reply_text(**_admin_period(managed[0][0], language))


def _admin_period(organisation: Organisation, language: str) -> dict[str, Any]:
    _ = translator(language).gettext
    return {"text": "🏥 " + _("The CPD records of {organisation} and everything below it, "
                             "for a period. Reflective text is included only from members "
                             "who share it with this organisation. Which period?").format(
                organisation=organisation.name),
            "reply_markup": _period_keyboard(Prefix.ADMIN_EXPORT, language,
                                             organisation_id=organisation.id)}


async def on_export_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    user_id = query.from_user.id
    language = await language_of(context, query.from_user)
    chosen = _CHOOSE.fullmatch(query.data or "")
    if chosen is not None:
        organisation = await _managed(context, user_id, int(chosen[1]))
        if organisation is None:
            await answer_expired(update, context)
            return
        await query.answer()
        await context.bot.send_message(user_id, **_admin_period(organisation, language))
        return
    match = _BUTTON.fullmatch(query.data or "")
    admin = match is not None and match[1] == Prefix.ADMIN_EXPORT
    organisation = (await _managed(context, user_id, int(match[2]) if match[2] else None)
                    if match is not None and admin else None)
    if match is None or (admin and organisation is None) or (not admin and match[2]):
        await answer_expired(update, context)
        return
    prefix, _org, step, code, fmt = match.groups()
    org_id = organisation.id if organisation is not None else None
    _ = translator(language).gettext
    chat_id = query.message.chat.id if query.message else user_id
    if step == "p" and code == "d":
        async with database(context).session.begin() as session:
            if organisation is None:
                await users.expect_answer(session, user_id, Awaiting.EXPORT_DATES)
            else:
                await users.expect_answer(session, user_id, Awaiting.ORG_EXPORT_DATES,
                                          organisation.id)
        await query.answer()
        await context.bot.send_message(chat_id, _("Send the dates as “from – to”, like "
                                                  "01.04.2025 – 31.03.2026."))
        return
    period = await _resolve(context, user_id, code, admin)
    if period is None or period.end < period.start:
        await answer_expired(update, context)
        return
    formats = ADMIN_FORMATS if admin else await _user_formats(context, user_id)
    if step == "p":
        await query.answer()
        await context.bot.send_message(
            chat_id, _("Which format? ({start} – {end})").format(
                start=f"{period.start:%d.%m.%Y}", end=f"{period.end:%d.%m.%Y}"),
            reply_markup=_format_keyboard(prefix, _dates_code(period), language, formats,
                                          org_id))
        return
    if fmt not in formats:
        await answer_expired(update, context)
        return
    await query.answer(_("Preparing your file…"))
    await send_export(context, chat_id, user_id, period, fmt, organisation, language)


async def send_export(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int,
                      period: Period, fmt: str, organisation: Organisation | None,
                      language: str) -> None:
    """The file, for the clinician's own records or (with `organisation`) an officer's."""
    _ = translator(language).gettext
    db = database(context)
    admin = organisation is not None
    query = Query(period.start, period.end, None if admin else user_id,
                  Text.SHARED if admin else Text.ALL, language,
                  organisation.path if organisation is not None else None)
    buffer = io.BytesIO()
    limits = config(context).exports
    count = await write_export(db, library(context), query, fmt, buffer,
                               xapi_base=xapi_base(context), evidence=EvidencePictures(
                                   telegram_fetch(context.bot),
                                   int(limits.evidence_max_mb * 1024 * 1024),
                                   limits.evidence_pictures))
    async with db.session.begin() as session:
        credit_records.audit(session, f"user:{user_id}",
                             "admin_export" if admin else "export",
                             user_id=None if admin else user_id,
                             organisation=organisation.id if organisation else None, format=fmt,
                             start=period.start.isoformat(), end=period.end.isoformat(),
                             records=count)
    size_mb = buffer.tell() / 1_000_000
    limit = config(context).exports.max_document_mb
    if size_mb > limit:
        await context.bot.send_message(chat_id, _(
            "That file would be {size:.1f} MB, more than the {limit:g} MB Telegram lets me "
            "send. Choose a shorter period, or ask your administrator for `cpdbot export`."
        ).format(size=size_mb, limit=limit))
        return
    name = ("cpd-log" if admin else "cpd-portfolio-ua" if fmt in UA_FORMATS
            else "cpd-portfolio") + (
        f"-{period.start.isoformat()}-{period.end.isoformat()}.{FORMATS[fmt].suffix}")
    buffer.seek(0)
    await context.bot.send_document(chat_id, buffer, filename=name, caption=_(
        "{count} CPD records, {start} – {end}.").format(
            count=count, start=f"{period.start:%d.%m.%Y}", end=f"{period.end:%d.%m.%Y}"))


async def answer_dates(update: Update, context: ContextTypes.DEFAULT_TYPE, what: Awaiting,
                       argument: str) -> None:
    """Typed "from – to" dates for an export; then the format buttons."""
    prefix = Prefix.ADMIN_EXPORT if what is Awaiting.ORG_EXPORT_DATES else Prefix.EXPORT
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    organisation_id = int(argument) if argument.isdigit() else None
    language = await language_of(context, user)
    _ = translator(language).gettext
    match = _RANGE.fullmatch(message.text or "")
    start = parse_full_date(match[1]) if match else None
    end = parse_full_date(match[2]) if match else None
    if start is None or end is None or end < start:
        await capture_message(update, context)  # it may have been a note after all: keep it
        await message.reply_text(_("I couldn't read two dates. Send them like 01.04.2025 – "
                                   "31.03.2026, or press /export again."))
        return
    await message.reply_text(
        _("Which format? ({start} – {end})").format(start=f"{start:%d.%m.%Y}",
                                                    end=f"{end:%d.%m.%Y}"),
        reply_markup=_format_keyboard(
            prefix, _dates_code(Period(start, end)), language,
            await _user_formats(context, user.id) if prefix == Prefix.EXPORT
            else ADMIN_FORMATS, organisation_id))
