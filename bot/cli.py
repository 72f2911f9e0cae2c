"""`cpdbot run | migrate | export`: configuration errors exit 2 with one line, never a
traceback."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import logging
import signal
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot import __version__
from bot.app import serve
from bot.common.i18n import SUPPORTED_LANGUAGES
from bot.config import Config, ConfigError, load_config
from bot.cpd import record_import
from bot.exports.files import FORMATS, PERSONAL_ONLY, EvidencePictures, write_export
from bot.exports.records import Query, Text
from bot.library.data_files import DataFileError
from bot.library.loader import Library, library_dir, load_library
from bot.runtime.files import telegram_fetch
from storage import credit_records
from storage.engine import Database, describe_backend
from storage.migrate import upgrade
from storage.models import User

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
    # bot token, database drivers log statement parameters, PTB logs whole updates, and the
    # openai SDK logs request bodies: the clinician's note.
    for chatty in ("httpx", "httpcore", "httpx2", "httpcore2", "openai", "aiosqlite", "asyncpg",
                   "sqlalchemy"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLogger().level))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cpdbot", description="CPD reflection bot")
    parser.add_argument("--config", help="path to config.toml (else $CPDBOT_CONFIG, "
                        "else ./config.toml)")
    parser.add_argument("--version", action="version", version=f"cpdbot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    subs = {name: commands.add_parser(name, help=text) for name, text in (
        ("run", "run the bot (long polling)"),
        ("migrate", "apply database migrations and exit"),
        ("export", "write CPD records for a period to a file"),
        ("import", "add a clinician's past CPD records from a CSV or XLSX file"))}
    for sub in subs.values():
        sub.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    export = subs["export"]
    who = export.add_mutually_exclusive_group(required=True)
    who.add_argument("--user", type=int, metavar="TELEGRAM_ID", help="one clinician's records")
    who.add_argument("--all", action="store_true", help="every clinician's records")
    export.add_argument("--from", dest="start", type=_iso_date, required=True,
                        metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="end", type=_iso_date, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--format", choices=sorted(FORMATS), required=True)
    export.add_argument("--output", required=True, metavar="PATH", help="a file, or - for stdout")
    export.add_argument("--language", choices=SUPPORTED_LANGUAGES, default="en",
                        help="language of names and explanations (default en)")
    export.add_argument("--with-text", action="store_true",
                        help="with --all: include the reflective text of clinicians who "
                             "share it (a clinician's own export always has it)")
    imports = subs["import"]
    imports.add_argument("--user", type=int, metavar="TELEGRAM_ID", required=True)
    imports.add_argument("file", metavar="FILE", help="CSV or XLSX with columns date, title, "
                         "activity, hours, credits")
    imports.add_argument("--apply", action="store_true",
                         help="add the records (without it, only show what would be added)")
    imports.add_argument("--language", choices=SUPPORTED_LANGUAGES, default="en",
                         help="language of the report (default en)")
    return parser


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-31") from None


def _fail(message: str) -> int:
    print(f"cpdbot: {message}", file=sys.stderr)
    return EXIT_CONFIG


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = load_config(args.config)
        if args.command == "run":
            config.require_token()
            config.require_webhook()
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
    if args.command in ("export", "import"):
        try:
            library = load_library(library_dir(config.prompts.dir))
        except DataFileError as exc:
            return _fail(f"data file error: {exc}")
        return asyncio.run((_export if args.command == "export" else _import)(
            config, library, args))
    try:
        asyncio.run(_run(config))
    except ConfigError as exc:
        return _fail(f"config error: {exc}")
    except InvalidToken:
        return _fail("config error: telegram.token: Telegram rejected this token; "
                     "check it with @BotFather")
    return 0


async def _import(config: Config, library: Library, args: argparse.Namespace) -> int:
    """A dry run unless --apply; exit 1 when a row has a problem (and nothing was added)."""
    try:
        data = await asyncio.to_thread(Path(args.file).read_bytes)
    except OSError as exc:
        return _fail(f"import: cannot read {args.file} ({exc.strerror})")
    db = Database(config.storage.url)
    try:
        async with db.session() as session:
            user = await session.get(User, args.user)
        if user is None:
            return _fail(f"import: no user {args.user}; they must send /start to the bot first")
        if args.apply:
            plan = await record_import.commit(db, library, user.id, data, args.file,
                                              args.language, "cli")
        else:
            plan = await record_import.prepare(db, library, user, data, args.file,
                                               args.language)
    except record_import.ImportFileError as exc:
        return _fail(f"import: {exc}")
    finally:
        await db.dispose()
    print(record_import.plan_text(plan, library, user.framework_id, args.language,
                                  done=args.apply))
    if plan.ready and not args.apply:
        print("Dry run: nothing was added. Run again with --apply to add these records.")
    return 1 if plan.problems else 0


async def _export(config: Config, library: Library, args: argparse.Namespace) -> int:
    if args.end < args.start:
        return _fail("export: --to is before --from")
    if args.format in PERSONAL_ONLY and args.user is None:
        return _fail(f"export: {args.format} is one clinician's portfolio; use --user")
    if args.format == "xapi" and not config.exports.xapi_base_url:
        return _fail("config error: exports.xapi_base_url: xAPI statements need this "
                     "deployment's public URL, like https://cpd.example.org")
    text = Text.ALL if args.user is not None else (Text.SHARED if args.with_text else Text.NONE)
    query = Query(args.start, args.end, args.user, text, args.language)
    db = Database(config.storage.url)
    bot = await _file_bot(config) if args.format in PERSONAL_ONLY else None
    evidence = EvidencePictures(
        telegram_fetch(bot) if bot is not None else None,
        int(config.exports.evidence_max_mb * 1024 * 1024), config.exports.evidence_pictures)
    try:
        if args.output == "-":
            count = await write_export(db, library, query, args.format, sys.stdout.buffer,
                                       config.exports.xapi_base_url, evidence)
            sys.stdout.buffer.flush()
        else:
            with await asyncio.to_thread(open, args.output, "wb") as out:
                count = await write_export(db, library, query, args.format, out,
                                           config.exports.xapi_base_url, evidence)
        async with db.session.begin() as session:
            credit_records.audit(session, "cli", "export", user_id=args.user,
                                 format=args.format, start=args.start.isoformat(),
                                 end=args.end.isoformat(), records=count, text=str(text))
    except OSError as exc:
        return _fail(f"export: cannot write {args.output} ({exc.strerror})")
    finally:
        await db.dispose()
        if bot is not None:
            await bot.shutdown()
    print(f"cpdbot: exported {count} records", file=sys.stderr)
    return 0


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0][:200]


async def _file_bot(config: Config) -> Bot | None:
    """A portfolio's evidence is fetched from Telegram with the bot's token; without one, or
    with Telegram out of reach, the files are named as missing and the export still runs."""
    if not config.telegram.token:
        print("cpdbot: no TELEGRAM_BOT_TOKEN, so evidence files are listed, not shown",
              file=sys.stderr)
        return None
    bot = Bot(config.telegram.token, base_url=config.telegram.base_url,
              base_file_url=config.telegram.base_file_url)
    try:
        await bot.initialize()
    except TelegramError as problem:
        print(f"cpdbot: Telegram unreachable ({type(problem).__name__}), so evidence files "
              "are listed, not shown", file=sys.stderr)
        return None
    return bot


@contextlib.contextmanager
def only_instance_on_sqlite(url: str) -> Iterator[None]:
    """SQLite serves one instance: a second on the same file stops at once, with one line.
    The lock is the kernel's (flock), so a crashed instance never leaves it behind."""
    if not url.startswith("sqlite"):
        yield
        return
    path = Path(make_url(url).database or "cpdbot.sqlite3").resolve()
    with open(f"{path}.lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError("storage.url", f"another cpdbot is already running on {path}; "
                              "SQLite serves one instance (use PostgreSQL for several)") from None
        yield


async def _run(config: Config) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info(
        "cpdbot %s starting: mode=%s storage=%s llm=%s",
        __version__,
        config.telegram.mode,
        describe_backend(config.storage.url),
        f"on ({config.llm.model})" if config.llm.usable else "off",
    )
    db = Database(config.storage.url)
    try:
        with only_instance_on_sqlite(config.storage.url):
            await serve(config, db, stop)
    finally:
        await db.dispose()
    log.info("cpdbot stopped cleanly")
