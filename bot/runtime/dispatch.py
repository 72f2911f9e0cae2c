"""Webhook mode: journaled updates handed to the handlers, each user's in order, across instances.

Any instance takes any webhook request and journals it (bot/web/webhook.py). Handling is
separate: an instance leases a user ("user:<id>" in `storage.leases`), handles that user's
waiting updates oldest first, and marks each processed; only the holder of the lease handles
the user, so one user's updates stay in order while different users run in parallel, on this
instance and the others. Leases are renewed while held. An instance killed mid-way stops
renewing; after `lease_seconds` another takes its users over and handles what was left,
including the update that was in hand (attempts are counted, so a poison update is tried at
most MAX_ATTEMPTS times). Handlers are idempotent (design rule 2), so that retry changes
nothing that was already done.

The bookkeeping is one transaction per turn for all users (`storage.journal.turn`): marking
what was handled, leasing, taking and giving back together. Under a burst a turn serves
hundreds of updates, so the database sees a few commits a second, not several per message.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from telegram import Update
from telegram.ext import Application, ContextTypes

from bot.common import metrics
from bot.runtime.updates import answer_unreadable, parse
from storage import journal, leases
from storage.engine import Database
from storage.journal import MAX_ATTEMPTS
from storage.models import utcnow

log = logging.getLogger(__name__)

LOOK_SECONDS = 0.1  # how often an idle instance looks for updates other instances journaled
TAKE = 20  # a user's updates read at a time


def instance_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _lease_key(user_key: int) -> str:
    return f"user:{user_key}"


class JournalDispatcher:
    def __init__(self, application: Application, db: Database, lease_seconds: float,
                 unreadable_reply: Callable[[str], str], max_users: int = 512) -> None:
        self._app = application
        self._db = db
        self._lease = timedelta(seconds=lease_seconds)
        self._unreadable_reply = unreadable_reply
        self._max_users = max_users
        self.holder = instance_name()
        self._wake = asyncio.Event()
        self._working: dict[int, asyncio.Task[None]] = {}  # users being handled now
        self._held: set[int] = set()  # users whose lease this instance holds
        self._lost: set[int] = set()
        self._handled: list[int] = []  # done since the last turn, to be marked processed
        self._failed: set[int] = set()
        application.add_error_handler(self._note_failure)

    def wake(self) -> None:
        """A request was journaled here, or a user's updates are done: take a turn now."""
        self._wake.set()

    async def run(self) -> None:
        """Take turns until cancelled: at once while there is work, else every LOOK_SECONDS
        (for what other instances journaled)."""
        renewing = asyncio.create_task(self._renew_forever())
        try:
            while True:
                self._wake.clear()
                try:
                    await self._turn()
                except Exception:
                    log.exception("could not take the next updates; retrying")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), LOOK_SECONDS)
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing

    async def drain(self, grace_seconds: float = 10.0) -> None:
        """Finish the updates in hand, record them, and give the leases back so others go
        on at once."""
        tasks = set(self._working.values())
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=grace_seconds)
            for task in pending:
                task.cancel()
            if pending:
                log.warning("%d users' updates still running at shutdown; another instance "
                            "or the next start takes them over", len(pending))
        handled, self._handled = self._handled, []
        await journal.mark_processed(self._db, handled)
        async with self._db.session.begin() as session:
            await leases.release(session, map(_lease_key, self._held), self.holder)
        self._held.clear()

    async def _turn(self) -> None:
        handled, self._handled = self._handled, []
        now = utcnow()
        try:
            taken, self._held = await journal.turn(
                self._db, handled, self.holder, now, now + self._lease, self._working,
                self._held - self._lost, self._max_users, MAX_ATTEMPTS, TAKE)
        except Exception:
            self._handled.extend(handled)  # marked at the next turn
            raise
        for user_key, rows in taken.items():
            self._lost.discard(user_key)
            self._working[user_key] = asyncio.create_task(self._work_on(user_key, rows))

    async def _work_on(self, user_key: int, rows: list[tuple[int, str]]) -> None:
        try:
            for update_id, payload in rows:
                if user_key in self._lost:
                    break  # another instance holds this user now; it goes on from here
                if await self._handle(update_id, payload):
                    self._handled.append(update_id)
        except Exception:
            log.exception("handling a user's updates failed; they are tried again")
        finally:
            del self._working[user_key]
            self._wake.set()

    async def _handle(self, update_id: int, payload: str) -> bool:
        """Handle one update; True when it is done (to be marked processed), False when it
        was given up (failed, or unreadable), which is recorded already."""
        raw = json.loads(payload)
        update = parse(raw, self._app.bot)
        kind = metrics.update_kind(raw)
        if update is None:
            await answer_unreadable(self._app.bot, raw, self._unreadable_reply)
            await journal.give_up(self._db, update_id, MAX_ATTEMPTS)
            metrics.UPDATES_FAILED.labels(kind).inc()
            return False
        started = time.perf_counter()
        await self._app.process_update(update)
        metrics.HANDLER_SECONDS.labels(kind).observe(time.perf_counter() - started)
        if update_id in self._failed:
            # The error handler has told the clinician; a retry would tell them again.
            self._failed.discard(update_id)
            await journal.give_up(self._db, update_id, MAX_ATTEMPTS)
            metrics.UPDATES_FAILED.labels(kind).inc()
            return False
        metrics.UPDATES_PROCESSED.labels(kind).inc()
        return True

    async def _note_failure(self, update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            self._failed.add(update.update_id)

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self._lease.total_seconds() / 3)
            held = list(self._held)
            if not held:
                continue
            try:
                async with self._db.session.begin() as session:
                    kept = await leases.renew(session, map(_lease_key, held), self.holder,
                                              utcnow() + self._lease)
            except Exception:
                log.exception("could not renew leases; retrying")
                continue
            for user_key in held:
                if _lease_key(user_key) not in kept:
                    log.warning("lost the lease on a user's updates; another instance took "
                                "them over")
                    self._lost.add(user_key)
                    self._held.discard(user_key)
