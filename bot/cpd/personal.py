"""This clinician's framework, annual target and today: what every CPD figure starts from.

Kept apart from the records writer so that progress, explanations and exports can ask it
without importing the writer (and the writer without importing them).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from bot.common.timezones import local_date
from bot.cpd.rules import from_hundredths
from bot.library.frameworks import GENERIC_FRAMEWORK, Framework
from bot.library.loader import Library
from storage.models import User, utcnow


def framework_of(library: Library, framework_id: str | None) -> Framework:
    return (library.frameworks.get(framework_id or GENERIC_FRAMEWORK)
            or library.frameworks[GENERIC_FRAMEWORK])


def user_target(framework: Framework, user: User) -> Decimal | None:
    if user.annual_target is not None:
        return from_hundredths(user.annual_target)
    return framework.target_for(user.profession)


def today_for(user: User, now: datetime | None = None) -> date:
    return local_date(now or utcnow(), user.time_zone)
