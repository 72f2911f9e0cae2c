"""End to end: webhook mode, and the web server's health, readiness and metrics.

The fake Bot API server delivers as Telegram does once the bot has called setWebhook: a POST
per update with the secret header, again after any answer that is not 2xx. Forged requests
are sent straight to the bot's server, as anyone on the internet could.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from bot.config import Config
from storage.engine import Database
from storage.models import JournalEntry, LearningMoment
from tests.support.chat import Chat
from tests.support.fake_telegram import FakeTelegram
from tests.support.running import RunningBot

SECRET = "s3cret-Token_for-tests"


def webhook_config(config: Config) -> Config:
    raw = config.model_dump()
    raw["telegram"] |= {"mode": "webhook", "webhook_secret": SECRET, "lease_seconds": 2}
    raw["web"]["public_url"] = f"http://127.0.0.1:{config.web.port}"
    return Config.model_validate(raw)


@pytest.fixture
async def hooked(config: Config, db: Database,
                 telegram: FakeTelegram) -> AsyncIterator[RunningBot]:
    running = await RunningBot(webhook_config(config), db).start(telegram)
    yield running
    await running.stop()


def url(bot: RunningBot, path: str) -> str:
    return f"http://127.0.0.1:{bot.config.web.port}{path}"


async def post(bot: RunningBot, body: bytes, headers: dict[str, str] | None = None,
               content_type: str = "application/json") -> int:
    async with aiohttp.ClientSession() as session, session.post(
            url(bot, bot.config.telegram.webhook_path), data=body,
            headers={"Content-Type": content_type, **(headers or {})}) as answer:
        return answer.status


def update(update_id: int, user_id: int, text: str, message_id: int = 1) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": message_id, "date": 1_760_000_000, "text": text,
        "chat": {"id": user_id, "type": "private", "first_name": "Ana"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Ana"}}}


async def journal_size(db: Database) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.count()).select_from(JournalEntry)) or 0


async def test_updates_come_by_webhook_and_are_answered(
        hooked: RunningBot, telegram: FakeTelegram) -> None:
    [hook] = telegram.calls_to("setWebhook")
    assert hook.params["url"] == url(hooked, "/telegram/webhook")
    assert hook.params["secret_token"] == SECRET
    assert set(hook.params["allowed_updates"]) == {"message", "edited_message",
                                                   "callback_query", "my_chat_member"}
    assert hook.params["max_connections"] == 40
    assert "drop_pending_updates" not in hook.params and not telegram.dropped_pending
    chat = Chat(telegram, 8101)
    await chat.say("/start", expect=2)
    [ack] = await chat.say("Read the sepsis guideline again")
    assert ack.params["text"].startswith("✅")
    [reflect] = await chat.press("📝", ack)
    assert "?" in reflect.params["text"] or "📝" in reflect.params["text"]
    assert telegram.calls_to("getUpdates") == []
    assert all(status == 200 for _, status in telegram.deliveries)


async def test_forged_and_malformed_requests_store_nothing(
        hooked: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    body = json.dumps(update(990001, 8201, "hello")).encode()
    assert await post(hooked, body) == 403  # no secret
    assert await post(hooked, body, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}) == 403
    assert await post(hooked, body, {"X-Telegram-Bot-Api-Secret-Token": SECRET[:-1]}) == 403
    secret = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert await post(hooked, b"{not json", secret) == 400
    assert await post(hooked, b"[1, 2]", secret) == 400
    assert await post(hooked, b'{"update_id": "7"}', secret) == 400
    assert await post(hooked, body, secret, content_type="text/plain") == 400
    huge = json.dumps(update(990002, 8201, "x" * (1024 * 1024))).encode()
    assert await post(hooked, huge, secret) == 400
    assert await journal_size(db) == 0
    assert telegram.sent(8201) == []


async def test_a_retried_update_is_stored_and_handled_once(
        hooked: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    secret = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    body = json.dumps(update(990101, 8301, "Learned about qSOFA", message_id=5)).encode()
    assert await post(hooked, body, secret) == 200
    await telegram.wait_for_sent(8301, 1)
    assert await post(hooked, body, secret) == 200  # Telegram's retry of an answered update
    assert await Chat(telegram, 8301).settle() == []  # nothing more was sent
    assert len(telegram.sent(8301)) == 2  # the acknowledgement, and /help from settle()
    async with db.session() as session:
        moments = (await session.scalars(select(LearningMoment).where(
            LearningMoment.user_id == 8301))).all()
    assert [moment.text for moment in moments] == ["Learned about qSOFA"]


async def test_a_refused_delivery_is_retried_until_it_is_stored(
        hooked: RunningBot, telegram: FakeTelegram) -> None:
    assert telegram.webhook is not None
    telegram.webhook["secret_token"] = "not-the-secret"  # as after a half-done rotation
    telegram.user(8401).send_text("kept despite the refusals")
    await telegram.wait_until(lambda: len(telegram.deliveries) >= 2, what="two refusals")
    assert {status for _, status in telegram.deliveries} == {403}
    assert telegram.sent(8401) == []
    telegram.webhook["secret_token"] = SECRET
    [ack] = await telegram.wait_for_sent(8401, 1)
    assert ack.params["text"].startswith("✅")


async def test_health_readiness_and_metrics(hooked: RunningBot, telegram: FakeTelegram) -> None:
    chat = Chat(telegram, 8501)
    await chat.say("Something to count")
    async with aiohttp.ClientSession() as session:
        async with session.get(url(hooked, "/healthz")) as answer:
            assert answer.status == 200
        async with session.get(url(hooked, "/readyz")) as answer:
            assert answer.status == 200
            assert (await answer.json())["status"] == "ready"
        async with session.get(url(hooked, "/metrics")) as answer:
            assert answer.status == 200
            assert answer.content_type == "text/plain"
            text = await answer.text()
    families = {family.name: family for family in text_string_to_metric_families(text)}
    for name in ("cpdbot_updates_received", "cpdbot_updates_processed", "cpdbot_handler_seconds",
                 "cpdbot_journal_backlog", "cpdbot_reminders", "cpdbot_llm_calls",
                 "cpdbot_exports"):
        assert name in families, name
    received = {sample.labels.get("kind"): sample.value
                for sample in families["cpdbot_updates_received"].samples
                if sample.name.endswith("_total")}
    assert received["message"] >= 1
    # no user ids in any name or label (a timestamp's digits may happen to hold them), no text
    labelled = " ".join(f"{sample.name} {sample.labels}" for family in families.values()
                        for sample in family.samples)
    assert "8501" not in labelled and "Something" not in text
