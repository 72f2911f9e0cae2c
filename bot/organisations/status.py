"""Each member's standing for a period: credits against their target and pace, as one word.

Computed in one place for the bot and the console. The ICGP colours credit progress green when
complete, amber above half and red below; made fair to the date, the half is of where an even
pace would be by today:

- done: the target is reached;
- on track: at least where an even pace over the period would be by today;
- behind: at least half of that;
- at risk: less than half of it.

A member with no target (a framework that counts hours without one) is on track with any
activity and at risk with none. One aggregate query reads every member's credits and last
activity, so a roster of 20,000 is one round trip (`benchmarks/organisations.py`).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.common.i18n import N_
from bot.cpd.personal import framework_of
from bot.cpd.rules import from_hundredths
from bot.library.loader import Library
from storage.credit_months import period_sums
from storage.engine import Database
from storage.models import Membership, Organisation, User
from storage.organisations import in_subtree, member_pick


class Status(StrEnum):
    DONE = "done"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    AT_RISK = "at_risk"


STATUS_NAMES = {Status.DONE: N_("done"), Status.ON_TRACK: N_("on track"),
                Status.BEHIND: N_("behind"), Status.AT_RISK: N_("at risk")}


class MemberStanding(NamedTuple):
    """A named tuple, as a roster makes 20,000 of them (a frozen dataclass costs 4x)."""

    user_id: int
    name: str
    staff_number: str | None
    department: str | None
    organisation_id: int
    framework_id: str
    credits: Decimal
    target: Decimal | None
    expected: Decimal | None
    status: Status
    last_activity: date | None


def status_of(credits: Decimal, target: Decimal | None, expected: Decimal | None) -> Status:
    if target is None or expected is None:
        return Status.ON_TRACK if credits > 0 else Status.AT_RISK
    if credits >= target:
        return Status.DONE
    if credits >= expected:
        return Status.ON_TRACK
    return Status.BEHIND if credits * 2 >= expected else Status.AT_RISK


def expected_by(target: Decimal | None, start: date, end: date, today: date) -> Decimal | None:
    """Where an even pace towards the annual target would be by today, over the period."""
    if target is None:
        return None
    days = (end - start).days + 1
    done = min(max((today - start).days + 1, 0), days)
    return (target * days / 365 * done / days).quantize(Decimal("0.01"))


async def roster(db: Database, library: Library, root: Organisation, start: date, end: date,
                 today: date, only: int | None = None) -> list[MemberStanding]:
    """Every active member of the organisation and below it, once, with their standing;
    only the member `only`, if given (one member's page)."""
    picked = member_pick(root.path, only)
    credited = period_sums(start, end, select(picked.c.user_id)).subquery("credited")
    # Plain columns, not ORM objects: 20,000 rows of them cost a third of the time otherwise.
    statement = (
        select(User.id, User.first_name, User.framework_id, User.profession,
               User.annual_target, Membership.listed_name, Membership.staff_number,
               Membership.department, Membership.organisation_id, credited.c.credits,
               credited.c.last)
        .join(picked, picked.c.user_id == User.id)
        .join(Membership, Membership.id == picked.c.membership_id)
        .outerjoin(credited, credited.c.user_id == User.id))
    async with db.session() as session:
        # Core, not the ORM's result machinery: a fifth of the time for 20,000 rows.
        rows = (await (await session.connection()).execute(statement)).all()
        defaults = await _default_frameworks(session, root)
    result = []
    targets: dict[tuple[str, str | None, int | None], Decimal | None] = {}
    paces: dict[Decimal | None, Decimal | None] = {}
    amounts: dict[int, Decimal] = {}
    for (user_id, first_name, own_framework, profession, annual_target, listed_name,
         staff_number, department, organisation_id, credits, last) in rows:
        framework = framework_of(library, own_framework or defaults.get(organisation_id))
        key = (framework.id, profession, annual_target)
        if key not in targets:
            targets[key] = (from_hundredths(annual_target) if annual_target is not None
                            else framework.target_for(profession))
        target = targets[key]
        if target not in paces:
            paces[target] = expected_by(target, start, end, today)
        expected = paces[target]
        hundredths = int(credits or 0)
        total = amounts.get(hundredths) or amounts.setdefault(hundredths,
                                                              from_hundredths(hundredths))
        if isinstance(last, str):
            last = date.fromisoformat(last)
        result.append(MemberStanding(
            user_id, listed_name or first_name or str(user_id), staff_number, department,
            organisation_id, framework.id, total, target, expected,
            status_of(total, target, expected), last))
    return result


async def _default_frameworks(session: AsyncSession, root: Organisation) -> dict[int, str | None]:
    """Each organisation's default framework: its own, else the nearest one above it."""
    above = [int(part) for part in root.path.strip("/").split("/") if part]
    found = (await session.scalars(select(Organisation).where(
        in_subtree(root) | Organisation.id.in_(above)))).all()
    own = {organisation.id: organisation.framework_id for organisation in found}
    result = {}
    for organisation in found:
        chain = [int(part) for part in organisation.path.strip("/").split("/") if part]
        result[organisation.id] = next((own[key] for key in reversed(chain) if own.get(key)),
                                       None)
    return result


def counts(standings: list[MemberStanding]) -> Counter[Status]:
    return Counter(standing.status for standing in standings)
