"""/help and /language, plus the localised command menus."""

from __future__ import annotations

from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.common.i18n import (
    LANGUAGE_NAMES,
    N_,
    SUPPORTED_LANGUAGES,
    parse_language,
    translator,
)
from handlers.callback_data import language_button, parse_language_button
from handlers.common import button_rows, database, language_of
from handlers.other import answer_expired
from storage import users

COMMANDS = [
    ("start", N_("How this bot works")),
    ("reflect", N_("Reflect on something you learned")),
    ("inbox", N_("Moments waiting for reflection")),
    ("log", N_("Your saved reflections; /log word searches")),
    ("summary", N_("Your CPD credits, pace and chart")),
    ("export", N_("Download your portfolio: PDF, Excel, CSV, JSON")),
    ("import", N_("Add past CPD records from a CSV or Excel file")),
    ("settings", N_("Framework, time zone, cycle date, target")),
    ("remind", N_("Reminders: when, what, quiet hours")),
    ("organisations", N_("Your organisations: what each sees, sharing, leaving")),
    ("org", N_("For CPD officers: your organisations, links, approvals")),
    ("console", N_("For CPD officers: a sign-in link to the web console")),
    ("privacy", N_("Who sees your data; download it all or erase your account")),
    ("language", N_("Change the language")),
    ("help", N_("What I can do")),
]


async def publish_command_menus(bot: Bot) -> None:
    """One menu per language, so Telegram shows each user theirs."""
    for language in SUPPORTED_LANGUAGES:
        _ = translator(language).gettext
        commands = [BotCommand(name, _(description)) for name, description in COMMANDS]
        await bot.set_my_commands(commands, language_code=language)
    _ = translator("en").gettext
    await bot.set_my_commands([BotCommand(name, _(text)) for name, text in COMMANDS])


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    _ = translator(await language_of(context, update.effective_user)).gettext
    menu = "\n".join(f"/{name} — {_(description)}" for name, description in COMMANDS)
    await message.reply_text("\n\n".join([
        _("I keep your learning moments and help you turn them into CPD reflections."),
        menu,
        _("While answering questions: /skip moves past an optional one, /back returns to "
          "the one before, /cancel stops and keeps your answers."),
        _("I keep text, links, photos, documents, voice notes, audio, video and forwarded "
          "posts. Edit a message and I update what I kept."),
        _("Reflections are personal. Leave out names, dates of birth, hospital numbers and "
          "anything else that identifies a patient."),
    ]))


def _language_keyboard(current: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(button_rows([
        InlineKeyboardButton(("✓ " if code == current else "") + LANGUAGE_NAMES[code],
                             callback_data=language_button(code))
        for code in SUPPORTED_LANGUAGES
    ], 4))


async def on_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The language menu; "/language ru" (or "Español", "Russian") switches straight away."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    current = await language_of(context, user)
    _ = translator(current).gettext
    argument = " ".join(context.args or ()) if update.callback_query is None else ""
    code = parse_language(argument) if argument else None
    if code is not None and user is not None:
        async with database(context).session.begin() as session:
            await users.upsert_user(session, user.id, user.first_name, user.language_code)
            await users.set_language(session, user.id, code)
        _ = translator(code).gettext
        await message.reply_text(_("Language set: {language}.").format(
            language=LANGUAGE_NAMES[code]), reply_markup=_language_keyboard(code))
        return
    text = _("Choose your language:")
    if argument:
        text = "⚠️ " + _("I don't know the language “{argument}”.").format(
            argument=argument) + " " + text
    await message.reply_text(text, reply_markup=_language_keyboard(current))


async def on_language_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    code = parse_language_button(query.data)
    if code not in SUPPORTED_LANGUAGES:
        await answer_expired(update, context)
        return
    user = query.from_user
    async with database(context).session.begin() as session:
        await users.upsert_user(session, user.id, user.first_name, user.language_code)
        await users.set_language(session, user.id, code)
    _ = translator(code).gettext
    await query.answer()
    await query.edit_message_text(
        _("Language set: {language}.").format(language=LANGUAGE_NAMES[code]),
        reply_markup=_language_keyboard(code),
    )
