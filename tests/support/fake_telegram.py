"""A fake Telegram Bot API server that speaks the real wire protocol on 127.0.0.1.

It is a protocol peer, not a patched function: the bot reaches it over HTTP exactly as it
reaches api.telegram.org. It serves `POST /bot<token>/<method>` with form-encoded, multipart
or JSON bodies, long-polls `getUpdates` with offsets (an update is forgotten only once a
later call's offset passes it, as Telegram does), serves `getFile` and
`GET /file/bot<token>/<path>`, and answers 429 with `retry_after` when a test asks for it, or,
with `max_per_second` set, whenever sends go faster than that over any one-second window.

After `setWebhook` it delivers as Telegram does: each update POSTed as JSON to the webhook URL
with the `X-Telegram-Bot-Api-Secret-Token` header, up to `max_connections` at once (one chat's
updates one after another), and again after a pause while the answer is not 2xx; `getUpdates`
then fails with 409 Conflict. `webhook_targets` lets a test spread deliveries over several
instances, as a load balancer would.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import BodyPartReader, web

BOT_USER = {"id": 7000001, "is_bot": True, "first_name": "CPD Bot", "username": "cpd_test_bot"}
# Fields whose form values are plain strings even when they look like JSON numbers.
_RAW_STRING_FIELDS = {
    "text", "caption", "callback_query_id", "file_id", "language_code", "url",
    "secret_token", "description", "short_description", "name", "parse_mode", "emoji",
}  # fmt: skip
_URL = re.compile(r"(?:https?://|www\.)[^\s<>«»\"']+[^\s<>«»\"'.,;:!?)]")
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")
DOWNLOAD_LIMIT = 20 * 1024 * 1024
_SEND_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})


async def serve_locally(app: web.Application) -> tuple[web.AppRunner, int]:
    """Serve the app on 127.0.0.1 at a free port: the runner, to stop it, and the port."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def detect_entities(text: str) -> list[dict[str, Any]]:
    """Telegram marks URLs and commands itself, with offsets in UTF-16 code units."""
    entities = []
    for kind, pattern in (("url", _URL), ("bot_command", _COMMAND)):
        for match in pattern.finditer(text):
            entities.append({
                "type": kind,
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group()),
            })
    return sorted(entities, key=lambda entity: entity["offset"])


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    at: float
    files: dict[str, bytes] = field(default_factory=dict)
    result: Any = None  # what the server answered, e.g. the sent message


class TelegramError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


