"""What every handler needs: the database, the user's language, a send that survives 429."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import User
from telegram.error import BadRequest, RetryAfter
from telegram.ext import ContextTypes

from bot.i18n import pick_language
from storage import users
from storage.engine import Database

T = TypeVar("T")
MAX_RETRY_WAIT_SECONDS = 30.0


def database(context: ContextTypes.DEFAULT_TYPE) -> Database:
    return context.application.bot_data["db"]


async def language_of(context: ContextTypes.DEFAULT_TYPE, user: User | None) -> str:
    if user is None:
        return pick_language(None, None)
    async with database(context).session() as session:
        chosen = await users.chosen_language(session, user.id)
    return pick_language(chosen, user.language_code)


async def patiently(call: Callable[[], Awaitable[T]]) -> T:
    """Retry once after Telegram's 429, waiting as long as it asks (up to 30 s)."""
    try:
        return await call()
    except RetryAfter as exc:
        seconds = exc.retry_after.total_seconds()  # type: ignore[union-attr]
        await asyncio.sleep(min(seconds, MAX_RETRY_WAIT_SECONDS))
        return await call()


async def edit_quietly(edit: Awaitable[object]) -> None:
    """Editing a message to what it already says is not an error worth reporting."""
    try:
        await edit
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise
