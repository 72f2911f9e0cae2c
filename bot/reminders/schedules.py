"""A user's reminders: the four kinds, their schedules, snoozing, pausing and quiet hours.

Every change recomputes `next_due_at` from the wall clock in the user's zone
(`bot.reminders.times`), so the sweep only ever compares one UTC column with now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.common.timezones import local_date
from bot.reminders.times import EVERY_DAY, Schedule, next_due, parse_schedule, parse_switch
from storage import reminders as rows
from storage.engine import Database
from storage.models import Reminder, User

Clock = Callable[[], datetime]
KINDS = ("nudge", "digest", "deadline", "quiet")
# One message per user per round goes to the most urgent kind first.
PRIORITY = {"deadline": 0, "nudge": 1, "quiet": 2, "digest": 3}
DEFAULTS: dict[str, Schedule] = {
    "nudge": Schedule(time(19, 0), EVERY_DAY),
    "digest": Schedule(time(18, 0), frozenset({6})),  # Sunday evening
    "deadline": Schedule(time(9, 0), EVERY_DAY),  # checked daily; speaks 60, 30, 7 days out
    "quiet": Schedule(time(10, 0), EVERY_DAY),
}
OPT_IN = frozenset({"quiet"})
QUIET_SPELL_DAYS = 7
SNOOZES = ("hour", "tomorrow", "off")


def day_bits(days: frozenset[int]) -> int:
    return sum(1 << day for day in days)


def weekdays(bits: int) -> frozenset[int]:
    return frozenset(day for day in range(7) if bits >> day & 1)


def schedule_of(row: Reminder | rows.Claimed) -> Schedule:
    return Schedule(time(*divmod(row.local_minute, 60)), weekdays(row.days))


def next_firing(row: Reminder | rows.Claimed, after: datetime) -> datetime:
    return next_due(schedule_of(row), row.time_zone, after)


def zone_of(user: User) -> str:
    return user.time_zone or "UTC"


QuietSpan = tuple[int, int]  # local minutes after midnight: from, until


def quiet_span(user: User, default: QuietSpan | None = None) -> QuietSpan | None:
    if user.quiet_from is None or user.quiet_until is None:
        return default
    return user.quiet_from, user.quiet_until


def in_quiet_hours(user: User, at: datetime, default: QuietSpan | None = None) -> bool:
    """Within the user's quiet hours; `default` stands in for a user who set none."""
    span = quiet_span(user, default)
    if span is None:
        return False
    local = at.astimezone(ZoneInfo(zone_of(user)))
    minute = local.hour * 60 + local.minute
    start, end = span
    return start <= minute < end if start <= end else (minute >= start or minute < end)


def quiet_hours_end(user: User, after: datetime, default: QuietSpan | None = None) -> datetime:
    span = quiet_span(user, default)
    assert span is not None
    return next_due(Schedule(time(*divmod(span[1], 60)), EVERY_DAY), zone_of(user), after)


def same_local_day(first: datetime, second: datetime, zone: str) -> bool:
    return local_date(first, zone) == local_date(second, zone)


def _new_row(user_id: int, kind: str, zone: str, now: datetime) -> dict[str, object]:
    schedule = DEFAULTS[kind]
    on = kind not in OPT_IN
    return {"user_id": user_id, "kind": kind, "local_minute": schedule.at.hour * 60
            + schedule.at.minute, "days": day_bits(schedule.days), "time_zone": zone,
            "quiet_days": QUIET_SPELL_DAYS if kind == "quiet" else None,
            "next_due_at": next_due(schedule, zone, now), "active": on,
            "off_reason": None if on else "off"}


async def ensure(session: AsyncSession, user: User, now: datetime) -> dict[str, Reminder]:
    """The user's four rows, created with the defaults where missing. The nudge, digest and
    deadline start on (each stays silent while it has nothing to say); the quiet spell is
    opt-in."""
    await rows.add_missing(session, [_new_row(user.id, kind, zone_of(user), now)
                                     for kind in KINDS])
    return await rows.of_user(session, user.id, for_update=True)


def _turn_on(row: Reminder, now: datetime) -> None:
    row.active, row.off_reason, row.snoozed_until = True, None, None
    row.next_due_at = next_firing(row, now)


def _turn_off(row: Reminder, reason: str) -> None:
    row.active, row.off_reason, row.snoozed_until = False, reason, None


@dataclass(frozen=True)
class View:
    """What /remind shows: the rows by kind, quiet hours, the zone and the cycle date."""

    reminders: dict[str, Reminder]
    quiet_from: int | None
    quiet_until: int | None
    zone: str
    cycle_end: date | None

    @property
    def paused(self) -> bool:
        return any(row.off_reason in ("paused", "blocked") for row in self.reminders.values())


Change = Callable[[User, dict[str, Reminder]], bool]


async def _edit(db: Database, user_id: int, now: datetime, change: Change | None) -> View | None:
    async with db.session.begin() as session:
        user = await session.get(User, user_id, with_for_update=True)
        if user is None:
            return None
        found = await ensure(session, user, now)
        if change is not None and not change(user, found):
            return None
        return View(found, user.quiet_from, user.quiet_until, zone_of(user), user.cycle_end)


async def view(db: Database, user_id: int, now: datetime) -> View | None:
    return await _edit(db, user_id, now, None)


