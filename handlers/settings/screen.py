"""/settings, and the onboarding walk in /start: framework, profession, time zone, cycle date,
annual target, reminders and language; /organisations from here too.

Onboarding keeps no state of its own: the next question is the first setting still unset
(`bot.settings.profile.next_setup_step`), so a restart or a second instance carries on where it was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

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
from bot.cpd.explain import UNIT_NAMES, amount
from bot.cpd.rules import from_hundredths
from bot.library.loader import Library
from bot.settings import profile as settings
from bot.settings.profile import Settings
from handlers.assist.draft import provider
from handlers.callback_data import SettingAction, parse_setting_button, setting_button
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
from handlers.organisations import membership as organisations
from handlers.other import answer_expired
from handlers.reminders import remind
from storage import users
from storage.engine import Database
from storage.vocabulary import Awaiting

Screen = tuple[str, InlineKeyboardMarkup | None]
PROFESSION_NAMES = {"doctor": N_("Doctor"), "nurse": N_("Nurse or midwife"),
                    "other": N_("Other")}


def _button(text: str, action: SettingAction, argument: str | None = None) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=setting_button(action, argument))


def _target_text(context: ContextTypes.DEFAULT_TYPE, current: Settings, language: str) -> str:
    _ = translator(language).gettext
    framework = library(context).frameworks[current.framework_id]
    unit = _(UNIT_NAMES[framework.unit])
    if current.annual_target is not None:
        return _("{amount} {unit} a year (your own)").format(
            amount=amount(from_hundredths(current.annual_target), language), unit=unit)
    target = framework.target_for(current.profession)
    if target is None:
        return _("none set")
    return _("{amount} {unit} a year (the framework's)").format(
        amount=amount(target, language), unit=unit)


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
        _("Language: {language}").format(language=LANGUAGE_NAMES[language]),
    ]
    keyboard = [
        [_button(_("Framework"), SettingAction.FRAMEWORKS), _button(_("Profession"),
                                                                    SettingAction.PROFESSIONS)],
        [_button(_("Time zone"), SettingAction.ZONES), _button(_("Cycle date"),
                                                               SettingAction.CYCLE_DATE)],
        [_button(_("Annual target"), SettingAction.TARGET),
         _button("🏥 " + _("Organisations"), SettingAction.ORGANISATIONS)],
        [_button(_("Language"), SettingAction.LANGUAGE), _button("⏰ " + _("Reminders"),
                                                                 SettingAction.REMINDERS)],
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
    row = [_button("✨ " + _("AI help"), SettingAction.AI_HELP)] if help_on else []
    row += [_button("🎙 " + _("Voice notes"), SettingAction.VOICE_NOTES)] if voice_on else []
    if row:
        keyboard.append(row)
    return "\n".join(lines), InlineKeyboardMarkup(keyboard)


def zone_screen(current: Settings, language: str) -> Screen:
    _ = translator(language).gettext
    zones = suggested_zones(language)
    if current.time_zone and current.time_zone not in zones:
        zones = [current.time_zone, *zones]
    buttons = [_button(("✓ " if zone == current.time_zone else "") + zone_label(zone, language),
                       SettingAction.ZONE, zone) for zone in zones[:8]]
    keyboard = [*button_rows(buttons, 2),
                [_button("📍 " + _("Share my location"), SettingAction.SHARE_LOCATION),
                 _button("⌨️ " + _("Type a city"), SettingAction.TYPE_CITY)]]
    return ("🕒 " + _("Which time zone are you in? It decides which day your entries fall on "
                      "and when the bot writes to you."), InlineKeyboardMarkup(keyboard))


def framework_screen(context: ContextTypes.DEFAULT_TYPE, current: Settings,
                     language: str) -> Screen:
    _ = translator(language).gettext
    offered = settings.suggested_frameworks(library(context), language, current.time_zone,
                                            current.profession, today_in(current.time_zone))
    buttons = [[_button(("✓ " if f.id == current.framework_id and current.framework_chosen
                         else "") + f.name.in_(language), SettingAction.FRAMEWORK, f.id)]
               for f in offered]
    return ("🏛 " + _("Which CPD framework counts your credits? The likeliest are first."),
            InlineKeyboardMarkup(buttons))


def profession_screen(current: Settings, language: str) -> Screen:
    _ = translator(language).gettext
    buttons = [_button(("✓ " if code == current.profession else "") + _(name),
                       SettingAction.PROFESSION, code)
               for code, name in PROFESSION_NAMES.items()]
    return "🩺 " + _("What is your profession?"), InlineKeyboardMarkup([buttons])


def cycle_screen(current: Settings, language: str) -> Screen:
    _ = translator(language).gettext
    text = "📅 " + _("When is your next appraisal, revalidation or end of cycle? Send the "
                     "date, like 31.03.2027. Your CPD year and cycle are counted to it.")
    skip = _("Skip") if not current.setup_done else _("Clear the date")
    return text, InlineKeyboardMarkup([[_button(skip, SettingAction.NO_CYCLE_DATE)]])


def target_screen(context: ContextTypes.DEFAULT_TYPE, current: Settings,
                  language: str) -> Screen:
    _ = translator(language).gettext
    text = "🎯 " + _("Send your own annual target as a number, like 40. Now: {target}.").format(
        target=_target_text(context, current, language))
    return text, InlineKeyboardMarkup([[_button(_("Use the framework's target"),
                                                SettingAction.FRAMEWORK_TARGET)]])


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
            await users.expect_answer(session, chat_id, Awaiting.CYCLE)
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


@dataclass(frozen=True)
class SettingPress:
    """A settings button, pressed: who, where, their settings now, and the button's argument."""

    update: Update
    context: ContextTypes.DEFAULT_TYPE
    user_id: int
    chat_id: int
    current: Settings
    argument: str | None
    language: str

    def gettext(self, message: str) -> str:
        return translator(self.language).gettext(message)

    async def send(self, screen: Screen) -> None:
        text, keyboard = screen
        await self.context.bot.send_message(self.chat_id, text, reply_markup=keyboard)


