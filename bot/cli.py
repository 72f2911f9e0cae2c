"""`cpdbot run | migrate`: configuration errors exit 2 with one line, never a traceback."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from sqlalchemy.exc import SQLAlchemyError
from telegram.error import InvalidToken

from bot import __version__
from bot.app import serve
from bot.config import Config, ConfigError, load_config
from bot.library import DataFileError, library_dir, load_library
from storage.engine import Database, describe_backend
from storage.migrate import upgrade

log = logging.getLogger("cpdbot")
EXIT_CONFIG = 2


class _RedactSecrets(logging.Filter):
    """Belt and braces: no secret reaches a log line, whoever logs it."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self._secrets):
            for secret in self._secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, None
        return True


def setup_logging(config: Config) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_RedactSecrets([config.telegram.token, config.llm.api_key]))
    logging.basicConfig(level=config.logging.level, handlers=[handler], force=True)
    # Libraries' debug output carries secrets and message texts: httpx logs URLs with the
    # bot token, database drivers log statement parameters, PTB logs whole updates.
    for chatty in ("httpx", "httpcore", "aiosqlite", "asyncpg", "sqlalchemy"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLogger().level))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cpdbot", description="CPD reflection bot")
    parser.add_argument("--config", help="path to config.toml (else $CPDBOT_CONFIG, "
                        "else ./config.toml)")
    parser.add_argument("--version", action="version", version=f"cpdbot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("run", "run the bot (long polling)"),
                       ("migrate", "apply database migrations and exit")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def _fail(message: str) -> int:
    print(f"cpdbot: {message}", file=sys.stderr)
    return EXIT_CONFIG


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = load_config(args.config)
        if args.command == "run":
            config.require_token()
            load_library(library_dir(config.prompts.dir))
    except ConfigError as exc:
        return _fail(f"config error: {exc}")
    except DataFileError as exc:
        return _fail(f"data file error: {exc}")
    setup_logging(config)
    try:
        upgrade(config.storage.url)
    except (SQLAlchemyError, OSError) as exc:
        return _fail(f"config error: storage.url: cannot open the database "
                     f"({type(exc).__name__}: {_first_line(exc)})")
    if args.command == "migrate":
        log.info("database is up to date: %s", describe_backend(config.storage.url))
        return 0
    try:
        asyncio.run(_run(config))
    except InvalidToken:
        return _fail("config error: telegram.token: Telegram rejected this token; "
                     "check it with @BotFather")
    return 0


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0][:200]


async def _run(config: Config) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info(
        "cpdbot %s starting: mode=polling storage=%s llm=%s",
        __version__,
        describe_backend(config.storage.url),
        f"on ({config.llm.model})" if config.llm.enabled else "off",
    )
    db = Database(config.storage.url)
    try:
        await serve(config, db, stop)
    finally:
        await db.dispose()
    log.info("cpdbot stopped cleanly")
