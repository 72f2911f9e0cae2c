"""Liveness, readiness and metrics for the operator's monitoring.

/healthz: the process runs. /readyz: it can do its job now, so a load balancer may send it
traffic: the database answers, its schema is at the migrations' head, and the updates waiting
are fewer than `web.ready_backlog`; otherwise 503 with the reason in one line of JSON.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from bot.common import metrics
from storage import journal
from storage.engine import Database
from storage.journal import MAX_ATTEMPTS
from storage.migrate import head_revision

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

DATABASE_TIMEOUT = 3.0  # seconds for the readiness queries


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "alive"})


def readyz_route(db: Database, ready_backlog: int,
                 stopping: Callable[[], bool]) -> Handler:
    head = head_revision()

    async def readyz(_request: web.Request) -> web.Response:
        if stopping():
            return _not_ready("stopping")
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT):
                async with db.session() as session:
                    version = await session.scalar(text("SELECT version_num FROM "
                                                        "alembic_version"))
                waiting = await journal.backlog(db, MAX_ATTEMPTS)
        except Exception as problem:  # whatever the driver raises when the server is gone
            return _not_ready(f"database unavailable ({type(problem).__name__})")
        if version != head:
            return _not_ready(f"database schema at {version}, expected {head}: run "
                              "`cpdbot migrate`")
        if waiting >= ready_backlog:
            return _not_ready(f"{waiting} updates waiting (limit {ready_backlog})")
        return web.json_response({"status": "ready", "backlog": waiting})

    return readyz


def _not_ready(reason: str) -> web.Response:
    return web.json_response({"status": "not ready", "reason": reason}, status=503)


def metrics_route(db: Database) -> Handler:
    async def metrics_page(_request: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT):
                metrics.JOURNAL_BACKLOG.set(await journal.backlog(db, MAX_ATTEMPTS))
        except Exception as problem:
            log.warning("metrics: journal backlog unknown (%s)", type(problem).__name__)
        body = generate_latest(metrics.REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return metrics_page
