"""The aiohttp request layer speaks the Bot API wire format and maps failures PTB's way."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.runtime.http import AiohttpRequest
from tests.support.fake_telegram import FakeTelegram


def bot_for(telegram: FakeTelegram, base_url: str | None = None, **timeouts: float) -> Bot:
    return Bot(telegram.token, base_url=base_url or telegram.base_url,
               base_file_url=telegram.base_file_url,
               request=AiohttpRequest(pool_size=2, **timeouts),
               get_updates_request=AiohttpRequest(pool_size=1))


async def test_form_and_multipart_bodies_and_file_download(telegram: FakeTelegram) -> None:
    telegram.add_file("cert1", b"%PDF-1.4 certificate")
    async with bot_for(telegram) as bot:
        message = await bot.send_message(42, "Привіт 👋 123", reply_markup=None)
        assert message.text == "Привіт 👋 123"
        await bot.send_document(42, b"col1,col2\n1,2\n", filename="log.csv",
                                caption="CPD log")
        file = await bot.get_file("cert1")
        assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 certificate"
    text_call, upload = telegram.calls_to("sendMessage")[0], telegram.calls_to("sendDocument")[0]
    assert text_call.params["text"] == "Привіт 👋 123" and text_call.params["chat_id"] == 42
    assert upload.files["document"] == b"col1,col2\n1,2\n"
    assert upload.params["caption"] == "CPD log"


async def test_telegram_errors_map_to_ptb_exceptions(telegram: FakeTelegram) -> None:
    async with bot_for(telegram) as bot:
        telegram.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(1, "x")
        retry_after = caught.value.retry_after  # a timedelta: bot/__init__.py sets PTB_TIMEDELTA
        assert isinstance(retry_after, timedelta) and retry_after.total_seconds() == 3
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(1, " ")


async def test_slow_server_times_out(telegram: FakeTelegram) -> None:
    telegram.send_delay = 1.0
    async with bot_for(telegram, read_timeout=0.2) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(1, "slow")


async def test_unreachable_server_is_a_network_error_without_the_token(
        telegram: FakeTelegram) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    bot = bot_for(telegram, base_url=f"http://127.0.0.1:{dead_port}/bot")
    with pytest.raises(NetworkError) as caught:
        await bot.initialize()
    assert telegram.token not in str(caught.value)
    assert telegram.token.split(":")[1] not in str(caught.value)
    await bot.shutdown()
