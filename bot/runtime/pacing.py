"""Pacing for broadcasts: Telegram's limits are about 30 messages a second overall and one a
second per chat, and PTB's own limiter has no per-chat limit (see the engineering notes)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

LATE = 0.02  # seconds a send may go after its slot before the rest of the schedule moves on


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
        self._shift = 0.0  # how far stalls have moved the schedule on
        self._paused_until = 0.0
        self._chat_free: dict[int, float] = {}

    async def wait(self, chat_id: int) -> None:
        """Reserve the next slot before sleeping, so concurrent callers never share one.
        A caller woken more than `LATE` after its slot (the event loop was busy, say a full
        garbage collection) moves every later slot on by as much, so the sends that fell due
        meanwhile go on evenly spaced instead of all at once (a 429 at 1000 a second)."""
        while True:
            # Slots are kept in the schedule's own time: real time is that plus the shift.
            now = self._clock()
            shift = self._shift
            slot = max(now - shift, self._next_slot, self._paused_until - shift,
                       self._chat_free.get(chat_id, -shift))
            self._next_slot = slot + self._interval
            self._chat_free[chat_id] = slot + self._chat_interval
            while (due := slot + self._shift) > (now := self._clock()):
                await self._sleep(due - now)
            if now - due > LATE:
                self._shift += now - due - LATE
            if self._clock() >= self._paused_until:
                break
        if len(self._chat_free) > 4096:  # forget chats that are free again: memory stays flat
            now = self._clock()
            self._chat_free = {chat: at for chat, at in self._chat_free.items()
                               if at + self._shift > now}

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._clock() + seconds)
