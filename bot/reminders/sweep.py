"""The one reminder sweep: claim the due rows, decide, move them on, then send, paced.

Delivery is **at most once**. A round's rows are moved to their next firing and committed
*before* anything is sent, so a crash after that commit loses those messages (each is
replaced by its next regular firing) but can never repeat one. Clinicians' first complaint
about reminder bots is duplicates, and a nudge's content is still true tomorrow, so a rare lost
nudge is the cheaper failure. A crash before the commit loses nothing either: the rows stay
claimed but not moved, and once the claim is `claim_timeout` old the next sweep takes them
again. Rounds are small (about a second of sending), so a crash costs at most one round.

Downtime never becomes a burst: a row gives one firing however many it missed, a firing
older than `catch_up` is dropped, and a user whose rows are all overdue gets one message,
the most urgent.

With several instances, each runs the sweep job, but only the holder of the leader lease
"sweep:reminders" (`storage.leases`) sweeps (`lead`): Telegram's limit is per bot, so the
instances' combined rate must stay under `per_second`, and one pacer can only see its own
sends. The lease is renewed while a long sweep runs and given back after it; a holder that
dies stops renewing, and once its lease expires the next instance's job takes over. The row
claims stay as they were: they are what keeps two sweepers from sending one reminder twice,
lease or not (two holders can overlap for a moment, when a lease expires under a stalled
sweep).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.common import metrics
from bot.library.loader import Library
from bot.reminders import schedules as reminders
from bot.reminders.messages import Nudge, compose, known_for
from bot.runtime.pacing import Pacer
from storage import leases
from storage import reminders as rows
from storage.engine import Database
from storage.models import utcnow

log = logging.getLogger("cpdbot.reminders")
MAX_ATTEMPTS = 3
LEASE_KEY = "sweep:reminders"
YIELD_EVERY = 25  # rows planned between turns of the event loop
SENDERS = 64  # messages in flight at once per round: 1000 a second at up to 64 ms each


class Outcome(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"  # the user blocked the bot: their reminders stop, quietly
    FAILED = "failed"


class SlowDown(Exception):
    """Telegram's 429: wait `seconds`, then try again."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


Send = Callable[[Nudge], Awaitable[Outcome]]


@dataclass(frozen=True)
class Rules:
    per_second: int = 28
    interval: timedelta = timedelta(seconds=30)  # between sweeps
    catch_up: timedelta = timedelta(hours=2)  # a firing older than this is dropped
    claim_timeout: timedelta = timedelta(minutes=2)
    # The leader lease: renewed every third of it while a sweep runs; a dead holder's is taken
    # over once it expires.
    lease: timedelta = timedelta(seconds=15)

    @property
    def batch(self) -> int:
        return self.per_second  # one round is about a second of sending

    @property
    def missed_after(self) -> timedelta:
        """Later than this, a firing was missed (the bot was down), not merely due now."""
        return max(2 * self.interval, timedelta(minutes=5))


@dataclass
class Report:
    claimed: int = 0
    sent: int = 0
    silent: int = 0  # nothing to do, or already nudged today
    dropped: int = 0  # missed long ago, or collapsed into another message to the same user
    deferred: int = 0  # quiet hours, or a second message to one user in one round
    blocked: int = 0
    failed: int = 0
    rate_limited: int = 0  # 429s received

    def __bool__(self) -> bool:
        return any(vars(self).values())

    def add(self, other: Report) -> None:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)


Then = Callable[[Callable[[], bool]], Awaitable[Report]]


async def lead(db: Database, library: Library, send: Send, pacer: Pacer,
               clock: Callable[[], datetime], rules: Rules, holder: str,
               wall: Callable[[], datetime] = utcnow, then: Then | None = None
               ) -> Report | None:
    """Sweep if this instance holds the leader lease, or can take it; None when another
    instance holds it. `wall` is the real time the lease expires by (not the test's clock
    that reminders read): a lease is about whether its holder is alive. `then` is more
    sending under the same lease and pacer (the officers' nudges), given `carry_on`; its
    report is added to the sweep's."""
    now = wall()
    async with db.session.begin() as session:
        won = await leases.acquire(session, [LEASE_KEY], holder, now, now + rules.lease)
    if not won:
        return None
    lost = asyncio.Event()
    keeper = asyncio.create_task(_keep_lease(db, holder, rules.lease, wall, lost))
    try:
        report = await sweep(db, library, send, pacer, clock, rules,
                             carry_on=lambda: not lost.is_set())
        if then is not None and not lost.is_set():
            report.add(await then(lambda: not lost.is_set()))
        return report
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper
        try:
            async with db.session.begin() as session:
                await leases.release(session, [LEASE_KEY], holder)
        except Exception:  # it expires by itself; the next sweep takes it then
            log.exception("could not give back the reminder sweep's lease")


async def _keep_lease(db: Database, holder: str, lease: timedelta,
                      wall: Callable[[], datetime], lost: asyncio.Event) -> None:
    expires = wall() + lease
    while True:
        await asyncio.sleep(lease.total_seconds() / 3)
        try:
            async with db.session.begin() as session:
                kept = await leases.renew(session, [LEASE_KEY], holder, wall() + lease)
        except Exception:
            log.exception("could not renew the reminder sweep's lease; retrying")
            kept = {LEASE_KEY} if wall() < expires else set()
        else:
            if kept:
                expires = wall() + lease
        if not kept:
            log.warning("lost the reminder sweep's lease: stopping after this round")
            lost.set()
            return


