"""Webhook benchmark: PTB's own webhook echo bot, then cpdbot with one and two instances.

Every bot runs as real processes; the fake Bot API server in tests/ delivers each update by
webhook, as Telegram does (up to max_connections POSTs at once, one chat's updates one after
another, again after a pause while the answer is not 2xx). cpdbot runs on PostgreSQL: a private
server of this run's own (tests/support/postgres.py), or the server of --database, where each
run gets a database of its own (the user must be allowed to create databases). With two
instances the fake server spreads its deliveries over both, as a load balancer would.

For each bot, after a short warm-up: a burst (every message queued at once; throughput is the
messages acknowledged over the time from the first arrival at the fake server to the last
answer reaching it), then a fixed offered rate from many users, each message's
acknowledgement latency being the time from its arrival at the fake server to the bot's answer
arriving there. Answers are matched to messages by chat and reply_parameters.message_id, or in
order within a chat when an answer quotes nothing (the echo bot).

Targets, each given a verdict (MET or MISSED; the exit code is 1 when any is missed): one
instance's burst throughput at least 0.8 of the echo bot's, two instances' at least 0.9 of one
instance's, and the p99 acknowledgement latency at the offered rate at most 150 ms, with one
instance and with two.

    python -m benchmarks.webhook [--burst 2000] [--users 500] [--rate 100] [--seconds 15]
                                 [--database postgresql://user@host:port/db]
                                 [--profile FILE [--profiler cprofile|pyinstrument]]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import pstats
import signal
import statistics
import sys
import time
import uuid
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import mkdtemp

import asyncpg
from sqlalchemy.engine import make_url

from benchmarks.targets import Targets
from tests.support.fake_telegram import FakeTelegram
from tests.support.postgres import private_postgres
from tests.support.processes import (
    ROOT,
    clean_env,
    free_port,
    healthy,
    kill,
    start_cpdbot,
    write_config,
)

SECRET = "webhook-bench_secret-1"
ONE_TO_ECHO = 0.8  # one cpdbot instance's burst throughput over PTB's webhook echo bot's
TWO_TO_ONE = 0.9  # two instances' over one instance's
P99_LIMIT_MS = 150.0  # acknowledgement latency at the offered rate
WARM_UP = 50  # messages from as many users before measuring: imports, pools, caches
START_SECONDS = 60.0


@dataclass
class Running:
    """A bot's processes, with the last lines each wrote (to show why, if one fails)."""

    processes: list[asyncio.subprocess.Process]
    output: deque[str] = field(default_factory=lambda: deque(maxlen=30))
    readers: list[asyncio.Task[None]] = field(default_factory=list)

    def read(self, stream: asyncio.StreamReader | None, name: str) -> None:
        async def drain() -> None:
            assert stream is not None
            while line := await stream.readline():
                self.output.append(f"{name}: {line.decode(errors='replace').rstrip()}")
        if stream is not None:  # a pipe left unread fills and stops the bot mid-benchmark
            self.readers.append(asyncio.create_task(drain()))

    async def stop(self) -> None:
        for process in self.processes:
            await kill(process)
        for reader in self.readers:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader


Starter = Callable[[FakeTelegram], Awaitable[Running]]


@dataclass
class Phase:
    latencies: list[float]
    throughput: float  # messages acknowledged per second, first arrival to last answer


