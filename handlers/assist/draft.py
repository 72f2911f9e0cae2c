"""AI help in the chat: the draft from the clinician's note, the privacy check or the confirm
screen before it, and the one-line notice when help is unavailable. The guided questions then
carry on as usual."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot.assist import help as assist
from bot.assist.help import Drafted, Result, fingerprint
from bot.assist.provider import Failure, Provider
from bot.common.i18n import translator
from bot.common.text import preview
from bot.library.loader import Library
from bot.privacy.guard import marked
from bot.reflection import flow as reflections
from handlers.callback_data import ReflectionAction, reflection_button
from handlers.common import config, database, library, send_screen
from handlers.privacy import identifier_names
from storage import users
from storage.models import Reflection

Screen = tuple[str, InlineKeyboardMarkup | None]
NOTE_SHOWN = 1500  # characters of the marked note shown on the privacy screen


def provider(context: ContextTypes.DEFAULT_TYPE) -> Provider | None:
    return context.application.bot_data.get("llm")


async def wants_help(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> bool:
    """The user drafts every reflection with help, and help is set up."""
    if not assist.available(config(context), provider(context)):
        return False
    async with database(context).session() as session:
        return await users.wants_ai_help(session, user_id)


async def draft(context: ContextTypes.DEFAULT_TYPE, user_id: int, reflection_id: int,
                language: str, shown: str | None = None, redacting: bool = False) -> Drafted:
    """Ask for a draft and say what came of it: the draft, the privacy or confirm screen, or a
    notice. `shown` is the fingerprint a confirm screen's Send (or, `redacting`, its Redact
    and send) button carries."""
    llm = provider(context)
    if llm is None:
        return Drafted(Result.GONE)
    settings = config(context)
    if shown is not None or settings.send_to_llm != "confirm":
        await context.bot.send_chat_action(user_id, ChatAction.TYPING)
    if redacting and shown is not None:
        drafted = await assist.redact_and_send(database(context), library(context), settings,
                                               llm, user_id, reflection_id, language, shown)
    else:
        drafted = await assist.draft(database(context), library(context), settings, llm,
                                     user_id, reflection_id, language, shown)
    _ = translator(language).gettext
    if drafted.result is Result.FLAGGED:
        await send_screen(context.bot, user_id, privacy_screen(drafted, language))
    elif drafted.result is Result.CONFIRM:
        await send_screen(context.bot, user_id,
                          confirm_screen(drafted, settings.llm.host, language))
    elif drafted.result is Result.DRAFTED and drafted.reflection is not None:
        await send_screen(context.bot, user_id,
                          (draft_text(library(context), drafted, language), None))
    elif drafted.result is Result.FAILED:
        await context.bot.send_message(user_id, "⚠️ " + failure_notice(drafted.failure,
                                                                      language))
    elif drafted.result is Result.LOCAL:
        await context.bot.send_message(user_id, "🔒 " + _(
            "You kept this note on this server only, so I'll ask the questions myself."))
    return drafted


def failure_notice(failure: Failure | None, language: str) -> str:
    _ = translator(language).gettext
    if failure is Failure.OVER_LIMIT:
        return _("You have used today's AI help, so I'll ask the questions myself. Your note "
                 "is kept.")
    if failure is Failure.REFUSED:
        return _("The AI service declined this note, so I'll ask the questions myself. Your "
                 "note is kept.")
    return _("AI help isn't available right now, so I'll ask the questions myself. Your note "
             "is kept.")


def draft_text(library: Library, drafted: Drafted, language: str) -> str:
    """The draft's sections, what it left for the clinician, and the AI-assisted mark."""
    _ = translator(language).gettext
    assert drafted.reflection is not None and drafted.draft is not None
    template = reflections.template_of(library, drafted.reflection)
    lines = ["✨ " + _("A draft from your own words (AI-assisted). Check it; nothing was added "
                      "that your note doesn't say.")]
    if drafted.draft.title:
        lines += ["", f"«{drafted.draft.title}»"]
    missing = []
    for step in template.steps:
        text = drafted.reflection.answers.get(step.id)
        if text:
            lines += ["", f"▪️ {step.title.in_(language)}", text]
        else:
            missing.append(step.title.in_(language))
    if drafted.draft.dropped:
        lines += ["", _("I left out what the draft said beyond your note.")]
    if missing:
        lines += ["", _("Still to answer: {sections}.").format(sections=", ".join(missing))]
    return "\n".join(lines)


