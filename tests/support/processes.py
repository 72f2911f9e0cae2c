"""Start the real `cpdbot` process (or the PTB baseline) against the fake server."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
from sqlalchemy import select

from storage.engine import Database
from storage.models import LearningMoment
from tests.support.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
# The process under test reads only what we give it, never the developer's secrets.
_SCRUBBED = ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL",
             "CPDBOT_CONFIG")


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


# Each pytest worker takes ports from its own block below the kernel's ephemeral range, in
# turn: a port the kernel hands out (bind to 0) can be taken as the source port of another
# worker's outgoing connection before the test's server binds it.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
_BLOCK = 1000
_FIRST_PORT = 10000 + _WORKER * _BLOCK
_PORTS = itertools.cycle(range(_FIRST_PORT, _FIRST_PORT + _BLOCK))


def free_port() -> int:
    """A port nobody listens on now, for one test's server, that nothing else will take."""
    if _FIRST_PORT + _BLOCK <= _ephemeral_start():
        for port in itertools.islice(_PORTS, _BLOCK):
            with socket.socket() as probe:
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    with socket.socket() as probe:  # no block of our own: let the kernel choose
        probe.bind(("127.0.0.1", 0))
        chosen: int = probe.getsockname()[1]
        return chosen


def write_config(path: Path, telegram: FakeTelegram, database_url: str,
                 log_level: str = "INFO", web_port: int | None = None,
                 telegram_extra: str = "", web_extra: str = "") -> Path:
    """A config for the process under test; its web server on a port of its own."""
    path.write_text(
        "[telegram]\n"
        f'token = "{telegram.token}"\n'
        f'base_url = "{telegram.base_url}"\n'
        f'base_file_url = "{telegram.base_file_url}"\n'
        "poll_timeout = 1\n"
        f"{telegram_extra}"
        "[storage]\n"
        f'url = "{database_url}"\n'
        "[web]\n"
        f"port = {web_port or free_port()}\n"
        f"{web_extra}"
        "[logging]\n"
        f'level = "{log_level}"\n',
        encoding="utf-8",
    )
    return path


def clean_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _SCRUBBED}
    env["PYTHONPATH"] = str(ROOT)
    return env


async def start_cpdbot(config_path: Path, *args: str,
                       env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config_path), *(args or ("run",)),
        cwd=config_path.parent, env={**clean_env(), **(env or {})},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def start_echo_bot(telegram: FakeTelegram) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "benchmarks" / "echo_bot.py"), telegram.token,
        telegram.base_url, env=clean_env(),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )


async def kill(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGKILL)
    await process.wait()


async def healthy(port: int) -> bool:
    """Whether the bot's web server on this port answers /healthz."""
    try:
        async with aiohttp.ClientSession() as session, session.get(
                f"http://127.0.0.1:{port}/healthz") as answer:
            return answer.status == 200
    except aiohttp.ClientError:
        return False


async def stored_moments(database_url: str) -> list[LearningMoment]:
    """Every moment the processes under test stored, in order, read from outside them."""
    db = Database(database_url)
    try:
        async with db.session() as session:
            return list((await session.scalars(select(LearningMoment).order_by(
                LearningMoment.id))).all())
    finally:
        await db.dispose()
