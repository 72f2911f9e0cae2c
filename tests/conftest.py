"""Fixtures: a fresh real database per test, the fake Telegram server, a running bot.

The database is SQLite (a file) unless CPDBOT_TEST_DATABASE_URL names a PostgreSQL server;
then every test gets its own database, cloned from one migrated template.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.config import Config, normalise_database_url
from storage.engine import Database
from storage.migrate import upgrade
from tests.support.fake_telegram import FakeTelegram
from tests.support.processes import free_port
from tests.support.running import ADMIN_ID, POSTGRES_URL, RunningBot, run_blocking


def _asyncpg_dsn(url: str, database: str) -> str:
    parsed = make_url(normalise_database_url(url)).set(drivername="postgresql", database=database)
    return parsed.render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL, "postgres"))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _with_database(url: str, database: str) -> str:
    return make_url(normalise_database_url(url)).set(database=database).render_as_string(
        hide_password=False)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if POSTGRES_URL:
        name = f"cpdbot_template_{uuid.uuid4().hex[:8]}"
        run_blocking(lambda: _admin(f'CREATE DATABASE "{name}"'))
        upgrade(_with_database(POSTGRES_URL, name))
        yield name
        run_blocking(lambda: _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        upgrade(f"sqlite+aiosqlite:///{path}")
        yield str(path)


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated, empty database for this test alone."""
    if POSTGRES_URL:
        name = f"cpdbot_test_{uuid.uuid4().hex[:12]}"
        run_blocking(lambda: _admin(f'CREATE DATABASE "{name}" TEMPLATE "{migrated_template}"'))
        yield _with_database(POSTGRES_URL, name)
        run_blocking(lambda: _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path = tmp_path / "cpdbot.sqlite3"
        shutil.copyfile(migrated_template, path)
        yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def config(telegram: FakeTelegram, database_url: str) -> Config:
    return Config.model_validate({
        "telegram": {"token": telegram.token, "base_url": telegram.base_url,
                     "base_file_url": telegram.base_file_url, "poll_timeout": 1},
        "storage": {"url": database_url},
        "admin": {"telegram_ids": [ADMIN_ID]},
        # Reminder tests sweep every second; elsewhere a sweep only at start-up, so no
        # test meets a reminder it didn't ask for.
        "reminders": {"sweep_seconds": 3600},
        "web": {"port": free_port()},
    })


@pytest.fixture
async def bot(config: Config, db: Database, telegram: FakeTelegram) -> AsyncIterator[RunningBot]:
    running = await RunningBot(config, db).start(telegram)
    yield running
    await running.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by their folder, so `pytest -m "not e2e"` runs the fast layer alone."""
    for item in items:
        kind = item.path.parent.name
        if kind in ("unit", "e2e"):
            item.add_marker(getattr(pytest.mark, kind))
