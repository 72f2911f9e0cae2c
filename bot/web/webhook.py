"""The webhook: Telegram POSTs an update; it is journaled and committed before the 200.

So a crash after the answer loses nothing, and Telegram's retry of an update already answered
finds it in the journal and changes nothing. Handling happens apart, in the dispatcher
(bot/runtime/dispatch.py), which the `wake` callback nudges.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web

from bot.common import metrics
from bot.common.batching import GroupCommit
from storage import journal
from storage.engine import Database

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

MAX_BODY = 1024 * 1024  # bytes; a Telegram update is a few KB
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_route(db: Database, secret: str, wake: Callable[[], None],
                  stopping: Callable[[], bool]) -> Handler:
    expected = secret.encode()

    async def journal_batch(entries: Sequence[tuple[int, str]]) -> list[bool]:
        fresh = await journal.record_batch(db, entries, attempts=0)
        return [update_id in fresh for update_id, _payload in entries]

    # Telegram opens up to max_connections at once: the updates that arrive while one commit
    # is being written go into the next, one commit for all (bot/common/batching.py).
    journaling: GroupCommit[tuple[int, str], bool] = GroupCommit(journal_batch)

    async def receive(request: web.Request) -> web.Response:
        if stopping():  # Telegram retries; another instance, or this one restarted, takes it
            return web.json_response({"error": "stopping"}, status=503)
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.json_response({"error": "forbidden"}, status=403)
        if request.content_type != "application/json":
            return web.json_response({"error": "expected application/json"}, status=400)
        if request.content_length is not None and request.content_length > MAX_BODY:
            return web.json_response({"error": "body over 1 MB"}, status=400)
        body = await request.content.read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            return web.json_response({"error": "body over 1 MB"}, status=400)
        try:
            raw = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return web.json_response({"error": "not JSON"}, status=400)
        if not isinstance(raw, dict) or type(raw.get("update_id")) is not int:
            return web.json_response({"error": "not a Telegram update"}, status=400)
        fresh = await journaling.submit((raw["update_id"], json.dumps(raw, ensure_ascii=False)))
        if fresh:
            metrics.UPDATES_RECEIVED.labels(metrics.update_kind(raw)).inc()
            wake()
        return web.json_response({"ok": True})

    return receive