class Acks:
    """Messages pushed into the fake server, and the answer that acknowledged each one."""

    def __init__(self, telegram: FakeTelegram) -> None:
        self.telegram = telegram
        self.pushed: dict[tuple[int, int], float] = {}  # (chat, message id) -> arrival
        self.answered: dict[tuple[int, int], float] = {}  # -> the answer's arrival
        self._waiting: dict[int, deque[int]] = defaultdict(deque)  # chat -> ids, oldest first
        self._seen = 0  # calls to the fake server looked at so far

    def push(self, user_id: int, text: str) -> tuple[int, int]:
        message = self.telegram.user(user_id).send_text(text)
        key = (int(message["chat"]["id"]), int(message["message_id"]))
        self.pushed[key] = self.telegram.pushed_at[self.telegram.pending[-1]["update_id"]]
        self._waiting[key[0]].append(key[1])
        return key

    def collect(self) -> None:
        """Match the answers that arrived since the last look."""
        calls = self.telegram.calls
        while self._seen < len(calls):
            call = calls[self._seen]
            self._seen += 1
            if call.method != "sendMessage" or not call.result:
                continue
            chat = int(call.params["chat_id"])
            waiting = self._waiting.get(chat)
            if not waiting:
                continue
            quoted = (call.params.get("reply_parameters") or {}).get("message_id")
            if quoted is None:
                key = (chat, waiting.popleft())
            else:
                key = (chat, int(quoted))
                if key not in self.pushed or key in self.answered:
                    continue  # not ours, or a second acknowledgement of one already counted
                waiting.remove(key[1])
            self.answered[key] = call.at

    async def wait_for(self, keys: list[tuple[int, int]], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while True:
            self.collect()
            missing = sum(1 for key in keys if key not in self.answered)
            if not missing:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{missing} of {len(keys)} {what} unanswered "
                                   f"after {timeout:.0f} s")
            await asyncio.sleep(0.02)

    def phase(self, keys: list[tuple[int, int]]) -> Phase:
        first = min(self.pushed[key] for key in keys)
        last = max(self.answered[key] for key in keys)
        return Phase([self.answered[key] - self.pushed[key] for key in keys],
                     len(keys) / (last - first))


async def measure(start: Starter, args: argparse.Namespace) -> tuple[Phase, Phase, int]:
    """Warm up, then the burst, then the offered rate; and the deliveries refused meanwhile."""
    telegram = await FakeTelegram().start()
    running: Running | None = None
    try:
        running = await start(telegram)
        acks = Acks(telegram)
        warm = [acks.push(9_000_000 + n, f"warm-up {n}") for n in range(WARM_UP)]
        await acks.wait_for(warm, 60, "warm-up messages")

        burst = [acks.push(1_000_000 + n % args.users, f"burst message {n}")
                 for n in range(args.burst)]
        await acks.wait_for(burst, 600, "burst messages")

        total = int(args.rate * args.seconds)
        steady = []
        begin = time.perf_counter()
        for n in range(total):
            await asyncio.sleep(max(0.0, begin + n / args.rate - time.perf_counter()))
            steady.append(acks.push(2_000_000 + n % args.users, f"steady message {n}"))
        await acks.wait_for(steady, 120, "messages at the offered rate")
        refused = sum(1 for _, status in telegram.deliveries if not 200 <= status < 300)
        return acks.phase(burst), acks.phase(steady), refused
    except BaseException:
        if running is not None:
            print("\n".join(running.output), file=sys.stderr)
        raise
    finally:
        if running is not None:
            await running.stop()
        await telegram.stop()


async def profile_burst(start: Starter, args: argparse.Namespace, report: Path) -> None:
    """One instance under a profiler: warm-up and the burst, then SIGTERM (so the report is
    written). cProfile's stats are printed here: the functions that took the most time, by
    their own time (a coroutine counts a call for every resumption, so its totals mislead)."""
    telegram = await FakeTelegram().start()
    running = await start(telegram)
    try:
        acks = Acks(telegram)
        warm = [acks.push(9_000_000 + n, f"warm-up {n}") for n in range(WARM_UP)]
        await acks.wait_for(warm, 60, "warm-up messages")
        burst = [acks.push(1_000_000 + n % args.users, f"burst message {n}")
                 for n in range(args.burst)]
        await acks.wait_for(burst, 600, "burst messages")
        print(f"under {args.profiler}: burst {acks.phase(burst).throughput:.1f} msg/s")
        for process in running.processes:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 60)
    finally:
        await running.stop()
        await telegram.stop()
    if args.profiler == "cprofile":
        pstats.Stats(str(report)).strip_dirs().sort_stats("tottime").print_stats(40)
    else:
        print(f"pyinstrument's report: {report}")


async def listening(port: int) -> bool:
    with contextlib.suppress(OSError):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.close()
        return True
    return False


