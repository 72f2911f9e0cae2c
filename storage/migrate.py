"""Run Alembic migrations programmatically, on start and through `cpdbot migrate`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Blocking: call it before the event loop starts, or through asyncio.to_thread."""
    command.upgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    """The newest migration shipped with this code, which the database should be at."""
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()
