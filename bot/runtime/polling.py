"""Long polling that never loses an update.

Telegram treats an update as delivered once `getUpdates` is called with a higher offset.
PTB's own Updater makes that call before its handlers have run, so a crash loses the batch.
Here every fetched batch is written to the update journal *before* the next `getUpdates`,
handled through the application's per-user processor, and marked processed only after its
handlers finished without error. On start, unprocessed journal rows are replayed first.
Duplicates (Telegram redelivering what was journaled) are dropped by the journal's key.

Updates are fetched as raw JSON and journaled exactly as Telegram sent them; each is parsed
on its own, so one update this PTB version cannot parse never blocks the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import warnings
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ContextTypes
from telegram.warnings import PTBUserWarning

from bot.common import metrics
from bot.runtime.updates import ALLOWED_UPDATES, answer_unreadable, parse
from storage import journal
from storage.engine import Database
from storage.journal import MAX_ATTEMPTS
from storage.models import utcnow

log = logging.getLogger(__name__)

JOURNAL_KEEP = timedelta(days=2)


class DurablePoller:
    def __init__(
        self,
        application: Application,
        db: Database,
        poll_timeout: int,
        unreadable_reply: Callable[[str], str],
        max_in_flight: int = 1000,
        flush_seconds: float = 0.2,
    ) -> None:
        self._app = application
        self._db = db
        self._poll_timeout = poll_timeout
        self._unreadable_reply = unreadable_reply  # the text for a language, from the handlers
        self._room = asyncio.Semaphore(max_in_flight)  # back-pressure on a huge backlog
        self._flush_seconds = flush_seconds
        self._in_flight: set[asyncio.Task[None]] = set()
        self._handled: list[int] = []
        self._failed: set[int] = set()
        application.add_error_handler(self._note_failure)

    async def run(self) -> None:
        """Replay, then fetch forever. Safe to cancel at any await."""
        flusher = asyncio.create_task(self._flush_forever())
        try:
            await self._replay()
            await self._fetch_forever()
        finally:
            flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await flusher

    async def drain(self, grace_seconds: float = 10.0) -> None:
        """Let updates already being handled finish, then record them as processed."""
        if self._in_flight:
            _, pending = await asyncio.wait(self._in_flight, timeout=grace_seconds)
            if pending:
                log.warning("%d updates still running at shutdown; they will be replayed",
                            len(pending))
        await self._flush()

    async def _replay(self) -> None:
        rows = await journal.claim_unprocessed(self._db, MAX_ATTEMPTS)
        if rows:
            log.info("replaying %d updates stored before the last stop", len(rows))
        for _update_id, payload in rows:
            update = self._parse(json.loads(payload))
            if update is not None:
                await self._submit(update)

    async def _fetch_forever(self) -> None:
        offset: int | None = None
        failures = 0
        while True:
            try:
                raw_updates = await self._get_updates(offset)
                failures = 0
            except RetryAfter as exc:
                await asyncio.sleep(exc.retry_after.total_seconds())  # type: ignore[union-attr]
                continue
            except TimedOut:
                continue
            except InvalidToken:
                raise
            except Conflict:
                log.error("another process is polling with this bot token; retrying in 5 s")
                await asyncio.sleep(5)
                continue
            except NetworkError as exc:
                failures += 1
                delay = min(30.0, 0.5 * 2**failures)
                log.warning("getUpdates failed (%s); retrying in %.1f s", type(exc).__name__,
                            delay)
                await asyncio.sleep(delay)
                continue
            if not raw_updates:
                continue
            fresh = await journal.record_batch(
                self._db, [(raw["update_id"], json.dumps(raw)) for raw in raw_updates]
            )
            # Only now may Telegram forget them: the next call carries this offset.
            offset = max(raw["update_id"] for raw in raw_updates) + 1
            for raw in raw_updates:
                if raw["update_id"] not in fresh:
                    continue
                metrics.UPDATES_RECEIVED.labels(metrics.update_kind(raw)).inc()
                update = self._parse(raw)
                if update is not None:
                    await self._submit(update)
                else:
                    await self._answer_unreadable(raw)

    async def _get_updates(self, offset: int | None) -> list[dict[str, Any]]:
        with warnings.catch_warnings():
            # PTB suggests Bot.get_updates, which parses the batch as one and fails as one.
            warnings.simplefilter("ignore", PTBUserWarning)
            # Without return_type PTB hands back the JSON as it came: a list of update dicts.
            updates: list[dict[str, Any]] = await self._app.bot.do_api_request(
                "getUpdates",
                api_kwargs={"offset": offset, "timeout": self._poll_timeout,
                            "allowed_updates": ALLOWED_UPDATES},
                read_timeout=self._poll_timeout + 10,
            )
        return updates

    async def _answer_unreadable(self, raw: dict[str, Any]) -> None:
        await answer_unreadable(self._app.bot, raw, self._unreadable_reply)

    def _parse(self, raw: dict[str, Any]) -> Update | None:
        return parse(raw, self._app.bot)

    async def _submit(self, update: Update) -> None:
        await self._room.acquire()
        task = asyncio.create_task(
            self._app.update_processor.process_update(update, self._handle(update))
        )
        self._in_flight.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._room.release()

    async def _handle(self, update: Update) -> None:
        kind = next((kind for kind in metrics.UPDATE_KINDS if getattr(update, kind, None)),
                    "other")
        started = time.perf_counter()
        await self._app.process_update(update)
        metrics.HANDLER_SECONDS.labels(kind).observe(time.perf_counter() - started)
        if update.update_id in self._failed:
            self._failed.discard(update.update_id)
            metrics.UPDATES_FAILED.labels(kind).inc()
        else:
            self._handled.append(update.update_id)
            metrics.UPDATES_PROCESSED.labels(kind).inc()

    async def _note_failure(self, update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            self._failed.add(update.update_id)

    async def _flush(self) -> None:
        done, self._handled = self._handled, []
        try:
            await journal.mark_processed(self._db, done)
        except Exception:
            self._handled.extend(done)  # try again at the next flush
            raise

    async def _flush_forever(self) -> None:
        last_prune = utcnow()
        while True:
            await asyncio.sleep(self._flush_seconds)
            try:
                await self._flush()
                if utcnow() - last_prune > timedelta(hours=1):
                    await journal.prune_processed(self._db, utcnow() - JOURNAL_KEEP)
                    last_prune = utcnow()
            except Exception:
                log.exception("could not record processed updates; will retry")