Show = Callable[[SettingPress], Awaitable[None]]
Changed = tuple[Settings | None, str | None]  # the new settings (None: nothing changed), a note
Change = Callable[[SettingPress], Awaitable[Changed]]


def _screen(make: Callable[[SettingPress], Screen]) -> Show:
    async def show(press: SettingPress) -> None:
        await press.send(make(press))
    return show


def _ask(what: Awaiting, make: Callable[[SettingPress], Screen]) -> Show:
    """A prompt whose answer is typed: the user's next message is taken as `what`."""
    async def ask(press: SettingPress) -> None:
        async with database(press.context).session.begin() as session:
            await users.expect_answer(session, press.user_id, what)
        await press.send(make(press))
    return ask


async def _share_location(press: SettingPress) -> None:
    _ = press.gettext
    await press.context.bot.send_message(
        press.chat_id, "📍 " + _("Tap the button below to share your location. I only use it to "
                                "find your time zone, here on the server, and don't keep it."),
        reply_markup=ReplyKeyboardMarkup(
            [[KeyboardButton("📍 " + _("Share my location"), request_location=True)]],
            one_time_keyboard=True, resize_keyboard=True))


async def _language(press: SettingPress) -> None:
    await on_language(press.update, press.context)


async def _reminders(press: SettingPress) -> None:
    await remind.show(press.context, press.chat_id, press.user_id, press.language)


async def _organisations(press: SettingPress) -> None:
    """What each organisation sees, and sharing reflective text with each: per organisation,
    so it lives on its own screen."""
    await organisations.on_organisations(press.update, press.context)


