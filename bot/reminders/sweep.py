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
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.library.loader import Library
from bot.reminders import schedules as reminders
from bot.reminders.messages import Nudge, compose
from bot.runtime.pacing import Pacer
from storage import reminders as rows
from storage.engine import Database

log = logging.getLogger("cpdbot.reminders")
MAX_ATTEMPTS = 3


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


async def sweep(db: Database, library: Library, send: Send, pacer: Pacer,
                clock: Callable[[], datetime], rules: Rules,
                token: str | None = None) -> Report:
    """Run rounds until nothing is due, or for at most one interval; the next sweep goes on."""
    token = token or uuid.uuid4().hex
    report = Report()
    ends = time.monotonic() + rules.interval.total_seconds()
    delivering: asyncio.Task[None] | None = None
    try:
        while True:
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
    moves: list[rows.Move] = []
    outgoing: list[Nudge] = []
    served: set[int] = set()
    for row in sorted(claimed, key=lambda r: (reminders.PRIORITY[r.kind], r.next_due_at)):
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
            nudge = await compose(db, library, row, user, now)
            if nudge is None:
                report.silent += 1
            else:
                served.add(row.user_id)
                outgoing.append(nudge)
        moves.append(rows.Move(row.id, regular))
    return moves, outgoing


async def _deliver(db: Database, outgoing: list[Nudge], send: Send, pacer: Pacer,
                   clock: Callable[[], datetime], report: Report) -> None:
    outcomes = await asyncio.gather(*(_send_one(nudge, send, pacer, report)
                                      for nudge in outgoing))
    sent = [nudge.reminder_id for nudge, outcome in zip(outgoing, outcomes, strict=True)
            if outcome is Outcome.SENT]
    report.sent += len(sent)
    await rows.mark_sent(db, sent, clock())
    for nudge, outcome in zip(outgoing, outcomes, strict=True):
        if outcome is Outcome.BLOCKED:
            report.blocked += 1
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
            pacer.pause(exc.seconds)
    log.warning("reminder %s not sent: still rate limited after %d tries", nudge.reminder_id,
                MAX_ATTEMPTS)
    return Outcome.FAILED
