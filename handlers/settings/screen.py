"""/settings, and the onboarding walk in /start: framework, profession, time zone, cycle date,
annual target and sharing with administrators.

Onboarding keeps no state of its own: the next question is the first setting still unset
(`bot.settings.profile.next_setup_step`), so a restart or a second instance carries on where it was.
"""

from __future__ import annotations

import re

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import ContextTypes

from bot.assist import help as assist
from bot.common.i18n import LANGUAGE_NAMES, N_, translator
from bot.common.timezones import find_zones, suggested_zones, zone_at, zone_city, zone_label
from bot.cpd.explain import UNIT_NAMES
from bot.cpd.rules import from_hundredths
from bot.settings import profile as settings
from bot.settings.profile import Settings
from handlers.assist import voice
from handlers.assist.draft import provider
from handlers.callback_data import parse_setting_button, setting_button
from handlers.capture.messages import capture_message
from handlers.commands import on_language
from handlers.common import (
    button_rows,
    config,
    database,
    edit_quietly,
    language_of,
    library,
    register_user,
    today_in,
)
from handlers.cpd.export import answer_dates
from handlers.other import answer_expired
from handlers.reminders import remind
from storage import users

Screen = tuple[str, InlineKeyboardMarkup | None]
PROFESSION_NAMES = {"doctor": N_("Doctor"), "nurse": N_("Nurse or midwife"),
                    "other": N_("Other")}


def _button(text: str, action: str, argument: str | None = None) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=setting_button(action, argument))


def _target_text(context: ContextTypes.DEFAULT_TYPE, current: Settings, language: str) -> str:
    _ = translator(language).gettext
    framework = library(context).frameworks[current.framework_id]
    unit = _(UNIT_NAMES[framework.unit])
    if current.annual_target is not None:
        return _("{amount} {unit} a year (your own)").format(
            amount=from_hundredths(current.annual_target).normalize(), unit=unit)
    target = framework.target_for(current.profession)
    if target is None:
        return _("none set")
    return _("{amount} {unit} a year (the framework's)").format(amount=target.normalize(),
                                                                unit=unit)


def menu_screen(context: ContextTypes.DEFAULT_TYPE, current: Settings, language: str) -> Screen:
    _ = translator(language).gettext
    framework = library(context).frameworks[current.framework_id]
    lines = [
        "⚙️ " + _("Your settings"),
        "",
        _("Framework: {name}").format(name=framework.name.in_(language)),
        _("Profession: {profession}").format(
            profession=_(PROFESSION_NAMES[current.profession]) if current.profession
            else _("not set")),
        _("Time zone: {zone}").format(
            zone=zone_label(current.time_zone, language) if current.time_zone
            else _("not set (UTC)")),
        _("Appraisal or cycle date: {date}").format(
            date=current.cycle_end.strftime("%d.%m.%Y") if current.cycle_end else _("not set")),
        _("Annual target: {target}").format(target=_target_text(context, current, language)),
        _("Share my reflections with administrators: {answer}").format(
            answer=_("yes") if current.share_reflections else _("no")),
        _("Language: {language}").format(language=LANGUAGE_NAMES[language]),
    ]
    keyboard = [
        [_button(_("Framework"), "fw"), _button(_("Profession"), "pr")],
        [_button(_("Time zone"), "tz"), _button(_("Cycle date"), "cd")],
        [_button(_("Annual target"), "tg"), _button(_("Sharing"), "sh")],
        [_button(_("Language"), "ln"), _button("⏰ " + _("Reminders"), "rm")],
    ]
    help_on = assist.available(config(context), provider(context))
    lines.append(_("AI help: {answer}").format(answer=(
        _("not set up on this server") if not help_on
        else _("drafts every reflection from your note") if current.ai_help
        else _("when you press “Draft it from my note”"))))
    voice_on = help_on and config(context).llm.transcribe
    if voice_on:
        lines.append(_("Voice notes to text: {answer}").format(answer=(
            _("not asked yet") if current.voice_consent is None
            else _("yes") if current.voice_consent else _("no"))))
    row = [_button("✨ " + _("AI help"), "ai")] if help_on else []
    row += [_button("🎙 " + _("Voice notes"), "vo")] if voice_on else []
    if row:
        keyboard.append(row)
    return "\n".join(lines), InlineKeyboardMarkup(keyboard)


