"""The aiohttp server, started inside the bot's own event loop (design rule 7).

It serves /healthz, /readyz and /metrics always, the webhook in webhook mode, and the CPD
office console (`bot.console`). Stopping
first flips it to "stopping" (the webhook and /readyz answer 503, so Telegram and the load
balancer go elsewhere) while the updates in hand finish; then it closes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot.config import Config, ConfigError
from bot.console.guard import Console
from bot.console.routes import add_routes as console_routes
from bot.web.health import healthz, metrics_route, readyz_route
from bot.web.webhook import MAX_BODY, webhook_route
from storage.engine import Database

log = logging.getLogger(__name__)


@dataclass
class WebServer:
    runner: web.AppRunner
    port: int
    state: dict[str, bool] = field(default_factory=lambda: {"stopping": False})

    def begin_stopping(self) -> None:
        self.state["stopping"] = True

    async def close(self) -> None:
        await self.runner.cleanup()


async def start_web(config: Config, db: Database,
                    wake: Callable[[], None] | None = None,
                    console: Console | None = None) -> WebServer:
    """Bind and serve; `wake` (webhook mode) is told of every update journaled; `console`,
    the CPD office console's pages under /console."""
    state = {"stopping": False}

    def stopping() -> bool:
        return state["stopping"]

    app = web.Application(client_max_size=MAX_BODY + 64 * 1024)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz_route(db, config.web.ready_backlog, stopping))
    app.router.add_get("/metrics", metrics_route(db))
    if wake is not None:
        app.router.add_post(config.telegram.webhook_path, webhook_route(
            db, config.telegram.webhook_secret, wake, stopping))
    if console is not None:
        console_routes(app, console)
    # No access log (paths and addresses only; still, no noise). At a stop, requests still in
    # flight get a moment, not aiohttp's default minute: SIGTERM must exit within 10 s.
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, config.web.host, config.web.port)
    try:
        await site.start()
    except OSError as problem:
        await runner.cleanup()
        raise ConfigError("web.port", f"cannot listen on {config.web.host}:{config.web.port} "
                          f"({problem.strerror}); choose another [web] port, or set "
                          "enabled = false") from None
    port = int(runner.addresses[0][1]) if runner.addresses else config.web.port
    log.info("web server on %s:%d", config.web.host, port)
    return WebServer(runner, port, state)
