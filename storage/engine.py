"""Engine and session setup for SQLite (WAL) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from storage.models import Base


def make_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _ensure_sqlite_dir(parsed)
        # One connection: SQLite has one writer anyway, and queueing for it in asyncio is
        # far cheaper than SQLite's busy-wait, which sleeps in growing steps under contention.
        engine = create_async_engine(
            parsed, hide_parameters=True, connect_args={"timeout": 30},
            pool_size=1, max_overflow=0, pool_timeout=60,
        )
        _use_wal(engine)
        return engine
    # hide_parameters keeps message texts out of error messages and so out of logs.
    # pre_ping: after a PostgreSQL restart the pooled connections are dead; each is checked
    # (one round trip) and replaced, so the first query after the restart does not fail.
    return create_async_engine(parsed, hide_parameters=True, pool_size=10, max_overflow=20,
                               pool_pre_ping=True)


def _ensure_sqlite_dir(url: URL) -> None:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def _use_wal(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # the journal commits with FULL
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def describe_backend(url: str) -> str:
    """Where the data lives, for the start-up log line: never user names or passwords."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite ({parsed.database})"
    return f"postgresql ({parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database})"


class Database:
    """The engine plus a session factory: the one object services receive."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.session = async_sessionmaker(self.engine, expire_on_commit=False)
        self.dialect = self.engine.dialect.name

    async def dispose(self) -> None:
        await self.engine.dispose()


__all__ = ["Base", "Database", "describe_backend", "make_engine"]