async def wait_until(check: Callable[[], Awaitable[bool]], what: str, running: Running) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        if any(process.returncode is not None for process in running.processes):
            await asyncio.sleep(0.2)  # let the readers catch the last words
            raise RuntimeError(f"a process exited while waiting for {what}")
        await asyncio.sleep(0.05)


async def start_echo(telegram: FakeTelegram) -> Running:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "benchmarks" / "echo_webhook_bot.py"), telegram.token,
        telegram.base_url, str(port), SECRET, env=clean_env(),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    running = Running([process])
    running.read(process.stderr, "ptb-echo")

    async def ready() -> bool:
        return bool(telegram.calls_to("setWebhook")) and await listening(port)

    await wait_until(ready, "the echo bot's webhook", running)
    return running


class Databases:
    """A fresh database for each cpdbot run, on one PostgreSQL server."""

    def __init__(self, server_url: str) -> None:
        self.server = make_url(server_url).set(drivername="postgresql")
        self.created: list[str] = []

    def _dsn(self, database: str) -> str:
        return self.server.set(database=database).render_as_string(hide_password=False)

    async def new(self) -> str:
        name = f"cpdbot_webhook_bench_{uuid.uuid4().hex[:8]}"
        connection = await asyncpg.connect(self._dsn(self.server.database or "postgres"))
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        self.created.append(name)
        return self._dsn(name)

    async def drop_all(self) -> None:
        connection = await asyncpg.connect(self._dsn(self.server.database or "postgres"))
        try:
            for name in self.created:
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


def cpdbot_starter(databases: Databases, workdir: Path, instances: int,
                   profiler: list[str] | None = None) -> Starter:
    async def start(telegram: FakeTelegram) -> Running:
        url = await databases.new()
        ports = [free_port() for _ in range(instances)]
        configs = [write_config(
            workdir / f"{uuid.uuid4().hex[:8]}-{n}.toml", telegram, url, "WARNING",
            web_port=port, telegram_extra='mode = "webhook"\n',
            web_extra=f'public_url = "http://127.0.0.1:{port}"\n')
            for n, port in enumerate(ports)]
        env = {"TELEGRAM_WEBHOOK_SECRET": SECRET}
        migrate = await start_cpdbot(configs[0], "migrate", env=env)
        _, errors = await migrate.communicate()
        if migrate.returncode != 0:
            raise RuntimeError(f"cpdbot migrate failed: {errors.decode(errors='replace')}")
        running = Running([])
        for n, config in enumerate(configs):
            if profiler is None:
                process = await start_cpdbot(config, env=env)
            else:  # the same command under a profiler, which writes its report on SIGTERM
                process = await asyncio.create_subprocess_exec(
                    sys.executable, *profiler, "-m", "bot", "--config", str(config), "run",
                    cwd=config.parent,
                    env={**clean_env(), **env},
                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            running.processes.append(process)
            running.read(process.stdout, f"cpdbot{n}")
            running.read(process.stderr, f"cpdbot{n}")

        async def ready() -> bool:
            return (len(telegram.calls_to("setWebhook")) >= instances
                    and all([await healthy(port) for port in ports]))

        await wait_until(ready, "every instance's webhook", running)
        if instances > 1:
            telegram.webhook_targets = [f"http://127.0.0.1:{port}/telegram/webhook"
                                        for port in ports]
        return running

    return start


@contextlib.asynccontextmanager
async def postgres_server(url: str) -> AsyncIterator[str]:
    if url:
        yield url
        return
    with private_server() as server_url:
        yield server_url


@contextlib.contextmanager
def private_server() -> Iterator[str]:
    with private_postgres() as server:
        yield server.url


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(share * 1000) - 1]


