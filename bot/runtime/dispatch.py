"""Webhook mode: journaled updates handed to the handlers, each user's in order, across instances.

Any instance takes any webhook request and journals it (bot/runtime/webhook.py). Handling is
separate: an instance leases a user ("user:<id>" in `storage.leases`), handles that user's
waiting updates oldest first, and marks each processed; only the holder of the lease handles
the user, so one user's updates stay in order while different users run in parallel, on this
instance and the others. Leases are renewed while held. An instance killed mid-way stops
renewing; after `lease_seconds` another takes its users over and handles what was left,
including the update that was in hand (attempts are counted, so a poison update is tried at
most MAX_ATTEMPTS times). Handlers are idempotent (design rule 2), so that retry changes
nothing that was already done.
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

LOOK_SECONDS = 0.25  # how often an idle instance looks for updates other instances journaled
TAKE = 20  # a user's updates read at a time


def instance_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _lease_key(user_key: int) -> str:
    return f"user:{user_key}"


class JournalDispatcher:
    def __init__(self, application: Application, db: Database, lease_seconds: float,
                 unreadable_reply: Callable[[str], str], max_users: int = 256) -> None:
        self._app = application
        self._db = db
        self._lease = timedelta(seconds=lease_seconds)
        self._unreadable_reply = unreadable_reply
        self._max_users = max_users
        self.holder = instance_name()
        self._wake = asyncio.Event()
        self._working: dict[int, asyncio.Task[None]] = {}
        self._lost: set[int] = set()
        self._failed: set[int] = set()
        application.add_error_handler(self._note_failure)

    def wake(self) -> None:
        """A request was journaled here: look now rather than at the next tick."""
        self._wake.set()

    async def run(self) -> None:
        """Look for waiting users and work on them, until cancelled."""
        renewing = asyncio.create_task(self._renew_forever())
        try:
            while True:
                try:
                    await self._take_users()
                except Exception:
                    log.exception("could not look for waiting updates; retrying")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), LOOK_SECONDS)
                self._wake.clear()
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing

    async def drain(self, grace_seconds: float = 10.0) -> None:
        """Finish the updates in hand, then give the leases back so others go on at once."""
        tasks = set(self._working.values())
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=grace_seconds)
            for task in pending:
                task.cancel()
            if pending:
                log.warning("%d users' updates still running at shutdown; another instance "
                            "or the next start takes them over", len(pending))
        async with self._db.session.begin() as session:
            await leases.release(session, map(_lease_key, list(self._working)), self.holder)

    async def _take_users(self) -> None:
        room = self._max_users - len(self._working)
        if room <= 0:
            return
        waiting = await journal.waiting_users(self._db, MAX_ATTEMPTS, room, self._working)
        if not waiting:
            return
        now = utcnow()
        async with self._db.session.begin() as session:
            won = await leases.acquire(session, map(_lease_key, waiting), self.holder, now,
                                       now + self._lease)
        for user_key in waiting:
            if _lease_key(user_key) in won and user_key not in self._working:
                self._lost.discard(user_key)
                self._working[user_key] = asyncio.create_task(self._work_on(user_key))

    async def _work_on(self, user_key: int) -> None:
        try:
            while user_key not in self._lost:
                rows = await journal.take_for_user(self._db, user_key, MAX_ATTEMPTS, TAKE)
                if not rows:
                    break
                for update_id, payload in rows:
                    if user_key in self._lost:
                        break  # another instance holds this user now; it goes on from here
                    await self._handle(update_id, payload)
        except Exception:
            log.exception("handling a user's updates failed; they are tried again")
        finally:
            del self._working[user_key]
            if user_key not in self._lost:
                with contextlib.suppress(Exception):
                    async with self._db.session.begin() as session:
                        await leases.release(session, [_lease_key(user_key)], self.holder)
            self._wake.set()  # an update may have come in just before the release

    async def _handle(self, update_id: int, payload: str) -> None:
        raw = json.loads(payload)
        update = parse(raw, self._app.bot)
        kind = metrics.update_kind(raw)
        if update is None:
            await answer_unreadable(self._app.bot, raw, self._unreadable_reply)
            await journal.give_up(self._db, update_id, MAX_ATTEMPTS)
            metrics.UPDATES_FAILED.labels(kind).inc()
            return
        started = time.perf_counter()
        await self._app.process_update(update)
        metrics.HANDLER_SECONDS.labels(kind).observe(time.perf_counter() - started)
        if update_id in self._failed:
            # The error handler has told the clinician; a retry would tell them again.
            self._failed.discard(update_id)
            await journal.give_up(self._db, update_id, MAX_ATTEMPTS)
            metrics.UPDATES_FAILED.labels(kind).inc()
        else:
            await journal.mark_processed(self._db, [update_id])
            metrics.UPDATES_PROCESSED.labels(kind).inc()

    async def _note_failure(self, update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            self._failed.add(update.update_id)

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self._lease.total_seconds() / 3)
            held = list(self._working)
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
