"""A fake OpenAI-compatible server on 127.0.0.1, for the bot's real openai SDK client to talk to.

It speaks the wire protocol: `POST /v1/chat/completions` with a `json_schema` response format
(anything else is a 400, as a strict server would answer), and multipart
`POST /v1/audio/transcriptions`. Its "model" reads the schema it was sent and answers with an
object of exactly that shape: by default the whole note in the first section and a question
for each of the others; a test can override any field. Modes make it fail the ways real
servers do: 429, 500, slow, garbage (not JSON), truncated (finish_reason "length"), refusal.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from tests.support.fake_telegram import serve_locally

MODES = ("ok", "429", "500", "slow", "garbage", "truncated", "refusal")


@dataclass
class Upload:
    file_name: str
    content: bytes
    model: str


class FakeOpenAI:
    def __init__(self) -> None:
        self.mode = "ok"
        self.delay = 0.0  # seconds added to every answer ("slow" mode, or the benchmark)
        self.requests: list[dict[str, Any]] = []  # every chat completion body, as received
        self.uploads: list[Upload] = []
        self.overrides: dict[str, Any] = {}  # fields of the answer, replacing the default's
        self.transcript = "Learned that qSOFA of two or more means think sepsis."
        self.usage = {"prompt_tokens": 420, "completion_tokens": 80}
        self.authorization: list[str] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> FakeOpenAI:
        app = web.Application(client_max_size=30 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_post("/v1/audio/transcriptions", self._transcribe)
        self._runner, self.port = await serve_locally(app)
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def sent_text(self) -> str:
        """Everything the bot has sent in chat requests, for privacy assertions."""
        return json.dumps(self.requests, ensure_ascii=False)

    async def _failure(self) -> web.Response | None:
        if self.delay or self.mode == "slow":
            await asyncio.sleep(self.delay or 30)
        if self.mode == "429":
            return web.json_response(
                {"error": {"message": "Rate limit reached", "type": "requests",
                           "code": "rate_limit_exceeded"}}, status=429,
                headers={"retry-after": "0"})
        if self.mode == "500":
            return web.json_response({"error": {"message": "The server had an error",
                                                "type": "server_error"}}, status=500)
        return None

    async def _chat(self, request: web.Request) -> web.Response:
        self.authorization.append(request.headers.get("Authorization", ""))
        body = await request.json()
        self.requests.append(body)
        failed = await self._failure()
        if failed is not None:
            return failed
        response_format = body.get("response_format") or {}
        if response_format.get("type") != "json_schema":
            return web.json_response({"error": {"message": "json_schema required"}}, status=400)
        schema = response_format["json_schema"]["schema"]
        note = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
        content: str | None = json.dumps(self.answer(schema, note), ensure_ascii=False)
        finish, refusal = "stop", None
        if self.mode == "garbage":
            content = "Sure! Here is your reflection: {title: sepsis"
        elif self.mode == "truncated":
            content, finish = (content or "")[:40], "length"
        elif self.mode == "refusal":
            content, refusal = None, "I can't help with that."
        return web.json_response({
            "id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion",
            "created": int(time.time()), "model": body.get("model", ""),
            "choices": [{"index": 0, "finish_reason": finish, "logprobs": None,
                         "message": {"role": "assistant", "content": content,
                                     "refusal": refusal}}],
            "usage": {**self.usage,
                      "total_tokens": sum(self.usage.values())},
        })

    def answer(self, schema: dict[str, Any], note: str) -> dict[str, Any]:
        """An object of the schema's shape: the note in the first section, questions for the
        rest, then the test's overrides on top."""
        definitions = schema.get("$defs", {})

        def resolve(node: dict[str, Any]) -> dict[str, Any]:
            ref = node.get("$ref")
            return definitions[ref.rsplit("/", 1)[-1]] if ref else node

        properties = schema["properties"]
        steps = list(resolve(properties["sections"])["properties"])
        activities = resolve(properties["activity"]).get("enum", ["other"])
        answer = {
            "title": " ".join(note.split()[:6]),
            "activity": activities[-1],
            "minutes": None,
            "tags": [],
            "sections": {step: (note if n == 0 else None) for n, step in enumerate(steps)},
            "questions": {step: (None if n == 0 else f"What about {step}?")
                          for n, step in enumerate(steps)},
        }
        for key, value in self.overrides.items():
            if isinstance(value, dict):
                answer[key] = {**answer[key], **value}
            else:
                answer[key] = value
        return answer

    async def _transcribe(self, request: web.Request) -> web.Response:
        form: dict[str, Any] = {}
        reader = await request.multipart()
        async for part in reader:
            assert isinstance(part, BodyPartReader)  # the client sends a flat form
            if part.filename:
                form["file"] = (part.filename, await part.read())
            else:
                form[part.name or ""] = await part.text()
        file_name, content = form["file"]
        self.uploads.append(Upload(file_name, content, form.get("model", "")))
        failed = await self._failure()
        if failed is not None:
            return failed
        if not file_name.endswith((".ogg", ".mp3", ".wav", ".m4a", ".webm", ".flac")):
            return web.json_response({"error": {"message": "Unrecognized file format"}},
                                     status=400)
        return web.json_response({"text": self.transcript})