class FakeTelegram:
    def __init__(self, token: str = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz") -> None:
        self.token = token
        self.calls: list[ApiCall] = []
        self.pending: list[dict[str, Any]] = []  # fetched-or-not, not yet confirmed
        self.pushed_at: dict[int, float] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, tuple[str, bytes, int]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.send_delay = 0.0  # seconds each send takes, to widen crash windows in tests
        self.too_many_requests = 0
        self.max_per_second: int | None = None  # Telegram's broadcast limit is about 30
        self._recent_sends: deque[float] = deque()
        self._failures: dict[str, deque[TelegramError]] = {}
        self._update_ids = itertools.count(1000)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._callback_ids = itertools.count(1)
        self._arrived = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0
        # Webhook delivery (see the module docstring).
        self.webhook: dict[str, Any] | None = None
        self.webhook_targets: list[str] | None = None
        self.deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status; 0: no answer)
        self.retry_seconds = 0.2
        self.dropped_pending = False  # set if anyone ever asked to drop pending updates
        self._webhook_wake = asyncio.Event()
        self._in_delivery: set[int] = set()
        self._retry_at: dict[int, float] = {}
        self._deliverer: asyncio.Task[None] | None = None
        self._delivery_tasks: set[asyncio.Task[None]] = set()
        self._round_robin = itertools.count()

    # -- server lifecycle -------------------------------------------------------------
    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner, self.port = await serve_locally(app)
        return self

    async def stop(self) -> None:
        self._closing = True
        self._arrived.set()
        self._webhook_wake.set()
        for task in [*self._delivery_tasks, *([self._deliverer] if self._deliverer else [])]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- what tests drive -------------------------------------------------------------
    def user(self, user_id: int, first_name: str = "Olena", language_code: str | None = "en",
             chat: dict[str, Any] | None = None) -> FakeUser:
        return FakeUser(self, user_id, first_name, language_code, chat)

    def push(self, update: dict[str, Any], update_id: int | None = None) -> dict[str, Any]:
        update = {"update_id": update_id or next(self._update_ids), **update}
        self.pending.append(update)
        self.pushed_at[update["update_id"]] = time.perf_counter()
        self._arrived.set()
        self._webhook_wake.set()
        return update

    def next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def fail_next(self, method: str, code: int, description: str,
                  retry_after: int | None = None) -> None:
        self._failures.setdefault(method, deque()).append(
            TelegramError(code, description, retry_after))

    def add_file(self, file_id: str, content: bytes, size: int | None = None,
                 path: str | None = None) -> None:
        self.files[file_id] = (path or f"documents/{file_id}.bin", content, size or len(content))

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[ApiCall]:
        """Calls that succeeded: a message refused with 429 was never sent."""
        return [call for call in self.calls if call.method == method and call.result
                and (chat_id is None or int(call.params.get("chat_id", 0)) == chat_id)]

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    async def wait_until(self, predicate: Any, timeout: float = 10.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or predicate}")
            await asyncio.sleep(0.01)

    async def wait_for_sent(self, chat_id: int, count: int, timeout: float = 10.0,
                            method: str = "sendMessage") -> list[ApiCall]:
        await self.wait_until(lambda: len(self.sent(chat_id, method)) >= count, timeout,
                              f"{count} {method} to chat {chat_id}")
        return self.sent(chat_id, method)

    # -- HTTP -------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(TelegramError(401, "Unauthorized"))
        method = request.match_info["method"]
        params, files = await _read_params(request)
        call = ApiCall(method, params, time.perf_counter(), files)
        self.calls.append(call)
        try:
            failure = self._failures.get(method)
            if failure:
                raise failure.popleft()
            if method in _SEND_METHODS:
                self._count_send()
            call.result = await self._dispatch(method, params, files)
        except TelegramError as exc:
            if exc.code == 429:
                self.too_many_requests += 1
            return _error(exc)
        return web.json_response({"ok": True, "result": call.result})

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        for path, content, _size in self.files.values():
            if path == request.match_info["path"]:
                return web.Response(body=content)
        return web.Response(status=404)

    async def _dispatch(self, method: str, params: dict[str, Any],
                        files: dict[str, bytes]) -> Any:
        if method == "getUpdates":
            if self.webhook is not None:
                raise TelegramError(409, "Conflict: can't use getUpdates method while webhook "
                                         "is active; use deleteWebhook to delete the webhook "
                                         "first")
            return await self._get_updates(params)
        if method == "getMe":
            return BOT_USER
        if method == "setWebhook":
            return self._set_webhook(params)
        if method == "deleteWebhook":
            if params.get("drop_pending_updates") in (True, "true", "True"):
                self.dropped_pending = True
                self.pending.clear()
            self.webhook = None
            return True
        if method in ("answerCallbackQuery", "deleteMessage",
                      "setMyDescription", "setMyShortDescription", "sendChatAction"):
            return True
        if method == "setMyCommands":
            self.commands[params.get("language_code", "")] = params["commands"]
            return True
        if method in _SEND_METHODS:
            if self.send_delay:
                await asyncio.sleep(self.send_delay)
            return self._send(method, params, files)
        if method in ("editMessageText", "editMessageReplyMarkup"):
            return self._edit(method, params)
        if method == "getFile":
            return self._get_file(params["file_id"])
        raise TelegramError(404, "Not Found: method not found")

    # -- webhook delivery ------------------------------------------------------------------
    def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url", ""))
        if not url:
            self.webhook = None
            return True
        if not url.startswith(("http://", "https://")):
            raise TelegramError(400, "Bad Request: bad webhook: invalid URL")
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self.dropped_pending = True
            self.pending.clear()
        self.webhook = {"url": url, "secret_token": str(params.get("secret_token", "")),
                        "max_connections": int(params.get("max_connections", 40)),
                        "allowed_updates": params.get("allowed_updates")}
        if self._deliverer is None:
            self._deliverer = asyncio.create_task(self._deliver_forever())
        self._webhook_wake.set()
        return True

    def _next_deliverable(self) -> dict[str, Any] | None:
        """The oldest update not in flight nor waiting out a retry, whose chat has nothing
        older in flight: one chat's updates go one after another."""
        busy_chats = {_chat_of(update) for update in self.pending
                      if update["update_id"] in self._in_delivery}
        now = time.monotonic()
        for update in self.pending:
            update_id = update["update_id"]
            chat = _chat_of(update)
            if update_id in self._in_delivery or self._retry_at.get(update_id, 0) > now:
                busy_chats.add(chat)
                continue
            if chat not in busy_chats:
                return update
        return None

    async def _deliver_forever(self) -> None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            while not self._closing:
                webhook = self.webhook
                if webhook is None or len(self._in_delivery) >= webhook["max_connections"]:
                    update = None
                else:
                    update = self._next_deliverable()
                if update is None:
                    self._webhook_wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._webhook_wake.wait(), 0.05)
                    continue
                assert webhook is not None
                self._in_delivery.add(update["update_id"])
                task = asyncio.create_task(self._deliver(session, webhook, update))
                self._delivery_tasks.add(task)
                task.add_done_callback(self._delivery_tasks.discard)

    async def _deliver(self, session: aiohttp.ClientSession, webhook: dict[str, Any],
                       update: dict[str, Any]) -> None:
        targets = self.webhook_targets or [webhook["url"]]
        url = targets[next(self._round_robin) % len(targets)]
        headers = {"X-Telegram-Bot-Api-Secret-Token": webhook["secret_token"]}
        update_id = update["update_id"]
        try:
            async with session.post(url, json=update, headers=headers) as answer:
                status = answer.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        self.deliveries.append((update_id, status))
        if 200 <= status < 300:
            self.pending = [u for u in self.pending if u["update_id"] != update_id]
            self._retry_at.pop(update_id, None)
        else:
            self._retry_at[update_id] = time.monotonic() + self.retry_seconds
        self._in_delivery.discard(update_id)
        self._webhook_wake.set()

    def _count_send(self) -> None:
        if self.max_per_second is None:
            return
        now = time.monotonic()
        while self._recent_sends and now - self._recent_sends[0] >= 1.0:
            self._recent_sends.popleft()
        if len(self._recent_sends) >= self.max_per_second:
            raise TelegramError(429, "Too Many Requests: retry after 1", retry_after=1)
        self._recent_sends.append(now)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        limit = int(params.get("limit", 100))
        timeout = float(params.get("timeout", 0))
        if offset is not None:
            # Calling with an offset confirms every update below it: Telegram forgets them.
            self.pending = [u for u in self.pending if u["update_id"] >= int(offset)]
        deadline = time.monotonic() + timeout
        while True:
            batch = self.pending[:limit]
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._closing:
                return batch
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                pass

    def _send(self, method: str, params: dict[str, Any],
              files: dict[str, bytes]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        text = params.get("text")
        if method == "sendMessage":
            if not text or not str(text).strip():
                raise TelegramError(400, "Bad Request: message text is empty")
            if utf16_len(str(text)) > 4096:
                raise TelegramError(400, "Bad Request: message is too long")
        message: dict[str, Any] = {
            "message_id": self.next_message_id(chat_id),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER,
        }
        if text is not None:
            message["text"] = str(text)
        # Like Telegram, a message carries only an inline keyboard, not a reply keyboard.
        if "inline_keyboard" in (params.get("reply_markup") or {}):
            message["reply_markup"] = params["reply_markup"]
        for name, content in files.items():
            message["document"] = {"file_id": f"sent-{name}-{len(content)}",
                                   "file_unique_id": f"u-{name}", "file_size": len(content)}
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _edit(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            raise TelegramError(400, "Bad Request: message to edit not found")
        new_text = params.get("text", message.get("text"))
        new_markup = params.get("reply_markup")
        if new_text == message.get("text") and new_markup == message.get("reply_markup"):
            raise TelegramError(400, "Bad Request: message is not modified: specified new "
                                     "message content and reply markup are exactly the same")
        message["text"] = new_text
        if new_markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = new_markup
        return message

    def _get_file(self, file_id: str) -> dict[str, Any]:
        if file_id not in self.files:
            raise TelegramError(400, "Bad Request: invalid file_id")
        path, _content, size = self.files[file_id]
        if size > DOWNLOAD_LIMIT:
            raise TelegramError(400, "Bad Request: file is too big")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size,
                "file_path": path}


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    raw: dict[str, str] = {}
    files: dict[str, bytes] = {}
    if request.content_type == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            assert isinstance(part, BodyPartReader)  # the Bot API sends flat forms
            if part.filename:
                files[part.name or ""] = await part.read()
            else:
                raw[part.name or ""] = await part.text()
    elif request.content_type == "application/json":
        return await request.json(), files
    elif request.can_read_body:
        raw = {key: str(value) for key, value in (await request.post()).items()}
    raw |= dict(request.query)
    return {key: _decode(key, value) for key, value in raw.items()}, files


def _chat_of(update: dict[str, Any]) -> int:
    for kind in ("message", "edited_message", "callback_query", "my_chat_member"):
        body = update.get(kind)
        if isinstance(body, dict):
            chat = body.get("chat") or (body.get("message") or {}).get("chat") or body.get("from")
            if isinstance(chat, dict):
                return int(chat.get("id", 0))
    return 0


def _decode(key: str, value: str) -> Any:
    """Form values arrive as strings; nested objects and numbers as JSON text."""
    if key in _RAW_STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _error(exc: TelegramError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.retry_after is not None:
        body["parameters"] = {"retry_after": exc.retry_after}
    return web.json_response(body, status=exc.code)


class FakeUser:
    """A Telegram user (and their private chat) who sends things to the bot."""

    def __init__(self, server: FakeTelegram, user_id: int, first_name: str,
                 language_code: str | None, chat: dict[str, Any] | None) -> None:
        self.server = server
        self.id = user_id
        self.user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            self.user["language_code"] = language_code
        self.chat = chat or {"id": user_id, "type": "private", "first_name": first_name}

    def message(self, **fields: Any) -> dict[str, Any]:
        message = {
            "message_id": self.server.next_message_id(self.chat["id"]),
            "date": int(time.time()),
            "chat": self.chat,
            "from": self.user,
            **fields,
        }
        for text_key, entity_key in (("text", "entities"), ("caption", "caption_entities")):
            if text_key in message and entity_key not in message:
                entities = detect_entities(message[text_key])
                if entities:
                    message[entity_key] = entities
        return message

    def send(self, **fields: Any) -> dict[str, Any]:
        message = self.message(**fields)
        self.server.push({"message": message})
        return message

    def send_text(self, text: str, **fields: Any) -> dict[str, Any]:
        return self.send(text=text, **fields)

    def edit(self, message: dict[str, Any], **changes: Any) -> dict[str, Any]:
        edited = {k: v for k, v in message.items() if k not in ("entities", "caption_entities")}
        edited |= {"edit_date": int(time.time()), **changes}
        for text_key, entity_key in (("text", "entities"), ("caption", "caption_entities")):
            if text_key in edited:
                entities = detect_entities(edited[text_key])
                if entities:
                    edited[entity_key] = entities
        self.server.push({"edited_message": edited})
        return edited

    def press(self, data: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
        """Press an inline button. `message` is the bot message the button sits on."""
        message = message or {"message_id": 1, "date": int(time.time()), "chat": self.chat,
                              "from": BOT_USER, "text": "…"}
        return self.server.push({"callback_query": {
            "id": str(next(self.server._callback_ids)),
            "from": self.user,
            "message": message,
            "chat_instance": f"ci{self.id}",
            "data": data,
        }})


def buttons(call: ApiCall | dict[str, Any]) -> list[tuple[str, str]]:
    """(label, callback_data) of every inline button in a sent or stored message."""
    params = call.params if isinstance(call, ApiCall) else call
    markup = params.get("reply_markup") or {}
    return [(button["text"], button.get("callback_data", ""))
            for row in markup.get("inline_keyboard", []) for button in row]