def zone_screen(current: Settings, language: str) -> Screen:
    _ = translator(language).gettext
    zones = suggested_zones(language)
    if current.time_zone and current.time_zone not in zones:
        zones = [current.time_zone, *zones]
    buttons = [_button(("✓ " if zone == current.time_zone else "") + zone_label(zone, language),
                       "zs", zone) for zone in zones[:8]]
    keyboard = [*button_rows(buttons, 2),
                [_button("📍 " + _("Share my location"), "zl"),
                 _button("⌨️ " + _("Type a city"), "zt")]]
    return ("🕒 " + _("Which time zone are you in? It decides which day your entries fall on "
                      "and when the bot writes to you."), InlineKeyboardMarkup(keyboard))


def framework_screen(context: ContextTypes.DEFAULT_TYPE, current: Settings,
                     language: str) -> Screen:
    _ = translator(language).gettext
    offered = settings.suggested_frameworks(library(context), language, current.time_zone,
                                            current.profession, today_in(current.time_zone))
    buttons = [[_button(("✓ " if f.id == current.framework_id and current.framework_chosen
                         else "") + f.name.in_(language), "fs", f.id)] for f in offered]
    return ("🏛 " + _("Which CPD framework counts your credits? The likeliest are first."),
            InlineKeyboardMarkup(buttons))


def profession_screen(current: Settings, language: str) -> Screen:
    _ = translator(language).gettext
    buttons = [_button(("✓ " if code == current.profession else "") + _(name), "ps", code)
               for code, name in PROFESSION_NAMES.items()]
    return "🩺 " + _("What is your profession?"), InlineKeyboardMarkup([buttons])


def cycle_screen(current: Settings, language: str) -> Screen:
    _ = translator(language).gettext
    text = "📅 " + _("When is your next appraisal, revalidation or end of cycle? Send the "
                     "date, like 31.03.2027. Your CPD year and cycle are counted to it.")
    skip = _("Skip") if not current.setup_done else _("Clear the date")
    return text, InlineKeyboardMarkup([[_button(skip, "cx")]])


def target_screen(context: ContextTypes.DEFAULT_TYPE, current: Settings,
                  language: str) -> Screen:
    _ = translator(language).gettext
    text = "🎯 " + _("Send your own annual target as a number, like 40. Now: {target}.").format(
        target=_target_text(context, current, language))
    return text, InlineKeyboardMarkup([[_button(_("Use the framework's target"), "tx")]])


def setup_screen(context: ContextTypes.DEFAULT_TYPE, current: Settings, language: str,
                 step: str) -> Screen:
    if step == "zone":
        return zone_screen(current, language)
    if step == "framework":
        return framework_screen(context, current, language)
    if step == "profession":
        return profession_screen(current, language)
    return cycle_screen(current, language)


async def _ask_next(context: ContextTypes.DEFAULT_TYPE, chat_id: int, current: Settings,
                    language: str, lead: str = "") -> bool:
    """Ask onboarding's next question, if any. The cycle date is typed, so the user's next
    message is taken as it (chats with the bot are private: the chat is the user)."""
    step = settings.next_setup_step(current)
    if step is None:
        return False
    if step == "cycle":
        async with database(context).session.begin() as session:
            await users.expect_setting(session, chat_id, "cycle")
    text, keyboard = setup_screen(context, current, language, step)
    await context.bot.send_message(chat_id, lead + text, reply_markup=keyboard)
    return True


async def _after_change(context: ContextTypes.DEFAULT_TYPE, chat_id: int, current: Settings,
                        language: str, note: str | None = None) -> None:
    """Onboarding goes on to the next question; otherwise the settings menu is shown."""
    _ = translator(language).gettext
    if note:
        await context.bot.send_message(chat_id, note, reply_markup=ReplyKeyboardRemove())
    if await _ask_next(context, chat_id, current, language) or not current.setup_done:
        return
    text, keyboard = menu_screen(context, current, language)
    if note is None:
        text = "✅ " + _("Saved.") + "\n\n" + text
    await context.bot.send_message(chat_id, text, reply_markup=keyboard)


