"""What every handler needs: the database, the user's language, a send that survives 429."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import TypeVar, cast

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, User
from telegram.error import BadRequest, RetryAfter
from telegram.ext import ContextTypes

from bot.common.i18n import pick_language
from bot.common.text import split_message
from bot.common.timezones import local_date
from bot.config import Config
from bot.library.loader import Library
from storage import users
from storage.engine import Database
from storage.models import utcnow

T = TypeVar("T")
MAX_RETRY_WAIT_SECONDS = 30.0


# bot_data is an untyped dict: these say, once, what the wiring (bot/app.py) put there.
def database(context: ContextTypes.DEFAULT_TYPE) -> Database:
    return cast(Database, context.application.bot_data["db"])


def config(context: ContextTypes.DEFAULT_TYPE) -> Config:
    return cast(Config, context.application.bot_data["config"])


def clock(context: ContextTypes.DEFAULT_TYPE) -> datetime:
    """Now, or the test's clock: every reminder and nudge decision reads time through this."""
    now: Callable[[], datetime] = context.bot_data.get("clock", utcnow)
    return now()


def library(context: ContextTypes.DEFAULT_TYPE) -> Library:
    return cast(Library, context.application.bot_data["library"])


def button_rows(buttons: list[InlineKeyboardButton],
                width: int) -> list[list[InlineKeyboardButton]]:
    """Lay buttons out `width` to a row, as a phone screen fits them."""
    return [buttons[start:start + width] for start in range(0, len(buttons), width)]


def today_in(zone: str | None) -> date:
    return local_date(utcnow(), zone)


async def today_for(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> date:
    """The user's own date today, in their time zone (UTC until they set one)."""
    async with database(context).session() as session:
        return today_in(await users.time_zone_of(session, user_id))


async def register_user(context: ContextTypes.DEFAULT_TYPE, user: User) -> str:
    """Create or refresh the user's row (a command may be their first message); return
    their language."""
    async with database(context).session.begin() as session:
        chosen = await users.upsert_user(session, user.id, user.first_name, user.language_code)
    return pick_language(chosen, user.language_code)


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


# Edits that fail for reasons the user can't act on: the message already says this, or it is
# gone or too old to edit. The action the edit reflects has already happened.
_HARMLESS_EDIT_ERRORS = ("not modified", "message to edit not found", "can't be edited")


async def edit_quietly(edit: Awaitable[object]) -> None:
    """Tidy a message up if Telegram lets us; never fail an action over it."""
    try:
        await edit
    except BadRequest as exc:
        if not any(reason in exc.message.lower() for reason in _HARMLESS_EDIT_ERRORS):
            raise


async def send_screen(
    bot: Bot, chat_id: int, screen: tuple[str, InlineKeyboardMarkup | None]
) -> Message:
    """Send text of any length: split where Telegram needs it, buttons under the last part."""
    text, keyboard = screen
    parts = split_message(text)
    for part in parts[:-1]:
        await patiently(functools.partial(bot.send_message, chat_id, part))
    return await patiently(lambda: bot.send_message(chat_id, parts[-1], reply_markup=keyboard))
