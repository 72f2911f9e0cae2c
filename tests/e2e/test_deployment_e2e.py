"""End to end: running it for a ministry. Backups and restores, a graceful stop, and nginx
from Debian's packages in front of two instances through a webhook secret rotation.

The processes are the real `cpdbot` and `nginx`; the files are the ones shipped in
docs/deploy/ (tests/support/nginx.py runs the nginx site file itself).
"""

from __future__ import annotations

import asyncio
import configparser
import contextlib
import json
import shlex
import shutil
import signal
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy.pool import QueuePool

from bot import cli
from bot.config import normalise_database_url
from storage.engine import make_engine
from tests.e2e.test_instances_e2e import acked, acks, wait_for
from tests.support.fake_telegram import FakeTelegram
from tests.support.nginx import running_nginx
from tests.support.postgres import private_postgres
from tests.support.processes import (
    ROOT,
    free_port,
    kill,
    start_cpdbot,
    stored_moments,
    write_config,
)

OLD_SECRET, NEW_SECRET = "deployment-secret_old", "deployment-secret_new"
DEPLOY = ROOT / "docs" / "deploy"


def replies(telegram: FakeTelegram) -> list[tuple[int, int]]:
    """(chat, message) each acknowledgement sent replies to."""
    return [(int(call.params["chat_id"]), call.params["reply_parameters"]["message_id"])
            for call in telegram.sent() if "reply_parameters" in call.params]


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def moments_in(path: Path) -> list[tuple[int, int, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT chat_id, message_id, text FROM learning_moments "
                                  "ORDER BY id").fetchall()


# -- backups ---------------------------------------------------------------------------------

async def test_a_backup_taken_while_the_bot_runs_restores_every_moment(
        telegram: FakeTelegram, tmp_path: Path) -> None:
    live = tmp_path / "live" / "cpdbot.sqlite3"
    live_config = write_config(tmp_path / "live.toml", telegram, sqlite_url(live))
    sent = {}
    for number in range(4):
        for user_id in range(9301, 9311):
            message = telegram.user(user_id).send_text(f"moment {number} from {user_id}")
            sent[(user_id, message["message_id"])] = message["text"]
    bot = await start_cpdbot(live_config)
    try:
        await telegram.wait_until(lambda: len(set(replies(telegram))) == len(sent), 30,
                                  "every moment acknowledged")
        (tmp_path / "backups").mkdir()
        backup = await start_cpdbot(live_config, "backup", str(tmp_path / "backups"))
        stdout, stderr = await asyncio.wait_for(backup.communicate(), 30)
        assert backup.returncode == 0, stderr.decode()
        assert bot.returncode is None  # the bot ran on throughout
        [line] = stdout.decode().splitlines()
        assert line.endswith(": 40 moments, 0 reflections, 0 records"), line
        assert "integrity ok" in line
    finally:
        bot.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(bot.wait(), 15) == 0
    [copy] = (tmp_path / "backups").glob("cpdbot-*.sqlite3")
    assert copy.stat().st_mode & 0o077 == 0  # clinicians' notes: readable by the owner only

    shutil.rmtree(live.parent)  # the server is gone; restore on a fresh disk
    restored = tmp_path / "restored" / "cpdbot.sqlite3"
    restored.parent.mkdir()
    shutil.copyfile(copy, restored)
    polls = len(telegram.calls_to("getUpdates"))
    acknowledgements = len(replies(telegram))
    bot = await start_cpdbot(write_config(tmp_path / "restored.toml", telegram,
                                          sqlite_url(restored)))
    try:
        await telegram.wait_until(lambda: len(telegram.calls_to("getUpdates")) > polls, 30,
                                  "the bot on the restored file")
        assert {(chat, message): text for chat, message, text in moments_in(restored)} == sent
        after = telegram.user(9301).send_text("after the restore")
        await telegram.wait_until(lambda: (9301, after["message_id"]) in replies(telegram), 15,
                                  "the first moment after the restore")
        assert len(replies(telegram)) == acknowledgements + 1  # nothing acknowledged again
    finally:
        bot.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(bot.wait(), 15) == 0
    assert len(moments_in(restored)) == len(sent) + 1


def sound_copy(copy: Path) -> int:
    """A whole database in one file that passes SQLite's checks; its number of moments."""
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        count: int = connection.execute("SELECT count(*) FROM learning_moments").fetchone()[0]
    assert not Path(f"{copy}-wal").exists()
    return count


async def test_a_backup_during_a_burst_of_writes_is_a_sound_database(
        telegram: FakeTelegram, tmp_path: Path) -> None:
    live = tmp_path / "cpdbot.sqlite3"
    bot = await start_cpdbot(write_config(tmp_path / "config.toml", telegram, sqlite_url(live)))
    sending = True
    pushed = 0

    async def burst() -> None:  # 20 clinicians, a message every 5 ms until told to stop
        nonlocal pushed
        while sending:
            telegram.user(9401 + pushed % 20).send_text(f"burst {pushed}")
            pushed += 1
            await asyncio.sleep(0.005)

    writer = asyncio.create_task(burst())
    counts = []
    try:
        await telegram.wait_until(lambda: len(replies(telegram)) >= 20, 30, "writes under way")
        for number in range(3):
            copy = tmp_path / f"copy{number}.sqlite3"
            assert await asyncio.to_thread(cli.backup, sqlite_url(live), copy) == 0
            counts.append(sound_copy(copy))
            await asyncio.sleep(0.3)
    finally:
        sending = False
        await writer
    try:
        await telegram.wait_until(lambda: len(set(replies(telegram))) == pushed, 60,
                                  "the whole burst acknowledged")
    finally:
        bot.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(bot.wait(), 15) == 0
    # Taken mid-burst: each copy holds at least what the one before held, and less than the end.
    assert counts == sorted(counts)
    assert 0 < counts[0] and counts[-1] < len(moments_in(live)) == pushed


async def test_backup_refuses_postgresql_with_the_pg_dump_command(
        telegram: FakeTelegram, tmp_path: Path) -> None:
    config = write_config(tmp_path / "config.toml", telegram, "sqlite:///unused.sqlite3")
    backup = await start_cpdbot(config, "backup", str(tmp_path / "copy"), env={
        "DATABASE_URL": "postgresql://cpd:hunter2@db.internal:5432/cpdbot"})
    stdout, stderr = await asyncio.wait_for(backup.communicate(), 30)
    assert backup.returncode == 2 and stdout == b""
    [line] = stderr.decode().splitlines()
    assert line.startswith("cpdbot: backup: storage.url is PostgreSQL; back it up with pg_dump")
    assert "pg_dump --format=custom --file=cpdbot.dump " in line
    assert "'postgresql://cpd@db.internal:5432/cpdbot'" in line and "hunter2" not in line
    assert not (tmp_path / "copy").exists()


# -- a graceful stop -------------------------------------------------------------------------

async def test_sigterm_answers_the_webhook_503_finishes_what_is_in_hand_and_exits_0(
        telegram: FakeTelegram, database_url: str, tmp_path: Path) -> None:
    """The stop window is held open by a reply still being sent (a slow Telegram): the
    update in hand finishes, and what arrives meanwhile is refused for Telegram to retry."""
    port = free_port()
    config = write_config(tmp_path / "config.toml", telegram, database_url, web_port=port,
                          telegram_extra='mode = "webhook"\n',
                          web_extra=f'public_url = "http://127.0.0.1:{port}"\n')
    env = {"TELEGRAM_WEBHOOK_SECRET": OLD_SECRET}
    base = f"http://127.0.0.1:{port}"
    bot = await start_cpdbot(config, env=env)
    try:
        await wait_for(lambda: telegram.calls_to("setWebhook"), 30, "the webhook")
        telegram.send_delay = 2.0
        telegram.user(9501).send_text("in hand at the stop")
        await wait_for(lambda: telegram.calls_to("sendMessage"), 10, "the reply under way")
        bot.send_signal(signal.SIGTERM)
        started = time.monotonic()
        async with aiohttp.ClientSession() as session:
            async def readiness() -> bool:
                async with session.get(f"{base}/readyz") as answer:
                    return answer.status == 503 and (await answer.json())["reason"] == "stopping"
            await wait_for(readiness, 5, "/readyz to say stopping")
            update = {"update_id": 995001, "message": {
                "message_id": 1, "date": 1_760_000_000, "text": "posted during the stop",
                "chat": {"id": 9502, "type": "private"}, "from": {"id": 9502, "is_bot": False,
                                                                  "first_name": "Ana"}}}
            async with session.post(f"{base}/telegram/webhook", data=json.dumps(update),
                                    headers={"Content-Type": "application/json",
                                             "X-Telegram-Bot-Api-Secret-Token": OLD_SECRET}
                                    ) as answer:
                assert answer.status == 503
        telegram.send_delay = 0
        telegram.user(9503).send_text("delivered during the stop")
        await wait_for(lambda: any(status == 503 for _, status in telegram.deliveries), 5,
                       "Telegram's delivery refused with 503")
        assert await asyncio.wait_for(bot.wait(), 15) == 0
        assert time.monotonic() - started < 10
        assert acked(telegram, 9501) == 1  # the update in hand was finished
        assert acked(telegram, 9503) == 0

        bot = await start_cpdbot(config, env=env)  # the next start takes Telegram's retry
        await wait_for(lambda: acked(telegram, 9503) == 1, 30, "the retried update handled")
    finally:
        await kill(bot)
    texts = [moment.text for moment in await stored_moments(database_url)]
    assert texts == ["in hand at the stop", "delivered during the stop"]


# -- nginx in front of two instances ---------------------------------------------------------

USERS = range(9601, 9631)  # 30 clinicians
ROUNDS = 3  # of messages: before the rotation, during it, after it
PER_ROUND = 3


def instance_config(path: Path, telegram: FakeTelegram, url: str, port: int,
                    public_url: str) -> Path:
    return write_config(path, telegram, url, web_port=port,
                        telegram_extra='mode = "webhook"\nlease_seconds = 2\n',
                        web_extra=f'public_url = "{public_url}"\n')


@contextlib.asynccontextmanager
async def behind_nginx(telegram: FakeTelegram, tmp_path: Path
                       ) -> AsyncIterator[tuple[str, tuple[int, int], Any, list[Path]]]:
    """A private PostgreSQL, migrated, and nginx in front of two instances' ports: the
    database URL, the ports, the proxy and the instances' config files."""
    with private_postgres() as postgres:
        url = normalise_database_url(postgres.url)
        ports = free_port(), free_port()
        async with running_nginx(tmp_path / "nginx", ports) as proxy:
            configs = [instance_config(tmp_path / f"{n + 1}.toml", telegram, url, port,
                                       proxy.url) for n, port in enumerate(ports)]
            migrate = await start_cpdbot(configs[0], "migrate")
            assert await migrate.wait() == 0
            yield url, ports, proxy, configs


async def status_of(session: aiohttp.ClientSession, method: str, url: str,
                    **options: object) -> int:
    async with session.request(method, url, **options) as answer:  # type: ignore[arg-type]
        return answer.status


async def test_nginx_in_front_of_two_instances_through_a_secret_rotation(
        telegram: FakeTelegram, tmp_path: Path) -> None:
    """The burst arrives by webhook through nginx (plain HTTP: the fake Telegram trusts only
    real certificates; the TLS listener is checked with the test's own self-signed one). Midway
    the secret is rotated as the README says: each instance restarted in turn with the new one.
    Every message is stored once and answered once, each user's in order, and nginx serves
    only the webhook path."""
    async with behind_nginx(telegram, tmp_path) as (url, ports, proxy, configs):
        old = {"TELEGRAM_WEBHOOK_SECRET": OLD_SECRET}
        instances = [await start_cpdbot(path, env=old) for path in configs]
        try:
            await wait_for(lambda: len(telegram.calls_to("setWebhook")) >= 2, 30,
                           "both instances to set the webhook")
            assert telegram.webhook is not None
            assert telegram.webhook["url"] == f"{proxy.url}/telegram/webhook"
            await check_what_nginx_serves(proxy.url, proxy.tls_url, proxy.tls_context(),
                                          ports)

            def send_round(number: int) -> None:
                for note in range(number * PER_ROUND, (number + 1) * PER_ROUND):
                    for user_id in USERS:
                        telegram.user(user_id).send_text(f"note {note} from {user_id}")

            send_round(0)
            for index, path in enumerate(configs):  # the rotation, one at a time
                if index == 1:  # one instance on each secret: the rotation's middle
                    send_round(1)
                    await wait_for(lambda: sum(acked(telegram, user) for user in USERS)
                                   >= len(USERS) * (PER_ROUND + 1), 30, "half of round 1")
                instances[index].send_signal(signal.SIGTERM)
                started = time.monotonic()
                assert await asyncio.wait_for(instances[index].wait(), 15) == 0
                assert time.monotonic() - started < 10
                hooks = len(telegram.calls_to("setWebhook"))
                instances[index] = await start_cpdbot(
                    path, env={"TELEGRAM_WEBHOOK_SECRET": NEW_SECRET})
                await wait_for(lambda hooks=hooks: len(telegram.calls_to("setWebhook")) > hooks,
                               30, "the restarted instance to set the new secret")
                assert telegram.webhook["secret_token"] == NEW_SECRET
                # The README's rolling restart: the next one once this one is ready.
                await wait_for(lambda port=ports[index]: ready(port), 10,
                               "the restarted instance ready")
            send_round(2)
            total = ROUNDS * PER_ROUND
            await wait_for(lambda: all(acked(telegram, user) >= total for user in USERS),
                           60, "every message answered")
            for process in instances:
                process.send_signal(signal.SIGTERM)
            for process in instances:
                assert await asyncio.wait_for(process.wait(), 15) == 0
        finally:
            for number, process in enumerate(instances):
                await kill(process)
                if process.stderr is not None:  # shown if the test failed
                    log = (await process.stderr.read()).decode(errors="replace")
                    print(f"-- instance {number + 1}:", *log.splitlines()[-30:], sep="\n")
        # Telegram saw only 200s: nginx took each stopping or stopped instance's share to the
        # other, and each request the old secret's instance refused with 403 to the new one.
        # (Whether a request lands in an instance's short stopping window is timing; the 503
        # itself is checked directly by the graceful-stop test above.)
        statuses = {status for _, status in telegram.deliveries}
        assert statuses == {200}, statuses
        assert "403, 200" in proxy.upstream_statuses()  # old secret refused, taken by the other
        moments = await stored_moments(url)
    assert len(moments) == len({(m.chat_id, m.message_id) for m in moments})
    for user_id in USERS:
        texts = [moment.text for moment in moments if moment.user_id == user_id]
        assert texts == [f"note {note} from {user_id}" for note in range(total)], user_id
        assert len(acks(telegram, user_id)) == total, user_id  # answered once each


async def test_behind_nginx_an_instance_killed_mid_burst_loses_nothing(
        telegram: FakeTelegram, tmp_path: Path) -> None:
    """Issue 16's "done when": two instances on one PostgreSQL behind nginx take a burst
    from many users; one is killed with SIGKILL midway. Every message is stored once and
    acknowledged, each user's in order, and Telegram never sees anything but a 200."""
    async with behind_nginx(telegram, tmp_path) as (url, ports, _proxy, configs):
        secret = {"TELEGRAM_WEBHOOK_SECRET": NEW_SECRET}
        instances = [await start_cpdbot(path, env=secret) for path in configs]
        notes = 6
        try:
            await wait_for(lambda: len(telegram.calls_to("setWebhook")) >= 2, 30,
                           "both instances to set the webhook")
            for port in ports:
                await wait_for(lambda port=port: ready(port), 10, "both ready")
            for note in range(notes // 2):
                for user_id in USERS:
                    telegram.user(user_id).send_text(f"note {note} from {user_id}")
            await wait_for(lambda: sum(acked(telegram, user) for user in USERS)
                           >= len(USERS), 30, "the burst under way")
            await kill(instances[0])  # SIGKILL, mid-burst
            for note in range(notes // 2, notes):
                for user_id in USERS:
                    telegram.user(user_id).send_text(f"note {note} from {user_id}")
            await wait_for(lambda: all(acked(telegram, user) >= notes for user in USERS),
                           60, "every message answered by the survivor")
        finally:
            for process in instances:
                await kill(process)
        assert {status for _, status in telegram.deliveries} == {200}
        moments = await stored_moments(url)
    assert len(moments) == len({(m.chat_id, m.message_id) for m in moments}) == (
        len(USERS) * notes)
    for user_id in USERS:
        texts = [moment.text for moment in moments if moment.user_id == user_id]
        assert texts == [f"note {note} from {user_id}" for note in range(notes)], user_id
        # Only the message in hand at the kill may have been acknowledged twice.
        assert len(acks(telegram, user_id)) <= notes + 1, user_id


async def ready(port: int) -> bool:
    async with aiohttp.ClientSession() as session:
        return await status_of(session, "GET", f"http://127.0.0.1:{port}/readyz") == 200


async def check_what_nginx_serves(public: str, tls: str, context: object,
                                  ports: tuple[int, int]) -> None:
    """Only POSTs to the webhook path reach an instance; the monitoring paths stay inside."""
    async with aiohttp.ClientSession() as session:
        for base, options in ((public, {}), (tls, {"ssl": context})):
            for path in ("/metrics", "/healthz", "/readyz", "/", "/telegram/webhook/more"):
                assert await status_of(session, "GET", base + path, **options) == 404, path
            assert await status_of(session, "GET", f"{base}/telegram/webhook", **options) == 403
            # Through to cpdbot, which refuses a wrong secret itself.
            assert await status_of(
                session, "POST", f"{base}/telegram/webhook", json={"update_id": 1},
                headers={"X-Telegram-Bot-Api-Secret-Token": "forged"}, **options) == 403
        for port in ports:  # where monitoring reads them: on the instances' own ports
            assert await status_of(session, "GET", f"http://127.0.0.1:{port}/metrics") == 200
            assert await status_of(session, "GET", f"http://127.0.0.1:{port}/readyz") == 200


# -- the shipped files -----------------------------------------------------------------------

def test_the_systemd_unit_runs_what_the_cli_accepts_and_outlasts_the_stop() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "cpdbot.service", encoding="utf-8")
    service = unit["Service"]
    binary, *args = shlex.split(service["ExecStart"].replace("%i", "1"))
    assert binary.endswith("/bin/cpdbot")
    assert cli._parser().parse_args(args).command == "run"
    assert service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) > 10  # the bot stops within 10 s
    assert service["RestartPreventExitStatus"] == str(cli.EXIT_CONFIG)
    assert "TELEGRAM_WEBHOOK_SECRET" in (DEPLOY / "cpdbot.service").read_text()


def test_the_postgresql_settings_leave_room_for_two_instances_pools() -> None:
    settings = dict(
        line.split("=", 1) for line in (DEPLOY / "postgresql.conf").read_text().splitlines()
        if line.strip() and not line.startswith("#"))
    settings = {key.strip(): value.strip() for key, value in settings.items()}
    engine = make_engine("postgresql+asyncpg://cpd@localhost/cpdbot")
    pool = engine.sync_engine.pool
    assert isinstance(pool, QueuePool)
    per_instance = pool.size() + pool._max_overflow
    assert per_instance == 30  # what the README and postgresql.conf say
    assert int(settings["max_connections"]) >= 2 * per_instance + 20
    assert settings["synchronous_commit"] == "on"