def privacy_screen(drafted: Drafted, language: str) -> Screen:
    _ = translator(language).gettext
    assert drafted.reflection is not None
    reflection_id = drafted.reflection.id
    text = "\n".join([
        "🛡 " + _("Your note may identify a patient: {what}. Nothing has been sent to the AI "
                 "service.").format(what=identifier_names(drafted.findings, language)),
        "",
        preview(marked(drafted.note, drafted.findings), NOTE_SHOWN),
        "",
        _("Redact replaces the marked parts before anything is sent. Or edit the note "
          "yourself, or keep it as it is on this server only and answer the questions "
          "without AI help."),
    ])
    keyboard = [
        [InlineKeyboardButton("✂️ " + _("Redact and continue"),
                              callback_data=reflection_button(ReflectionAction.REDACT_NOTE,
                                                              reflection_id))],
        [InlineKeyboardButton("✏️ " + _("Edit the note"),
                              callback_data=reflection_button(ReflectionAction.EDIT_NOTE,
                                                              reflection_id))],
        [InlineKeyboardButton("🔒 " + _("Keep it, no AI"),
                              callback_data=reflection_button(ReflectionAction.KEEP_LOCAL,
                                                              reflection_id))],
    ]
    return text, InlineKeyboardMarkup(keyboard)


def confirm_screen(drafted: Drafted, host: str, language: str) -> Screen:
    """Exactly the text that would leave the server, flagged parts marked, and the four
    choices. Nothing is sent until Send (or Redact and send) is pressed."""
    _ = translator(language).gettext
    assert drafted.reflection is not None
    reflection_id = drafted.reflection.id
    shown = fingerprint(drafted.note)
    heading = (_("This is exactly what will be sent to the AI service ({host}). Nothing has "
                 "been sent yet.").format(host=host) if host else
               _("This is exactly what will be sent to the AI service. Nothing has been sent "
                 "yet."))
    lines = ["📤 " + heading, ""]
    text = marked(drafted.note, drafted.findings)
    lines.append(preview_lines(text, NOTE_SHOWN))
    if len(text) > NOTE_SHOWN:
        lines += ["", _("(Shortened here: all {length} characters will be sent.)").format(
            length=len(drafted.note))]
    if drafted.findings:
        lines += ["", "🛡 " + _("The marked parts may identify a patient: {what}.").format(
            what=identifier_names(drafted.findings, language))]
    keyboard = [[InlineKeyboardButton(
        "📤 " + _("Send"),
        callback_data=reflection_button(ReflectionAction.SEND_NOTE, reflection_id, shown))]]
    if drafted.findings:
        keyboard.append([InlineKeyboardButton(
            "✂️ " + _("Redact and send"),
            callback_data=reflection_button(ReflectionAction.REDACT_SEND, reflection_id,
                                            shown))])
    keyboard += [
        [InlineKeyboardButton("✏️ " + _("Edit"),
                              callback_data=reflection_button(ReflectionAction.EDIT_NOTE,
                                                              reflection_id))],
        [InlineKeyboardButton("🔒 " + _("Keep it here"),
                              callback_data=reflection_button(ReflectionAction.KEEP_LOCAL,
                                                              reflection_id))],
    ]
    return "\n".join(lines), InlineKeyboardMarkup(keyboard)


def preview_lines(text: str, limit: int) -> str:
    """The user's text as it is, line breaks kept, each line isolated (see `preview`), cut
    at `limit` characters with an ellipsis."""
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return "\n".join(preview(line, limit) if line.strip() else "" for line in text.split("\n"))


def edit_note_prompt(reflection: Reflection, language: str) -> Screen:
    _ = translator(language).gettext
    return ("✏️ " + _("Send the note again as you want it kept, without details that identify "
                      "the patient. I'll check it again before anything is sent."),
            InlineKeyboardMarkup([[InlineKeyboardButton(
                "🔒 " + _("Keep it, no AI"),
                callback_data=reflection_button(ReflectionAction.KEEP_LOCAL, reflection.id))]]))
