"""The application under test: run inside the test's event loop against the fake server."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.app import serve
from bot.config import Config
from storage.engine import Database
from tests.support.fake_telegram import FakeTelegram

POSTGRES_URL = os.environ.get("CPDBOT_TEST_DATABASE_URL", "")
ADMIN_ID = 9000  # the administrator in every test bot's config



def run_blocking(factory: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run a coroutine to completion on a private loop, from sync or async code alike."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, factory()).result()


class RunningBot:
    """The real application, polling the fake server, inside the test's event loop."""

    def __init__(self, config: Config, db: Database,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.config, self.db, self.clock = config, db, clock
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self, telegram: FakeTelegram) -> RunningBot:
        self._stop = asyncio.Event()
        # Polling has begun at the first getUpdates; webhook mode, once it set the webhook
        # (its server already listens then).
        method = "setWebhook" if self.config.telegram.mode == "webhook" else "getUpdates"
        before = len(telegram.calls_to(method))
        self._task = asyncio.create_task(serve(self.config, self.db, self._stop, self.clock))
        await telegram.wait_until(
            lambda: len(telegram.calls_to(method)) > before or self._task.done(),
            what=f"the bot to start ({method})")
        if self._task.done():
            self._task.result()
        return self

    async def stop(self) -> None:
        self._stop.set()
        if self._task:
            await asyncio.wait_for(self._task, 15)


class Clock:
    """A clock the test moves by hand: reminders read time through it, so no test waits for
    the wall clock. It starts at the current minute, so stored times stay near the real ones."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(second=0, microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta
