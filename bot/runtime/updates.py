"""Journaled updates read back: parsed one by one, and an unreadable message still answered.

Shared by the poller and the webhook dispatcher, which differ only in how updates arrive.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from telegram import Bot, Update

from bot.common.i18n import pick_language

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


def parse(raw: dict[str, Any], bot: Bot) -> Update | None:
    """The update, or None if this PTB version cannot read it (it stays in the journal)."""
    try:
        return Update.de_json(raw, bot)
    except Exception as exc:
        log.error("update %s cannot be read by this version (%s); it stays in the journal",
                  raw.get("update_id"), type(exc).__name__)
        return None


async def answer_unreadable(bot: Bot, raw: dict[str, Any],
                            reply_for: Callable[[str], str]) -> None:
    """A private message we cannot read still deserves an answer, in the sender's language."""
    message = raw.get("message") or {}
    chat, sender = message.get("chat") or {}, message.get("from") or {}
    if chat.get("type") != "private":
        return
    text = reply_for(pick_language(None, sender.get("language_code")))
    try:
        await bot.send_message(chat["id"], text)
    except Exception as exc:
        log.warning("could not answer unreadable update: %s", type(exc).__name__)
