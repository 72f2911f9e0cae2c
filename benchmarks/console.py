"""Console benchmark: the roster, overview and member pages of an organisation of 20,000
members with 1,000,000 CPD records, served by the real aiohttp routes to a signed-in officer,
on SQLite and PostgreSQL.

It seeds as `benchmarks/organisations.py` does, signs an officer of the ministry in through a
real link, then requests each page 20 times after one warm-up (the roster's first page sorted
by name, its "behind" filter sorted by credits, the overview, and a member's page). The p95 of
each must be at most 300 ms.

    python -m benchmarks.console [--members 20000] [--records 1000000] [--postgres URL]
"""

from __future__ import annotations

import statistics
import time

import aiohttp
from aiohttp import web

from benchmarks.organisations import migrated_and_seeded, on_both_databases
from benchmarks.targets import Targets
from bot.console import logins
from bot.console.guard import COOKIE, Console
from bot.console.routes import add_routes
from bot.library.loader import load_library
from bot.organisations import members
from storage import users
from storage.engine import Database
from storage.models import utcnow
from storage.vocabulary import Role

P95_LIMIT_MS = 300
RUNS = 20
OFFICER = 99_000_001


async def measure(url: str, ministry_id: int, members_count: int) -> dict[str, list[float]]:
    db = Database(url)
    try:
        async with db.session.begin() as session:
            await users.ensure_user(session, OFFICER)
        await members.grant(db, ministry_id, OFFICER, Role.OFFICER, "benchmark")
        token = await logins.new_link(db, OFFICER, utcnow())
        assert token is not None
        signed = await logins.sign_in(db, token, utcnow())
        assert signed is not None
        app = web.Application()
        add_routes(app, Console(db, load_library(), secure_cookies=False))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        base = f"http://127.0.0.1:{port}/console/org/{ministry_id}"
        pages = {"roster": f"{base}/roster", "roster behind": f"{base}/roster?status=behind"
                 "&sort=credits", "overview": f"{base}/overview",
                 "member": f"{base}/member/{members_count // 2}"}
        times: dict[str, list[float]] = {name: [] for name in pages}
        try:
            async with aiohttp.ClientSession(cookies={COOKIE: signed.cookie}) as client:
                for name, address in pages.items():
                    for run in range(RUNS + 1):
                        started = time.perf_counter()
                        async with client.get(address) as answer:
                            assert answer.status == 200, (name, answer.status)
                            await answer.read()
                        if run:
                            times[name].append((time.perf_counter() - started) * 1000)
        finally:
            await runner.cleanup()
        return times
    finally:
        await db.dispose()


async def run_on(url: str, name: str, count: int, records: int, targets: Targets) -> None:
    ministry_id = await migrated_and_seeded(url, name, count, records)
    for page, times in (await measure(url, ministry_id, count)).items():
        p95 = statistics.quantiles(times, n=20)[18]
        verdict = targets.check(f"{name} {page} p95 {p95:.0f} ms > {P95_LIMIT_MS} ms",
                                p95 <= P95_LIMIT_MS)
        print(f"{name}: {page}: median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms "
              f"(limit {P95_LIMIT_MS}) {verdict}")


def main() -> int:
    return on_both_databases(run_on, __doc__.splitlines()[0], "console.sqlite3")


if __name__ == "__main__":
    raise SystemExit(main())
