"""`cpdbot run | migrate | export | import | backup`: configuration errors exit 2 with one
line, never a traceback."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import logging
import os
import signal
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot import __version__
from bot.common.i18n import SUPPORTED_LANGUAGES
from bot.config import Config, ConfigError, load_config
from bot.cpd import record_import
from bot.exports.files import FORMATS, PERSONAL_ONLY, EvidencePictures, write_export
from bot.exports.records import Query, Text
from bot.library.data_files import DataFileError
from bot.library.loader import Library, library_dir, load_library
from bot.organisations import commands as org_commands
from bot.organisations import tree as org_tree
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
        ("import", "add a clinician's past CPD records from a CSV or XLSX file"),
        ("backup", "copy the SQLite database to a file while the bot runs"))}
    for sub in subs.values():
        sub.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    org_commands.add_parser(commands)
    export = subs["export"]
    who = export.add_mutually_exclusive_group(required=True)
    who.add_argument("--user", type=int, metavar="TELEGRAM_ID", help="one clinician's records")
    who.add_argument("--all", action="store_true", help="every clinician's records")
    who.add_argument("--org", type=int, metavar="ORG", help="the members of an organisation "
                     "and everything below it, with where each is and their staff number")
    export.add_argument("--from", dest="start", type=_iso_date, required=True,
                        metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="end", type=_iso_date, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--format", choices=sorted(FORMATS), required=True)
    export.add_argument("--output", required=True, metavar="PATH", help="a file, or - for stdout")
    export.add_argument("--language", choices=SUPPORTED_LANGUAGES, default="en",
                        help="language of names and explanations (default en)")
    export.add_argument("--with-text", action="store_true",
                        help="with --all or --org: include the reflective text of clinicians "
                             "who share it (with --org: with that organisation); a "
                             "clinician's own export always has it")
    imports = subs["import"]
    imports.add_argument("--user", type=int, metavar="TELEGRAM_ID", required=True)
    imports.add_argument("file", metavar="FILE", help="CSV or XLSX with columns date, title, "
                         "activity, hours, credits")
    imports.add_argument("--apply", action="store_true",
                         help="add the records (without it, only show what would be added)")
    imports.add_argument("--language", choices=SUPPORTED_LANGUAGES, default="en",
                         help="language of the report (default en)")
    subs["backup"].add_argument("path", metavar="PATH", help="the copy to write (a folder: "
                                "cpdbot-<UTC time>.sqlite3 in it)")
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
    if args.command == "backup":  # a copy of what is there: no migration first
        return backup(config.storage.url, Path(args.path))
    try:
        upgrade(config.storage.url)
    except (SQLAlchemyError, OSError) as exc:
        return _fail(f"config error: storage.url: cannot open the database "
                     f"({type(exc).__name__}: {_first_line(exc)})")
    if args.command == "migrate":
        log.info("database is up to date: %s", describe_backend(config.storage.url))
        return 0
    if args.command == "org":
        return asyncio.run(_org(config, args))
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


async def _org(config: Config, args: argparse.Namespace) -> int:
    async def bot_username() -> str | None:
        bot = await _file_bot(config, "no link can be made")
        if bot is None:
            return None
        try:
            return bot.username
        finally:
            await bot.shutdown()

    db = Database(config.storage.url)
    try:
        return await org_commands.run(db, args, bot_username)
    finally:
        await db.dispose()


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
    db = Database(config.storage.url)
    scope = None
    if args.org is not None:
        organisation = await org_tree.get(db, args.org)
        if organisation is None:
            await db.dispose()
            return _fail(f"export: there is no organisation {args.org}")
        scope = organisation.path
    query = Query(args.start, args.end, args.user, text, args.language, scope)
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
                                 organisation=args.org, format=args.format,
                                 start=args.start.isoformat(), end=args.end.isoformat(),
                                 records=count, text=str(text))
    except OSError as exc:
        return _fail(f"export: cannot write {args.output} ({exc.strerror})")
    finally:
        await db.dispose()
        if bot is not None:
            await bot.shutdown()
    print(f"cpdbot: exported {count} records", file=sys.stderr)
    return 0


BACKUP_COUNTS = (("learning_moments", "moments"), ("reflections", "reflections"),
                 ("cpd_records", "records"))


def backup(url: str, target: Path) -> int:
    """A consistent copy of the SQLite file by SQLite's online backup API, safe while the bot
    writes: one step under one read transaction, which WAL lets the writers carry on beside.
    Written to a temporary file, checked, and only then renamed to `target`."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return _fail("backup: storage.url is PostgreSQL; back it up with pg_dump: "
                     f"pg_dump --format=custom --file=cpdbot.dump '{_libpq_url(url)}' "
                     "(restore with pg_restore; see the README)")
    if not parsed.database or parsed.database == ":memory:":
        return _fail("backup: storage.url is an in-memory database; there is nothing to copy")
    source = Path(parsed.database)
    if not source.is_file():
        return _fail(f"backup: no database at {source}")
    if target.is_dir():
        target /= f"cpdbot-{datetime.now(UTC):%Y%m%d-%H%M%S}.sqlite3"
    if target.exists() and target.resolve() == source.resolve():
        return _fail(f"backup: {target} is the live database; choose another path")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        return _fail(f"backup: cannot write in {target.parent} ({exc.strerror})")
    os.close(handle)
    try:
        counts = _copy_sqlite(source, Path(temporary))
        os.replace(temporary, target)
    except (sqlite3.Error, OSError, ValueError) as exc:
        Path(temporary).unlink(missing_ok=True)
        return _fail(f"backup: {type(exc).__name__}: {_first_line(exc)}")
    held = ", ".join(f"{counts[table]} {noun}" for table, noun in BACKUP_COUNTS)
    size = target.stat().st_size / 1024 / 1024
    print(f"cpdbot: backed up {source} to {target} ({size:.1f} MB, integrity ok): {held}")
    return 0


def _copy_sqlite(source: Path, target: Path) -> dict[str, int]:
    live = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
    try:
        copy = sqlite3.connect(target)
        try:
            live.backup(copy)  # pages=-1: every page in one step, from one snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise ValueError(f"the copy fails integrity_check: {verdict}")
            return {table: copy.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                    for table, _ in BACKUP_COUNTS}
        finally:
            copy.close()
    finally:
        live.close()


def _libpq_url(url: str) -> str:
    """The URL pg_dump takes: no SQLAlchemy driver, and no password (PGPASSWORD, ~/.pgpass)."""
    parsed = make_url(url)
    return URL.create("postgresql", parsed.username, None, parsed.host, parsed.port,
                      parsed.database, parsed.query).render_as_string(hide_password=False)


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0][:200]


async def _file_bot(config: Config,
                    without: str = "evidence files are listed, not shown") -> Bot | None:
    """The bot, for what the CLI asks of Telegram: a portfolio's evidence files, the bot's
    username for a link. Without a token, or with Telegram out of reach, None, and a line
    saying what is done `without` it."""
    if not config.telegram.token:
        print(f"cpdbot: no TELEGRAM_BOT_TOKEN, so {without}", file=sys.stderr)
        return None
    bot = Bot(config.telegram.token, base_url=config.telegram.base_url,
              base_file_url=config.telegram.base_file_url)
    try:
        await bot.initialize()
    except TelegramError as problem:
        print(f"cpdbot: Telegram unreachable ({type(problem).__name__}), so {without}",
              file=sys.stderr)
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
    from bot.app import serve  # the handlers and all they load: only `run` needs them

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