async def sweep(db: Database, library: Library, send: Send, pacer: Pacer,
                clock: Callable[[], datetime], rules: Rules,
                token: str | None = None,
                carry_on: Callable[[], bool] = lambda: True) -> Report:
    """Run rounds until nothing is due, or for at most one interval; the next sweep goes on.
    `carry_on` is asked before each round after the first (the leader lease is still ours)."""
    token = token or uuid.uuid4().hex
    report = Report()
    ends = time.monotonic() + rules.interval.total_seconds()
    delivering: asyncio.Task[None] | None = None
    try:
        while True:
            if report.claimed and not carry_on():
                break
            now = clock()
            claimed = await rows.claim(db, now, now - rules.claim_timeout, rules.batch, token)
            report.claimed += len(claimed)
            if not claimed:
                break
            moves, outgoing = await _plan(db, library, claimed, now, rules, report)
            await rows.move_on(db, token, moves)  # committed before sending: at most once
            # Deliver this round while the next one is claimed and planned; the pacer keeps
            # the sends of both evenly spaced.
            previous = delivering
            delivering = asyncio.create_task(_deliver(db, outgoing, send, pacer, clock,
                                                      report))
            if previous is not None:
                await previous
            if len(claimed) < rules.batch or time.monotonic() > ends:
                break
    finally:
        if delivering is not None:
            await delivering
    return report


async def _plan(db: Database, library: Library, claimed: list[rows.Claimed], now: datetime,
                rules: Rules, report: Report) -> tuple[list[rows.Move], list[Nudge]]:
    user_ids = {row.user_id for row in claimed}
    async with db.session() as session:
        users = await rows.users_of(session, user_ids)
        nudged = await rows.last_nudged(session, user_ids)
        known = await known_for(session, claimed)
    moves: list[rows.Move] = []
    outgoing: list[Nudge] = []
    served: set[int] = set()
    ordered = sorted(claimed, key=lambda r: (reminders.PRIORITY[r.kind], r.next_due_at))
    for place, row in enumerate(ordered):
        if place % YIELD_EVERY == YIELD_EVERY - 1:
            # A round of a thousand rows is ~0.1 s of Python; sends of the round before are
            # due every millisecond meanwhile, and a stalled loop lets them out in a burst.
            await asyncio.sleep(0)
        regular = reminders.next_firing(row, now)
        user = users.get(row.user_id)
        late = now - row.next_due_at
        # A row that missed several firings speaks for the latest, if that was recent.
        recent = late <= rules.catch_up or reminders.next_firing(row, now - rules.catch_up) <= now
        if user is None or not recent:
            report.dropped += 1
        elif reminders.in_quiet_hours(user, now):
            report.deferred += 1
            regular = min(regular, reminders.quiet_hours_end(user, now))
        elif row.user_id in served:
            if late > rules.missed_after:
                report.dropped += 1
            else:
                report.deferred += 1
                regular = min(regular, now + rules.interval)
        elif (row.kind in ("nudge", "quiet") and row.snoozed_until is None
              and row.user_id in nudged
              and reminders.same_local_day(nudged[row.user_id], now, reminders.zone_of(user))):
            report.silent += 1  # one nudge a day, unless they snoozed it for later
        else:
            nudge = await compose(db, library, row, user, now, known)
            if nudge is None:
                report.silent += 1
            else:
                served.add(row.user_id)
                outgoing.append(nudge)
        moves.append(rows.Move(row.id, regular))
    skipped = len(claimed) - len(outgoing)
    if skipped:
        metrics.REMINDERS.labels("skipped").inc(skipped)
    return moves, outgoing


async def send_all(outgoing: Sequence[Nudge], send: Send, pacer: Pacer,
                   report: Report) -> list[Outcome]:
    """Send a round's messages through the pacer; each one's outcome, in order."""
    # A few senders take the round's messages in turn, rather than a task per message all
    # waiting on the pacer at once: a thousand sleeping tasks a round cost timers, memory,
    # and garbage collections of their own.
    outcomes = [Outcome.FAILED] * len(outgoing)
    turns = iter(range(len(outgoing)))

    async def sender() -> None:
        for place in turns:  # shared: each message is taken by one sender
            outcomes[place] = await _send_one(outgoing[place], send, pacer, report)

    await asyncio.gather(*(sender() for _ in range(min(SENDERS, len(outgoing)))))
    return outcomes


async def _deliver(db: Database, outgoing: list[Nudge], send: Send, pacer: Pacer,
                   clock: Callable[[], datetime], report: Report) -> None:
    outcomes = await send_all(outgoing, send, pacer, report)
    sent = [nudge.reminder_id for nudge, outcome in zip(outgoing, outcomes, strict=True)
            if outcome is Outcome.SENT]
    report.sent += len(sent)
    metrics.REMINDERS.labels("sent").inc(len(sent))
    await rows.mark_sent(db, sent, clock())
    for nudge, outcome in zip(outgoing, outcomes, strict=True):
        if outcome is Outcome.BLOCKED:
            report.blocked += 1
            metrics.REMINDERS.labels("refused_403").inc()
            await reminders.blocked(db, nudge.chat_id)
        elif outcome is Outcome.FAILED:
            report.failed += 1


async def _send_one(nudge: Nudge, send: Send, pacer: Pacer, report: Report) -> Outcome:
    for _attempt in range(MAX_ATTEMPTS):
        await pacer.wait(nudge.chat_id)
        try:
            return await send(nudge)
        except SlowDown as exc:
            report.rate_limited += 1
            metrics.REMINDERS.labels("refused_429").inc()
            pacer.pause(exc.seconds)
    log.warning("reminder %s not sent: still rate limited after %d tries", nudge.reminder_id,
                MAX_ATTEMPTS)
    return Outcome.FAILED