async def start_setup(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int,
                      language: str) -> None:
    """From /start: ask the first setting still missing, if any."""
    current = await settings.read(database(context), user_id)
    if current is None:
        return
    _ = translator(language).gettext
    await _ask_next(context, chat_id, current, language,
                    _("Let's set up CPD credits; it takes a minute. You can change any of it "
                      "later in /settings.") + "\n\n")


async def on_settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    language = await register_user(context, user)
    current = await settings.read(database(context), user.id)
    assert current is not None
    text, keyboard = menu_screen(context, current, language)
    await message.reply_text(text, reply_markup=keyboard)


async def on_settings_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    parsed = parse_setting_button(query.data)
    user_id = query.from_user.id
    db, books = database(context), library(context)
    current = await settings.read(db, user_id) if parsed else None
    if parsed is None or current is None:
        await answer_expired(update, context)
        return
    action, argument = parsed
    language = await language_of(context, query.from_user)
    _ = translator(language).gettext
    chat_id = query.message.chat.id if query.message else user_id
    screens = {"ms": lambda: menu_screen(context, current, language),
               "fw": lambda: framework_screen(context, current, language),
               "pr": lambda: profession_screen(current, language),
               "tz": lambda: zone_screen(current, language)}
    if action in screens:
        await query.answer()
        text, keyboard = screens[action]()
        await context.bot.send_message(chat_id, text, reply_markup=keyboard)
        return
    if action in ("zt", "cd", "tg"):
        name = {"zt": "zone", "cd": "cycle", "tg": "target"}[action]
        async with db.session.begin() as session:
            await users.expect_setting(session, user_id, name)
        await query.answer()
        text, keyboard = {
            "zt": ("⌨️ " + _("Type the name of your city, like Kyiv, Алматы or Lima."), None),
            "cd": cycle_screen(current, language),
            "tg": target_screen(context, current, language),
        }[action]
        await context.bot.send_message(chat_id, text, reply_markup=keyboard)
        return
    if action == "zl":
        await query.answer()
        await context.bot.send_message(
            chat_id, "📍 " + _("Tap the button below to share your location. I only use it to "
                              "find your time zone, here on the server, and don't keep it."),
            reply_markup=ReplyKeyboardMarkup(
                [[KeyboardButton("📍 " + _("Share my location"), request_location=True)]],
                one_time_keyboard=True, resize_keyboard=True))
        return
    if action == "ln":
        await query.answer()
        await on_language(update, context)
        return
    if action == "rm":
        await query.answer()
        await remind.show(context, chat_id, user_id, language)
        return
    async with db.session.begin() as session:
        await users.forget_setting(session, user_id)
    changed: Settings | None = None
    note: str | None = None
    if action == "fs" and argument:
        switched = await settings.set_framework(db, books, user_id, argument)
        if switched is not None:
            changed = switched.settings
            framework = books.frameworks[argument]
            note = "✅ " + _("Framework: {name}.").format(name=framework.name.in_(language))
            note += "\n" + framework.counts_when.in_(language)
            if framework.unconfirmed:
                note += "\n⚠️ " + _("Some of its values are not yet confirmed against the "
                                    "regulator's own documents; check them before relying on "
                                    "the totals.")
            if switched.moved:
                note += "\n" + _("Recounted {count} entries of this cycle under it; earlier "
                                 "entries keep the framework they were made under.").format(
                                     count=switched.moved)
    elif action == "ps" and argument:
        changed = await settings.set_profession(db, books, user_id, argument)
    elif action == "zs" and argument:
        changed = await settings.set_zone(db, books, user_id, argument)
    elif action == "cx":
        changed = await settings.set_cycle_end(db, books, user_id, None)
    elif action == "tx":
        changed = await settings.set_target(db, books, user_id, None)
    elif action == "ai":
        changed = await settings.set_ai_help(db, books, user_id, not current.ai_help)
        if changed is not None:
            note = "✅ " + (_("Every new reflection starts with a draft from your note. Notes "
                              "that look identifiable are checked with you first.")
                            if changed.ai_help
                            else _("Reflections start with the questions; “Draft it from my "
                                   "note” asks for a draft when you want one."))
    elif action == "vo":
        changed = await settings.set_voice_consent(db, books, user_id,
                                                   not current.voice_consent)
        if changed is not None:
            note = "✅ " + (_("Voice notes will be sent for transcription.")
                            if changed.voice_consent
                            else _("Voice notes stay as audio; I'll ask you to type a line."))
    elif action == "sh":
        changed = await settings.set_sharing(db, books, user_id, not current.share_reflections)
        if changed is not None:
            note = "✅ " + (_("Administrators of your organisation will see the text of your "
                              "reflections in their exports.") if changed.share_reflections
                            else _("Administrators will see only dates, activities, time and "
                                   "credits, never the text of your reflections."))
    if changed is None:
        await answer_expired(update, context)
        return
    await query.answer(_("Saved."))
    if query.message is not None:
        await edit_quietly(query.edit_message_reply_markup(None))
    await _after_change(context, chat_id, changed, language, note)


