"""Telegram's files fetched for an export: getFile, then the download, or None if it's gone."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.evidence.pictures import FetchFile

log = logging.getLogger(__name__)


def telegram_fetch(bot: Bot) -> FetchFile:
    """A fetcher for `bot.evidence.pictures`: a file Telegram refuses or can't hand over now
    is None, so the export names it as missing instead of failing."""

    async def fetch(file_id: str) -> bytes | None:
        try:
            file = await bot.get_file(file_id)
            return bytes(await file.download_as_bytearray())
        except TelegramError as problem:
            log.info("evidence file not fetched: %s", type(problem).__name__)
            return None

    return fetch