# Buttons that show a screen or ask for a typed answer, and change nothing yet.
SHOWS: dict[SettingAction, Show] = {
    SettingAction.MENU: _screen(lambda p: menu_screen(p.context, p.current, p.language)),
    SettingAction.FRAMEWORKS: _screen(lambda p: framework_screen(p.context, p.current,
                                                                 p.language)),
    SettingAction.PROFESSIONS: _screen(lambda p: profession_screen(p.current, p.language)),
    SettingAction.ZONES: _screen(lambda p: zone_screen(p.current, p.language)),
    SettingAction.TYPE_CITY: _ask(Awaiting.ZONE, lambda p: (
        "⌨️ " + p.gettext("Type the name of your city, like Kyiv, Алматы or Lima."), None)),
    SettingAction.CYCLE_DATE: _ask(Awaiting.CYCLE, lambda p: cycle_screen(p.current, p.language)),
    SettingAction.TARGET: _ask(Awaiting.TARGET, lambda p: target_screen(p.context, p.current,
                                                                        p.language)),
    SettingAction.SHARE_LOCATION: _share_location,
    SettingAction.LANGUAGE: _language,
    SettingAction.REMINDERS: _reminders,
    SettingAction.ORGANISATIONS: _organisations,
}


async def _set_framework(press: SettingPress) -> Changed:
    if not press.argument:
        return None, None
    books = library(press.context)
    switched = await settings.set_framework(database(press.context), books, press.user_id,
                                            press.argument)
    if switched is None:
        return None, None
    _ = press.gettext
    framework = books.frameworks[press.argument]
    note = "✅ " + _("Framework: {name}.").format(name=framework.name.in_(press.language))
    note += "\n" + framework.counts_when.in_(press.language)
    if framework.unconfirmed:
        note += "\n⚠️ " + _("Some of its values are not yet confirmed against the "
                            "regulator's own documents; check them before relying on "
                            "the totals.")
    if switched.moved:
        note += "\n" + _("Recounted {count} entries of this cycle under it; earlier "
                         "entries keep the framework they were made under.").format(
                             count=switched.moved)
    return switched.settings, note


def _set(setter: Callable[[SettingPress], Awaitable[Settings | None]],
         note: Callable[[SettingPress, Settings], str] | None = None) -> Change:
    async def change(press: SettingPress) -> Changed:
        changed = await setter(press)
        return changed, note(press, changed) if note and changed else None
    return change


def _with_argument(setter: Callable[[Database, Library, int, str], Awaitable[Settings | None]]
                   ) -> Callable[[SettingPress], Awaitable[Settings | None]]:
    async def set_it(press: SettingPress) -> Settings | None:
        if not press.argument:
            return None
        return await setter(database(press.context), library(press.context), press.user_id,
                            press.argument)
    return set_it


def _ai_help_note(press: SettingPress, changed: Settings) -> str:
    _ = press.gettext
    return "✅ " + (_("Every new reflection starts with a draft from your note. Notes "
                     "that look identifiable are checked with you first.") if changed.ai_help
                   else _("Reflections start with the questions; “Draft it from my "
                          "note” asks for a draft when you want one."))


def _voice_note(press: SettingPress, changed: Settings) -> str:
    _ = press.gettext
    return "✅ " + (_("Voice notes will be sent for transcription.") if changed.voice_consent
                   else _("Voice notes stay as audio; I'll ask you to type a line."))


def _args(press: SettingPress) -> tuple[Database, Library, int]:
    return database(press.context), library(press.context), press.user_id


# Buttons that change a setting; the change is saved, then onboarding or the menu goes on.
CHANGES: dict[SettingAction, Change] = {
    SettingAction.FRAMEWORK: _set_framework,
    SettingAction.PROFESSION: _set(_with_argument(settings.set_profession)),
    SettingAction.ZONE: _set(_with_argument(settings.set_zone)),
    SettingAction.NO_CYCLE_DATE: _set(lambda p: settings.set_cycle_end(*_args(p), None)),
    SettingAction.FRAMEWORK_TARGET: _set(lambda p: settings.set_target(*_args(p), None)),
    SettingAction.AI_HELP: _set(lambda p: settings.set_ai_help(*_args(p), not p.current.ai_help),
                                _ai_help_note),
    SettingAction.VOICE_NOTES: _set(lambda p: settings.set_voice_consent(
        *_args(p), not p.current.voice_consent), _voice_note),
}
assert not set(SHOWS) & set(CHANGES) and set(SHOWS) | set(CHANGES) == set(SettingAction)