def line(name: str, rate: float, burst: Phase, steady: Phase, refused: int) -> str:
    ms = [value * 1000 for value in steady.latencies]
    return (f"{name:>20}: burst {burst.throughput:7.1f} msg/s | at {rate:.0f} msg/s: "
            f"{steady.throughput:5.1f} msg/s acknowledged, p50 {percentile(ms, 0.5):6.1f} ms, "
            f"p99 {percentile(ms, 0.99):6.1f} ms, max {max(ms):6.1f} ms "
            f"({len(ms)} acks; {refused} deliveries refused)")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=2000, help="messages queued at once")
    parser.add_argument("--users", type=int, default=500, help="users each phase's come from")
    parser.add_argument("--rate", type=float, default=100.0, help="messages/s offered")
    parser.add_argument("--seconds", type=float, default=15.0, help="how long it is offered")
    parser.add_argument("--database", default="",
                        help="a PostgreSQL server to create databases on (default: a private "
                             "server of this run's own)")
    parser.add_argument("--profile", type=Path, metavar="FILE",
                        help="instead: one instance under a profiler for the warm-up and the "
                             "burst, its report written to FILE")
    parser.add_argument("--profiler", choices=("cprofile", "pyinstrument"), default="cprofile",
                        help="pyinstrument (not a dependency: pip install it to measure) "
                             "follows coroutines across awaits; the default is the stdlib's")
    args = parser.parse_args()
    try:
        import tornado  # noqa: F401  (PTB's run_webhook needs it)
    except ImportError:
        print("the echo bot needs tornado: .venv/bin/pip install "
              "'python-telegram-bot[webhooks]'", file=sys.stderr)
        return 2

    workdir = Path(mkdtemp(prefix="cpdbot-webhook-bench-"))
    print(f"webhook benchmark: burst of {args.burst} messages from {args.users} users; "
          f"{args.rate:.0f} msg/s offered for {args.seconds:.0f} s from {args.users} users "
          f"({int(args.rate * args.seconds)} messages)")
    results: dict[str, tuple[Phase, Phase]] = {}
    async with postgres_server(args.database) as server_url:
        databases = Databases(server_url)
        connection = await asyncpg.connect(databases._dsn(databases.server.database
                                                          or "postgres"))
        version = connection.get_server_version()
        await connection.close()
        print(f"storage: PostgreSQL {version.major}.{version.minor} "
              + ("(--database)" if args.database else "(a private server, fsync off)"))
        if args.profile:
            report = args.profile.resolve()
            profiler = (["-m", "cProfile", "-o", str(report)] if args.profiler == "cprofile"
                        else ["-m", "pyinstrument", "--no-color", "-r", "text",
                              "-o", str(report)])
            await profile_burst(cpdbot_starter(databases, workdir, 1, profiler), args, report)
            return 0
        bots: list[tuple[str, Starter]] = [
            ("ptb-echo-webhook", start_echo),
            ("cpdbot, 1 instance", cpdbot_starter(databases, workdir, 1)),
            ("cpdbot, 2 instances", cpdbot_starter(databases, workdir, 2)),
        ]
        try:
            for name, start in bots:
                burst, steady, refused = await measure(start, args)
                results[name] = burst, steady
                print(line(name, args.rate, burst, steady, refused), flush=True)
            print("load average (1, 5, 15 min) at the end: "
                  + ", ".join(f"{load:.2f}" for load in os.getloadavg())
                  + f" on {os.cpu_count()} cores (anything above the bots' own share is other "
                    "work on the machine)")
        finally:
            if args.database:
                await databases.drop_all()

    targets = Targets()
    echo, one, two = (results[name][0].throughput for name, _ in bots)
    for label, ratio, target in (("1 instance / ptb-echo-webhook", one / echo, ONE_TO_ECHO),
                                 ("2 instances / 1 instance", two / one, TWO_TO_ONE)):
        print(f"burst throughput ratio {label}: {ratio:.2f} (target >= {target}) "
              + targets.check(f"{label} {ratio:.2f} < {target}", ratio >= target))
    for name in ("cpdbot, 1 instance", "cpdbot, 2 instances"):
        p99 = percentile(results[name][1].latencies, 0.99) * 1000
        print(f"{name} p99 ack latency at {args.rate:.0f} msg/s: {p99:.1f} ms "
              f"(target <= {P99_LIMIT_MS:.0f} ms) "
              + targets.check(f"{name} p99 {p99:.1f} ms > {P99_LIMIT_MS:.0f} ms",
                              p99 <= P99_LIMIT_MS))
    return targets.exit_code()


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