async def set_schedule(db: Database, user_id: int, kind: str,
                       schedule: Schedule | Callable[[Schedule], Schedule],
                       now: datetime) -> View | None:
    """A new time and days, or a change to the current ones (a new time, keeping the days),
    read and written in one transaction. Choosing them means wanting the reminder, so it is
    switched on."""
    def change(_user: User, found: dict[str, Reminder]) -> bool:
        row = found[kind]
        new = schedule(schedule_of(row)) if callable(schedule) else schedule
        row.local_minute = new.at.hour * 60 + new.at.minute
        row.days = day_bits(new.days)
        _turn_on(row, now)
        return True
    return await _edit(db, user_id, now, change)


async def set_kind(db: Database, user_id: int, kind: str, on: bool | None,
                   now: datetime) -> View | None:
    """Switch a kind on or off; None switches it over."""
    def change(_user: User, found: dict[str, Reminder]) -> bool:
        row = found[kind]
        _turn_on(row, now) if (not row.active if on is None else on) else _turn_off(row, "off")
        return True
    return await _edit(db, user_id, now, change) if kind in KINDS else None


async def set_quiet_spell(db: Database, user_id: int, days: int, now: datetime) -> View | None:
    def change(_user: User, found: dict[str, Reminder]) -> bool:
        found["quiet"].quiet_days = days
        _turn_on(found["quiet"], now)
        return True
    return await _edit(db, user_id, now, change) if 1 <= days <= 90 else None


async def set_quiet_hours(db: Database, user_id: int, span: tuple[int, int] | None,
                          now: datetime) -> View | None:
    def change(user: User, _found: dict[str, Reminder]) -> bool:
        user.quiet_from, user.quiet_until = span if span else (None, None)
        return True
    if span is not None and (span[0] == span[1] or not all(0 <= m < 1440 for m in span)):
        return None
    return await _edit(db, user_id, now, change)


async def pause(db: Database, user_id: int, now: datetime) -> View | None:
    def change(_user: User, found: dict[str, Reminder]) -> bool:
        for row in found.values():
            if row.active:
                _turn_off(row, "paused")
        return True
    return await _edit(db, user_id, now, change)


def _resume_rows(found: dict[str, Reminder], reasons: tuple[str, ...], now: datetime) -> int:
    """Back on from the next regular time, never with a catch-up burst."""
    resumed = [row for row in found.values() if row.off_reason in reasons]
    for row in resumed:
        _turn_on(row, now)
    return len(resumed)


async def resume(db: Database, user_id: int, now: datetime) -> View | None:
    def change(_user: User, found: dict[str, Reminder]) -> bool:
        _resume_rows(found, ("paused", "blocked"), now)
        return True
    return await _edit(db, user_id, now, change)


async def set_from_text(db: Database, user_id: int, text: str, now: datetime) -> View | None:
    """What "/remind <text>" asks for: "off" pauses every reminder, "on" resumes them, and a
    time and days ("07:45 mon-fri") set the nudge, as typed after ⌨️. None if unreadable."""
    switch = parse_switch(text)
    if switch is not None:
        return await (resume if switch else pause)(db, user_id, now)
    schedule = parse_schedule(text)
    return await set_schedule(db, user_id, "nudge", schedule, now) if schedule else None


async def snooze(db: Database, user_id: int, kind: str, choice: str,
                 now: datetime) -> Reminder | None:
    """From a nudge's buttons: again in an hour, tomorrow at its time, or this kind off.
    None when the kind is off already, so an old message's button can't switch it back on."""
    result: list[Reminder] = []

    def change(_user: User, found: dict[str, Reminder]) -> bool:
        row = found[kind]
        if not row.active:
            return False
        if choice == "off":
            _turn_off(row, "off")
        else:
            row.snoozed_until = (now + timedelta(hours=1) if choice == "hour"
                                 else _tomorrow_at(row, now))
            row.next_due_at = row.snoozed_until
        result.append(row)
        return True
    if kind not in KINDS or choice not in SNOOZES:
        return None
    return result[0] if await _edit(db, user_id, now, change) else None


def _tomorrow_at(row: Reminder, now: datetime) -> datetime:
    """The reminder's own time on the next local day, whatever its weekdays."""
    midnight = next_due(Schedule(time(0, 0), EVERY_DAY), row.time_zone, now)
    every_day = Schedule(schedule_of(row).at, EVERY_DAY)
    return next_due(every_day, row.time_zone, midnight - timedelta(microseconds=1))


async def blocked(db: Database, user_id: int) -> int:
    """The user blocked the bot: stop quietly, keep their data and their settings."""
    async with db.session.begin() as session:
        return await rows.switch_off(session, user_id, "blocked")


async def unblocked(db: Database, user_id: int, now: datetime) -> int:
    async with db.session.begin() as session:
        found = await rows.of_user(session, user_id, for_update=True)
        return _resume_rows(found, ("blocked",), now)


async def retime(session: AsyncSession, user_id: int, zone: str, now: datetime) -> None:
    """A new time zone: the same wall-clock times, now read in the new zone."""
    for row in (await rows.of_user(session, user_id, for_update=True)).values():
        row.time_zone = zone
        if row.active and row.snoozed_until is None:
            row.next_due_at = next_firing(row, now)
