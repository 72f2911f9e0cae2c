"""Wiring: build the PTB Application around the database, and run it until told to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application, ApplicationBuilder

import handlers
from bot.assist.provider import Provider
from bot.config import Config
from bot.console.guard import Console
from bot.library.loader import library_dir, load_library
from bot.runtime.dispatch import JournalDispatcher
from bot.runtime.http import AiohttpRequest
from bot.runtime.ordering import PerUserUpdateProcessor
from bot.runtime.polling import DurablePoller
from bot.runtime.updates import ALLOWED_UPDATES
from bot.web.server import start_web
from handlers.commands import publish_command_menus
from handlers.other import unsupported_text
from handlers.reminders import remind
from storage.engine import Database
from storage.models import utcnow

log = logging.getLogger("cpdbot")

GRACE_SECONDS = 8.0  # for updates in hand at a stop: SIGTERM to exit within 10 s


def build_application(
    config: Config, db: Database, api: AiohttpRequest, polling_api: AiohttpRequest,
    clock: Callable[[], datetime] | None = None,
) -> Application:
    application = (
        ApplicationBuilder()
        .token(config.require_token())
        .base_url(config.telegram.base_url)
        .base_file_url(config.telegram.base_file_url)
        .updater(None)  # DurablePoller replaces PTB's Updater; see bot/runtime/polling.py
        # Many users may each wait seconds on the LLM; a slot each keeps the rest moving.
        .concurrent_updates(PerUserUpdateProcessor(512))
        .request(api)
        .get_updates_request(polling_api)
        .build()
    )
    application.bot_data["db"] = db
    application.bot_data["config"] = config
    application.bot_data["library"] = load_library(library_dir(config.prompts.dir))
    # AI help is optional: without it every flow runs on the guided questions.
    application.bot_data["llm"] = Provider(config.llm) if config.llm.usable else None
    if clock is not None:  # a test's clock: every reminder decision reads time through it
        application.bot_data["clock"] = clock
    handlers.register(application)
    assert application.job_queue is not None  # python-telegram-bot[job-queue] is a dependency
    # The one job, however many users: reminders are rows (see bot/reminders/sweep.py).
    application.job_queue.run_repeating(
        remind.sweep_job, interval=config.reminders.sweep_seconds, first=1,
        name="reminder-sweep",
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1})
    return application


async def _initialise(application: Application, stop: asyncio.Event) -> bool:
    """getMe until it works: a clinic's connection may be down when the bot starts."""
    delay = 1.0
    while not stop.is_set():
        try:
            await application.initialize()
            return True
        except InvalidToken:
            raise
        except NetworkError as exc:
            log.warning("cannot reach Telegram (%s); retrying in %.0f s", type(exc).__name__,
                        delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, 60.0)
    return False


async def serve(config: Config, db: Database, stop: asyncio.Event,
                clock: Callable[[], datetime] | None = None) -> None:
    """Take updates (polling, or the webhook) and handle them until `stop` is set; then
    finish what is in flight. The web server answers from the start, Telegram reachable or
    not."""
    config.require_webhook()
    api, polling_api = AiohttpRequest(pool_size=16), AiohttpRequest(pool_size=1)
    application = build_application(config, db, api, polling_api, clock)
    webhook = config.telegram.mode == "webhook"
    dispatcher = (JournalDispatcher(application, db, config.telegram.lease_seconds,
                                    unsupported_text) if webhook else None)
    console = Console(db, application.bot_data["library"],
                      secure_cookies=config.web.public_url.startswith("https://"),
                      clock=clock or utcnow, bot_username=lambda: application.bot.username)
    web_server = (await start_web(config, db, dispatcher.wake if dispatcher else None,
                                  console) if config.web.enabled else None)
    if web_server is not None:  # where /console's sign-in links point
        application.bot_data["console_url"] = (
            config.web.public_url or f"http://{config.web.host}:{web_server.port}") + "/console"
    try:
        if not await _initialise(application, stop):
            return
        await _announce(application, config)
        await application.start()
        worker: JournalDispatcher | DurablePoller = dispatcher or DurablePoller(
            application, db, config.telegram.poll_timeout, unsupported_text)
        working = asyncio.create_task(worker.run())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({working, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if web_server is not None:
            web_server.begin_stopping()  # the webhook and /readyz answer 503 from now on
        stopping.cancel()
        working.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await working  # re-raises a fatal polling error such as InvalidToken
        await worker.drain(GRACE_SECONDS)
        await application.stop()
    finally:
        await application.shutdown()  # a no-op if Telegram was never reached
        llm = application.bot_data["llm"]
        if llm is not None:
            if llm.failures:
                log.info("LLM failures since start: %s", ", ".join(
                    f"{failure.value} {count}" for failure, count in llm.failures.items()))
            await llm.close()
        await api.shutdown()
        await polling_api.shutdown()
        if web_server is not None:
            await web_server.close()


async def _announce(application: Application, config: Config) -> None:
    """Tell Telegram how updates reach us, and publish the command menus."""
    try:
        if config.telegram.mode == "webhook":
            # Never drop_pending_updates: they are what clinicians sent while we were down.
            await application.bot.set_webhook(
                url=config.web.public_url + config.telegram.webhook_path,
                secret_token=config.telegram.webhook_secret, allowed_updates=ALLOWED_UPDATES,
                max_connections=config.telegram.max_connections)
        else:
            await application.bot.delete_webhook(drop_pending_updates=False)
    except NetworkError as exc:
        log.error("could not tell Telegram where updates go (%s); carrying on with what it "
                  "had", type(exc).__name__)
    try:
        await publish_command_menus(application.bot)
    except NetworkError as exc:
        log.warning("could not set up the command menus (%s); carrying on",
                    type(exc).__name__)
