"""The LLM provider: one client for drafts and one for transcription, through the openai SDK.

Any OpenAI-compatible server works through `base_url` (OpenAI, Azure's /openai/v1/, llama.cpp's
llama-server, vLLM, Ollama). Every way a call can go wrong becomes a `Failure` with a kind,
never an exception, so the caller can always fall back to the guided questions. Failures are
counted by kind, and a run of them opens the circuit breaker.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import openai
from pydantic import BaseModel, ValidationError

from bot.assist.breaker import Breaker
from bot.common import metrics
from bot.config import LLMConfig

log = logging.getLogger("cpdbot.llm")
# Self-hosted servers (llama-server, vLLM, Ollama) take any key, but the SDK wants one.
NO_KEY = "not-needed"
LANDING_AT_ONCE = 2


class Failure(StrEnum):
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate_limited"  # 429, after the SDK's own retries
    SERVER_ERROR = "server_error"  # 5xx
    UNREACHABLE = "unreachable"
    REJECTED = "rejected"  # another 4xx: a wrong key, model or request
    REFUSED = "refused"  # the model declined
    TRUNCATED = "truncated"  # the answer hit the length limit
    INVALID = "invalid"  # not JSON, or not our schema
    PAUSED = "paused"  # the breaker is open: not called at all
    OVER_LIMIT = "over_limit"  # the user's daily tokens are spent: not called at all


# The provider answered sensibly; these say nothing about its health.
_HEALTHY = (Failure.REFUSED, Failure.OVER_LIMIT, Failure.PAUSED)


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True)
class Answer:
    parsed: Any
    usage: Usage


@dataclass(frozen=True)
class Failed:
    failure: Failure
    usage: Usage = Usage()


class Provider:
    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        self.chat = openai.AsyncOpenAI(api_key=config.api_key or NO_KEY, base_url=config.base_url,
                                       timeout=config.timeout, max_retries=config.max_retries)
        audio_url = config.transcription_base_url
        self.audio = self.chat if not audio_url else openai.AsyncOpenAI(
            api_key=config.api_key or NO_KEY, base_url=audio_url, timeout=config.timeout,
            max_retries=config.max_retries)
        self.breaker = Breaker(config.failures_to_pause, config.pause_seconds)
        self.failures: Counter[Failure] = Counter()
        # Answers that arrive together are written a few at a time, so a burst of drafts
        # can't queue ahead of everyone else's captures for the database.
        self.landing = asyncio.Semaphore(LANDING_AT_ONCE)

    async def close(self) -> None:
        await self.chat.close()
        if self.audio is not self.chat:
            await self.audio.close()

    def note_failure(self, failure: Failure) -> Failed:
        self.failures[failure] += 1
        metrics.LLM_FAILURES.labels(failure.value).inc()
        log.warning("LLM call failed: %s", failure.value)  # never the text
        return Failed(failure)

    async def structured(self, messages: list[dict[str, str]],
                         schema: type[BaseModel]) -> Answer | Failed:
        """One chat completion with a strict json_schema response format."""
        if not self.breaker.allows():
            return self.note_failure(Failure.PAUSED)
        metrics.LLM_CALLS.inc()
        try:
            completion = await self.chat.chat.completions.parse(
                model=self.config.model, messages=messages,  # type: ignore[arg-type]
                response_format=schema)
        except Exception as exc:  # every failure falls back the same way
            return self._failed(exc, _counted(_usage(getattr(exc, "completion", None))))
        usage = _counted(_usage(completion))
        message = completion.choices[0].message if completion.choices else None
        if message is not None and message.refusal:
            return self._failed(Failure.REFUSED, usage)
        if message is None or message.parsed is None:
            return self._failed(Failure.INVALID, usage)
        self.breaker.succeeded()
        return Answer(message.parsed, usage)

    async def transcribe(self, audio: bytes, file_name: str = "voice.ogg") -> str | Failed:
        """Telegram's voice notes are Ogg/Opus named .oga; newer models refuse that name,
        so the same bytes go up as .ogg."""
        if not self.breaker.allows():
            return self.note_failure(Failure.PAUSED)
        metrics.LLM_CALLS.inc()
        try:
            result = await self.audio.audio.transcriptions.create(
                model=self.config.transcription_model, file=(file_name, audio))
        except Exception as exc:
            return self._failed(exc, Usage())
        text = (getattr(result, "text", None) or "").strip()
        if not text:
            return self._failed(Failure.INVALID, Usage())
        self.breaker.succeeded()
        return text

    def _failed(self, cause: Exception | Failure, usage: Usage) -> Failed:
        failure = cause if isinstance(cause, Failure) else _kind(cause)
        if failure in _HEALTHY:
            self.breaker.succeeded()
        else:
            self.breaker.failed()
        self.note_failure(failure)
        return Failed(failure, usage)


def _counted(usage: Usage) -> Usage:
    metrics.LLM_TOKENS.labels("prompt").inc(usage.prompt_tokens)
    metrics.LLM_TOKENS.labels("completion").inc(usage.completion_tokens)
    return usage


def _kind(exc: Exception) -> Failure:
    if isinstance(exc, openai.APITimeoutError):
        return Failure.TIMEOUT
    if isinstance(exc, openai.APIConnectionError):
        return Failure.UNREACHABLE
    if isinstance(exc, openai.RateLimitError):
        return Failure.RATE_LIMITED
    if isinstance(exc, openai.APIStatusError):
        return Failure.SERVER_ERROR if exc.status_code >= 500 else Failure.REJECTED
    if isinstance(exc, openai.LengthFinishReasonError):
        return Failure.TRUNCATED
    if isinstance(exc, openai.ContentFilterFinishReasonError):
        return Failure.REFUSED
    if isinstance(exc, ValidationError | ValueError):  # JSONDecodeError is a ValueError
        return Failure.INVALID
    log.exception("unexpected LLM failure")
    return Failure.INVALID


def _usage(completion: Any) -> Usage:
    usage = getattr(completion, "usage", None)
    if usage is None:
        return Usage()
    return Usage(usage.prompt_tokens or 0, usage.completion_tokens or 0)