async def answer_setting(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Use a text message as the setting the user was asked to type; False if none is due."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    db, books = database(context), library(context)
    async with db.session.begin() as session:
        name = await users.pending_setting(session, user.id)
        if name is None or (name not in ("zone", "cycle", "target", "exdates", "axdates",
                                        "remind", "quiet") and not \
                re.fullmatch(rf"{voice.LINE_SETTING}\d+", name)):
            return False
        await users.expect_setting(session, user.id, None)
    if name.startswith(voice.LINE_SETTING):
        await voice.add_line(update, context, int(name.removeprefix(voice.LINE_SETTING)))
        return True
    if name.endswith("dates"):
        await answer_dates(update, context, name[:2])
        return True
    if name in ("remind", "quiet"):
        await remind.answer_typed(update, context, name)
        return True
    language = await language_of(context, user)
    _ = translator(language).gettext
    text = message.text or ""
    changed: Settings | None = None
    if name == "zone":
        zones = find_zones(text)
        if len(zones) == 1 or (zones and zone_city(zones[0], language).casefold()
                               == text.strip().casefold()):
            changed = await settings.set_zone(db, books, user.id, zones[0])
        elif zones:
            buttons = [_button(zone_label(zone, language), "zs", zone) for zone in zones]
            await message.reply_text(_("Which of these?"),
                                     reply_markup=InlineKeyboardMarkup(button_rows(buttons, 2)))
            return True
    elif name == "cycle":
        day = settings.parse_full_date(text)
        if day is not None:
            changed = await settings.set_cycle_end(db, books, user.id, day)
    else:
        target = settings.parse_target(text)
        if target is not None:
            changed = await settings.set_target(db, books, user.id, target)
    if changed is None:
        problem = {
            "zone": _("I couldn't find a time zone for that."),
            "cycle": _("I couldn't read a date. Send it with the year, like 31.03.2027."),
            "target": _("I couldn't read a target. Send a number from 1 to 1000, like 40."),
        }[name]
        retry = {"zone": "zt", "cycle": "cd", "target": "tg"}[name]
        await capture_message(update, context)  # it may have been a note after all: keep it
        await message.reply_text(problem, reply_markup=InlineKeyboardMarkup(
            [[_button(_("Try again"), retry)]]))
        return True
    await _after_change(context, message.chat_id, changed, language)
    return True


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location sets the time zone, looked up offline; the location isn't kept."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None and message.location is not None
    language = await language_of(context, user)
    _ = translator(language).gettext
    zone = zone_at(message.location.latitude, message.location.longitude)
    changed = (await settings.set_zone(database(context), library(context), user.id, zone)
               if zone else None)
    if changed is None:
        await message.reply_text(_("I couldn't find a time zone for that place. Pick one from "
                                   "the list or type your city."),
                                 reply_markup=ReplyKeyboardRemove())
        return
    await _after_change(context, message.chat_id, changed, language,
                        "✅ " + _("Time zone: {zone}").format(zone=zone_label(zone, language)))
