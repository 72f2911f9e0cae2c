"""The bot's own membership changes: added to a group, or blocked and unblocked by a user."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from handlers.other import on_added_to_group
from handlers.reminders.remind import on_private_member_change


async def on_my_membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    if change is None:
        return
    if change.chat.type == "private":
        await on_private_member_change(update, context)
    else:
        await on_added_to_group(update, context)
