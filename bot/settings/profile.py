"""A clinician's CPD settings: framework, profession, time zone, cycle date, target, sharing.

Every change that moves what counts (framework, cycle date, target, profession) recounts the
user's records through the one writer, in the same transaction, and is audited there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from bot.common.timezones import country_of, is_zone
from bot.cpd import records as credit_records
from bot.cpd.rules import to_hundredths
from bot.library.frameworks import GENERIC_FRAMEWORK, PROFESSIONS, Framework
from bot.library.loader import Library
from bot.reminders import schedules as reminders
from storage.engine import Database
from storage.models import User, utcnow

MAX_TARGET = Decimal(1000)


@dataclass(frozen=True)
class Settings:
    time_zone: str | None
    framework_id: str  # in effect: the hours log until one is chosen
    framework_chosen: bool
    profession: str | None
    cycle_end: date | None
    annual_target: int | None  # hundredths, the user's own; None: the framework's
    share_reflections: bool
    setup_done: bool
    ai_help: bool = False  # draft every reflection with AI help, not only on request
    voice_consent: bool | None = None  # voice notes to the transcription provider


def _settings(user: User) -> Settings:
    return Settings(user.time_zone, user.framework_id or GENERIC_FRAMEWORK,
                    user.framework_id is not None, user.profession,
                    user.cycle_end, user.annual_target, user.share_reflections,
                    user.setup_done_at is not None, user.ai_help, user.voice_consent)


async def read(db: Database, user_id: int) -> Settings | None:
    async with db.session() as session:
        user = await session.get(User, user_id)
        return _settings(user) if user is not None else None


def next_setup_step(settings: Settings) -> str | None:
    """What onboarding asks next, from what is already set: the state lives in the row.
    The cycle date can be skipped, so it comes last and ends the walk."""
    if settings.setup_done:
        return None
    if settings.time_zone is None:
        return "zone"
    if not settings.framework_chosen:
        return "framework"
    if settings.profession is None:
        return "profession"
    return "cycle"


def suggested_frameworks(library: Library, language: str, zone: str | None,
                         profession: str | None, today: date) -> list[Framework]:
    """Frameworks in force today, the likeliest first: same country (from the time zone),
    then profession, then language. The hours log is always offered last."""
    country = country_of(zone) if zone else None

    def score(framework: Framework) -> tuple[int, int, int, int]:
        return (-(country is not None and country in framework.countries),
                -(profession is not None and profession in framework.professions),
                -(language in framework.languages), framework.order)

    current = [f for f in library.frameworks.values()
               if f.valid_on(today) and f.id != GENERIC_FRAMEWORK]
    return [*sorted(current, key=score), library.frameworks[GENERIC_FRAMEWORK]]


def parse_target(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", ".").split()[0])
    except (InvalidOperation, IndexError):
        return None
    return value if 0 < value <= MAX_TARGET else None


_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_full_date(text: str) -> date | None:
    """A cycle date is often years away, so it needs a year: 31.03.2027 or 2027-03-31."""
    text = text.strip()
    if match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        return None
    if not 2000 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


async def _change(db: Database, library: Library, user_id: int, recount: bool,
                  **values: object) -> Settings | None:
    async with db.session.begin() as session:
        user = await session.get(User, user_id, with_for_update=True)
        if user is None:
            return None
        for name, value in values.items():
            setattr(user, name, value)
        if "time_zone" in values:
            await reminders.retime(session, user_id, str(values["time_zone"]), utcnow())
        if "setup_done_at" in values:  # onboarding is over: reminders start with defaults
            await reminders.ensure(session, user, utcnow())
        if recount:
            await session.flush()
            await credit_records.reallocate(session, library, user, f"user:{user_id}")
        return _settings(user)


async def set_zone(db: Database, library: Library, user_id: int, zone: str) -> Settings | None:
    if not is_zone(zone):
        return None
    # The zone decides which day "today" is, and so which period is current.
    return await _change(db, library, user_id, True, time_zone=zone)


async def set_profession(db: Database, library: Library, user_id: int,
                         profession: str) -> Settings | None:
    if profession not in PROFESSIONS:
        return None
    return await _change(db, library, user_id, True, profession=profession)


async def set_cycle_end(db: Database, library: Library, user_id: int,
                        cycle_end: date | None) -> Settings | None:
    return await _change(db, library, user_id, True, cycle_end=cycle_end,
                         setup_done_at=utcnow())


async def set_target(db: Database, library: Library, user_id: int,
                     target: Decimal | None) -> Settings | None:
    value = to_hundredths(target) if target is not None else None
    return await _change(db, library, user_id, True, annual_target=value)


async def set_ai_help(db: Database, library: Library, user_id: int,
                      on: bool) -> Settings | None:
    return await _change(db, library, user_id, False, ai_help=on)


async def set_voice_consent(db: Database, library: Library, user_id: int,
                            consent: bool) -> Settings | None:
    return await _change(db, library, user_id, False, voice_consent=consent,
                         voice_consent_at=utcnow())


@dataclass(frozen=True)
class Switched:
    settings: Settings
    moved: int  # records of the current cycle recomputed under the new framework


async def set_framework(db: Database, library: Library, user_id: int,
                        framework_id: str) -> Switched | None:
    if framework_id not in library.frameworks:
        return None
    async with db.session.begin() as session:
        user = await session.get(User, user_id, with_for_update=True)
        if user is None:
            return None
        moved = await credit_records.switch_framework(session, library, user, framework_id,
                                                      f"user:{user_id}")
        return Switched(_settings(user), moved)
