"""Alembic environment: async engine, batch mode so SQLite can alter tables."""

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.engine import make_engine
from storage.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection, target_metadata=Base.metadata, render_as_batch=True
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Instances starting together migrate one at a time; the later ones find the
            # schema at head and do nothing.
            connection.execute(text("SELECT pg_advisory_xact_lock(7261531)"))
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


asyncio.run(_run_async(context.config.attributes["database_url"]))
