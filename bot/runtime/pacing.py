"""Pacing for broadcasts: Telegram's limits are about 30 messages a second overall and one a
second per chat, and PTB's own limiter has no per-chat limit (see the engineering notes)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class Pacer:
    """Hands out send slots: evenly spaced at `per_second` overall, at least `chat_interval`
    apart per chat, and none while paused by a 429's `retry_after`."""

    def __init__(self, per_second: float, chat_interval: float = 1.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._interval = 1.0 / per_second
        self._chat_interval = chat_interval
        self._clock, self._sleep = clock, sleep
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chat_free: dict[int, float] = {}

    async def wait(self, chat_id: int) -> None:
        """Reserve the next slot before sleeping, so concurrent callers never share one."""
        while True:
            now = self._clock()
            slot = max(now, self._next_slot, self._paused_until, self._chat_free.get(chat_id, 0))
            self._next_slot = slot + self._interval
            self._chat_free[chat_id] = slot + self._chat_interval
            if slot > now:
                await self._sleep(slot - now)
            if self._clock() >= self._paused_until:
                break
        if len(self._chat_free) > 4096:  # forget chats that are free again: memory stays flat
            now = self._clock()
            self._chat_free = {chat: at for chat, at in self._chat_free.items() if at > now}

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._clock() + seconds)
