"""Capture benchmark: throughput and acknowledgement latency, against a bare PTB echo bot.

Both bots run as real processes against the fake Bot API server in tests/, over HTTP on
127.0.0.1. Throughput: N messages from M users are queued at once; we time until every one is
answered. Latency: messages are offered at a steady rate; each one's latency is the time from
its arrival at the fake server to the bot's answer reaching it.

Targets, each given a verdict (MET or MISSED; the exit code is 1 when any is missed):
cpdbot's throughput at least 0.8 of the echo bot's, and cpdbot's p99 acknowledgement latency
at most 150 ms.

    python -m benchmarks.capture [--messages 2000] [--users 50] [--rate 100] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from pathlib import Path

from benchmarks.targets import Targets
from tests.support.fake_telegram import FakeTelegram
from tests.support.processes import kill, start_cpdbot, start_echo_bot, write_config

Starter = Callable[[FakeTelegram], Awaitable[asyncio.subprocess.Process]]
RATIO_TARGET = 0.8  # cpdbot's throughput over the bare echo bot's
P99_LIMIT_MS = 150.0  # cpdbot's acknowledgement latency at the offered rate


def answered_latencies(telegram: FakeTelegram) -> list[float]:
    """Match answers to messages per chat, in order (both bots keep a chat's order)."""
    pushed: dict[int, deque[float]] = defaultdict(deque)
    for update in sorted(telegram.pushed_at):
        pushed[_chat_of[update]].append(telegram.pushed_at[update])
    latencies = []
    for call in telegram.sent():
        queue = pushed[int(call.params["chat_id"])]
        if queue:
            latencies.append(call.at - queue.popleft())
    return latencies


_chat_of: dict[int, int] = {}


def push(telegram: FakeTelegram, user_id: int, text: str) -> None:
    update = telegram.user(user_id).send_text(text)
    _chat_of[telegram.pending[-1]["update_id"]] = update["chat"]["id"]


async def run_bot(start: Starter, telegram: FakeTelegram) -> asyncio.subprocess.Process:
    process = await start(telegram)
    await telegram.wait_until(lambda: telegram.calls_to("getUpdates"), 60, "the bot to poll")
    return process


async def throughput(start: Starter, messages: int, users: int) -> float:
    telegram = await FakeTelegram().start()
    process = await run_bot(start, telegram)
    try:
        begin = time.perf_counter()
        for n in range(messages):
            push(telegram, 20_000 + n % users, f"throughput message {n}")
        await telegram.wait_until(lambda: len(telegram.sent()) >= messages, 300, "answers")
        return messages / (time.perf_counter() - begin)
    finally:
        await kill(process)
        await telegram.stop()


async def latency(start: Starter, rate: float, seconds: float, users: int) -> list[float]:
    telegram = await FakeTelegram().start()
    process = await run_bot(start, telegram)
    total = int(rate * seconds)
    try:
        begin = time.perf_counter()
        for n in range(total):
            await asyncio.sleep(max(0.0, begin + n / rate - time.perf_counter()))
            push(telegram, 30_000 + n % users, f"latency message {n}")
        await telegram.wait_until(lambda: len(telegram.sent()) >= total, 120, "answers")
        return answered_latencies(telegram)
    finally:
        await kill(process)
        await telegram.stop()


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(share * 1000) - 1]


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--database-url", default="",
                        help="default: a fresh SQLite file")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="cpdbot-bench-"))
    runs = iter(range(1000))

    async def cpdbot(telegram: FakeTelegram) -> asyncio.subprocess.Process:
        run = next(runs)
        url = args.database_url or f"sqlite:///{workdir}/bench-{run}.sqlite3"
        config = write_config(workdir / f"config-{run}.toml", telegram, url, "WARNING")
        return await start_cpdbot(config)

    print(f"capture benchmark: {args.messages} messages from {args.users} users; "
          f"latency at {args.rate:.0f} msg/s for {args.seconds:.0f} s")
    print(f"storage: {args.database_url or 'SQLite file, WAL'}")
    results, p99_ms = {}, {}
    for name, start in (("ptb-echo", start_echo_bot), ("cpdbot", cpdbot)):
        rate = await throughput(start, args.messages, args.users)
        latencies = await latency(start, args.rate, args.seconds, args.users)
        results[name] = rate
        p99_ms[name] = percentile(latencies, 0.99) * 1000
        print(f"{name:>9}: throughput {rate:7.1f} msg/s | ack latency at {args.rate:.0f} msg/s: "
              f"p50 {percentile(latencies, 0.5) * 1000:6.1f} ms, "
              f"p99 {p99_ms[name]:6.1f} ms, "
              f"max {max(latencies) * 1000:6.1f} ms ({len(latencies)} answers)")
    targets = Targets()
    ratio = results["cpdbot"] / results["ptb-echo"]
    print(f"throughput ratio cpdbot / ptb-echo: {ratio:.2f} (target >= {RATIO_TARGET}) "
          + targets.check(f"throughput ratio {ratio:.2f} < {RATIO_TARGET}",
                          ratio >= RATIO_TARGET))
    print(f"cpdbot p99 ack latency at {args.rate:.0f} msg/s: {p99_ms['cpdbot']:.1f} ms "
          f"(target <= {P99_LIMIT_MS:.0f} ms) "
          + targets.check(f"p99 {p99_ms['cpdbot']:.1f} ms > {P99_LIMIT_MS:.0f} ms",
                          p99_ms["cpdbot"] <= P99_LIMIT_MS))
    return targets.exit_code()


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
