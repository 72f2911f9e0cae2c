"""Thin Telegram callbacks. `register` wires them in the order they are tried."""

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers import callback_data, commands, errors, incoming, membership, other
from handlers.account import rights
from handlers.assist import voice
from handlers.capture import buttons as moment_buttons
from handlers.capture import inbox
from handlers.capture import messages as capture
from handlers.cpd import export, imports, summary
from handlers.evidence import buttons as evidence_buttons
from handlers.organisations import console, superadmin
from handlers.organisations import membership as organisations
from handlers.organisations import nudges as org_nudges
from handlers.reflection import buttons as reflection_buttons
from handlers.reflection import log, reflect
from handlers.reminders import remind
from handlers.settings import screen as settings
from handlers.settings import start

KEPT_CONTENT = (
    (filters.TEXT & ~filters.COMMAND)
    | filters.PHOTO
    | filters.Document.ALL
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
)


def register(application: Application) -> None:
    private = filters.ChatType.PRIVATE
    new_message = filters.UpdateType.MESSAGE
    application.add_handlers([
        MessageHandler(~private & new_message, other.on_group_message),
        CommandHandler("start", start.on_start, filters=private & new_message),
        CommandHandler("help", commands.on_help, filters=private & new_message),
        CommandHandler("inbox", inbox.on_inbox, filters=private & new_message),
        CommandHandler("reflect", reflect.on_reflect, filters=private & new_message),
        CommandHandler("log", log.on_log, filters=private & new_message),
        CommandHandler("skip", reflect.on_skip, filters=private & new_message),
        CommandHandler("back", reflect.on_back, filters=private & new_message),
        CommandHandler("cancel", reflect.on_cancel, filters=private & new_message),
        CommandHandler("language", commands.on_language, filters=private & new_message),
        CommandHandler("settings", settings.on_settings, filters=private & new_message),
        CommandHandler("summary", summary.on_summary, filters=private & new_message),
        CommandHandler("export", export.on_export, filters=private & new_message),
        CommandHandler("admin_export", export.on_admin_export, filters=private & new_message),
        CommandHandler("import", imports.on_import, filters=private & new_message),
        CommandHandler("remind", remind.on_remind, filters=private & new_message),
        CommandHandler("organisations", organisations.on_organisations,
                       filters=private & new_message),
        CommandHandler("org", organisations.on_org, filters=private & new_message),
        CommandHandler("privacy", rights.on_privacy, filters=private & new_message),
        CommandHandler("console", console.on_console, filters=private & new_message),
        MessageHandler(private & new_message & filters.COMMAND, other.on_unknown_command),
        MessageHandler(private & new_message & KEPT_CONTENT, incoming.on_message),
        MessageHandler(private & filters.UpdateType.EDITED_MESSAGE & KEPT_CONTENT,
                       capture.on_edited_message),
        MessageHandler(private & new_message & filters.LOCATION & ~filters.VENUE,
                       settings.on_location),
        MessageHandler(private & new_message, other.on_unsupported),
        CallbackQueryHandler(reflect.on_reflect_now_button,
                             pattern=callback_data.REFLECT_NOW_PATTERN),
        CallbackQueryHandler(moment_buttons.on_moment_button, pattern=callback_data.MOMENT_PATTERN),
        CallbackQueryHandler(inbox.on_inbox_button, pattern=callback_data.INBOX_PATTERN),
        CallbackQueryHandler(reflection_buttons.on_reflection_button,
                             pattern=callback_data.REFLECTION_PATTERN),
        CallbackQueryHandler(log.on_log_button, pattern=callback_data.LOG_PATTERN),
        CallbackQueryHandler(evidence_buttons.on_evidence_button,
                             pattern=callback_data.EVIDENCE_PATTERN),
        CallbackQueryHandler(organisations.on_org_button, pattern=organisations.ORG_PATTERN),
        CallbackQueryHandler(org_nudges.on_nudge_button, pattern=org_nudges.NUDGE_PATTERN),
        CallbackQueryHandler(superadmin.on_superadmin_button,
                             pattern=superadmin.SUPERADMIN_PATTERN),
        CallbackQueryHandler(rights.on_privacy_button, pattern=rights.PRIVACY_PATTERN),
        CallbackQueryHandler(settings.on_settings_button, pattern=callback_data.SETTING_PATTERN),
        CallbackQueryHandler(export.on_export_button, pattern=export.EXPORT_PATTERN),
        CallbackQueryHandler(imports.on_import_button, pattern=imports.IMPORT_PATTERN),
        CallbackQueryHandler(remind.on_remind_button, pattern=remind.REMIND_PATTERN),
        CallbackQueryHandler(voice.on_consent_button, pattern=voice.CONSENT_PATTERN),
        CallbackQueryHandler(commands.on_language_button,
                             pattern=callback_data.LANGUAGE_PATTERN),
        CallbackQueryHandler(other.answer_expired),
        ChatMemberHandler(membership.on_my_membership, ChatMemberHandler.MY_CHAT_MEMBER),
    ])
    application.add_error_handler(errors.on_error)