async def on_settings_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    parsed = parse_setting_button(query.data)
    user_id = query.from_user.id
    current = await settings.read(database(context), user_id) if parsed else None
    if parsed is None or current is None:
        await answer_expired(update, context)
        return
    action, argument = parsed
    language = await language_of(context, query.from_user)
    chat_id = query.message.chat.id if query.message else user_id
    press = SettingPress(update, context, user_id, chat_id, current, argument, language)
    if action in SHOWS:
        await query.answer()
        await SHOWS[action](press)
        return
    async with database(context).session.begin() as session:
        await users.forget_answer(session, user_id)
    changed, note = await CHANGES[action](press)
    if changed is None:
        await answer_expired(update, context)
        return
    await query.answer(press.gettext("Saved."))
    if query.message is not None:
        await edit_quietly(query.edit_message_reply_markup(None))
    await _after_change(context, chat_id, changed, language, note)


async def answer_setting(update: Update, context: ContextTypes.DEFAULT_TYPE, what: Awaiting,
                         argument: str) -> None:
    """A typed city, cycle date or target, asked for by the settings' ⌨️ buttons."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    db, books = database(context), library(context)
    language = await language_of(context, user)
    _ = translator(language).gettext
    text = message.text or ""
    changed: Settings | None = None
    if what is Awaiting.ZONE:
        zones = find_zones(text)
        if len(zones) == 1 or (zones and zone_city(zones[0], language).casefold()
                               == text.strip().casefold()):
            changed = await settings.set_zone(db, books, user.id, zones[0])
        elif zones:
            buttons = [_button(zone_label(zone, language), SettingAction.ZONE,
                               zone) for zone in zones]
            await message.reply_text(_("Which of these?"),
                                     reply_markup=InlineKeyboardMarkup(button_rows(buttons, 2)))
            return
    elif what is Awaiting.CYCLE:
        day = settings.parse_full_date(text)
        if day is not None:
            changed = await settings.set_cycle_end(db, books, user.id, day)
    elif what is Awaiting.TARGET:
        target = settings.parse_target(text)
        if target is not None:
            changed = await settings.set_target(db, books, user.id, target)
    if changed is None:
        problem = {
            Awaiting.ZONE: _("I couldn't find a time zone for that."),
            Awaiting.CYCLE: _("I couldn't read a date. Send it with the year, like 31.03.2027."),
            Awaiting.TARGET: _("I couldn't read a target. Send a number from 1 to 1000, like 40."),
        }[what]
        retry = {Awaiting.ZONE: SettingAction.TYPE_CITY, Awaiting.CYCLE: SettingAction.CYCLE_DATE,
                 Awaiting.TARGET: SettingAction.TARGET}[what]
        await capture_message(update, context)  # it may have been a note after all: keep it
        await message.reply_text(problem, reply_markup=InlineKeyboardMarkup(
            [[_button(_("Try again"), retry)]]))
        return
    await _after_change(context, message.chat_id, changed, language)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location sets the time zone, looked up offline; the location isn't kept."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None and message.location is not None
    language = await language_of(context, user)
    _ = translator(language).gettext
    zone = zone_at(message.location.latitude, message.location.longitude)
    changed = (await settings.set_zone(database(context), library(context), user.id, zone)
               if zone else None)
    if zone is None or changed is None:
        await message.reply_text(_("I couldn't find a time zone for that place. Pick one from "
                                   "the list or type your city."),
                                 reply_markup=ReplyKeyboardRemove())
        return
    await _after_change(context, message.chat_id, changed, language,
                        "✅ " + _("Time zone: {zone}").format(zone=zone_label(zone, language)))
