"""Who may see and do what for an organisation, read from the database on every request.

A role in an organisation reaches everything below it: an officer of a ministry is an officer
of each of its hospitals. Superadmins (`admin.telegram_ids`) create top-level organisations
and name officers; that is all the list is for.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.common.i18n import N_
from storage.engine import Database
from storage.models import Membership, Organisation
from storage.vocabulary import MembershipStatus, Role

ROLE_NAMES = {Role.MEMBER: N_("member"), Role.OFFICER: N_("officer"), Role.VIEWER: N_("viewer")}
# What each role may do: see a subtree's people and totals, or also export and manage it.
SEES = (Role.OFFICER, Role.VIEWER)
MANAGES = (Role.OFFICER,)


async def roles_of(db: Database, user_id: int,
                   roles: Sequence[str] = SEES) -> list[tuple[Organisation, str]]:
    """The organisations the user holds one of `roles` in (not those below them), with it."""
    async with db.session() as session:
        rows = await session.execute(
            select(Organisation, Membership.role)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user_id, Membership.status == MembershipStatus.ACTIVE,
                   Membership.role.in_(list(roles)))
            .order_by(Organisation.path))
        return [(row[0], row[1]) for row in rows]


async def held_at(db: Database, user_id: int,
                  organisation_id: int) -> tuple[Organisation, set[str]] | None:
    """The organisation and the roles the user holds in it or above it; None if none."""
    async with db.session() as session:
        organisation = await session.get(Organisation, organisation_id)
        if organisation is None:
            return None
        above = [int(part) for part in organisation.path.strip("/").split("/") if part]
        roles = set((await session.scalars(
            select(Membership.role).where(
                Membership.user_id == user_id, Membership.status == MembershipStatus.ACTIVE,
                Membership.role.in_(list(SEES)), Membership.organisation_id.in_(above))
            .distinct())).all())
    return (organisation, roles) if roles else None


async def scope(db: Database, user_id: int, organisation_id: int,
                roles: Sequence[str] = SEES) -> Organisation | None:
    """The organisation, if the user holds one of `roles` in it or above it; else None,
    whatever the id: another organisation's id gets nothing."""
    found = await held_at(db, user_id, organisation_id)
    return found[0] if found is not None and found[1] & set(roles) else None
