"""The organisation tree: create a node, find one, name its path, list a subtree.

Every query for someone else's data starts from an organisation found here and its
`storage.organisations.in_subtree`, never from an id taken on trust.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from bot.common.text import clean_text
from storage import organisations
from storage.credit_records import audit
from storage.engine import Database
from storage.models import Membership, Organisation
from storage.vocabulary import MembershipStatus, Role

PATH_SEPARATOR = " / "


class OrganisationError(ValueError):
    """A request about organisations that cannot be met, in words for the operator."""


@dataclass(frozen=True)
class Node:
    organisation: Organisation
    depth: int
    path_name: str  # "Ministry / Region / Hospital"


async def create(db: Database, name: str, actor: str, parent_id: int | None = None,
                 country: str | None = None, framework_id: str | None = None,
                 time_zone: str | None = None, requires_approval: bool = False
                 ) -> Organisation:
    name = clean_text(name).strip()
    if not name or len(name) > 200:
        raise OrganisationError("a name of 1 to 200 characters is needed")
    if country is not None and not (len(country) == 2 and country.isalpha()):
        raise OrganisationError("the country is a two-letter ISO code, like UA or KZ")
    async with db.session.begin() as session:
        parent = await session.get(Organisation, parent_id) if parent_id is not None else None
        if parent_id is not None and parent is None:
            raise OrganisationError(f"there is no organisation {parent_id}")
        organisation = Organisation(
            parent_id=parent_id, name=name, country=country.upper() if country else None,
            framework_id=framework_id, time_zone=time_zone,
            requires_approval=requires_approval, path="")
        session.add(organisation)
        await session.flush()
        organisation.path = f"{parent.path if parent else '/'}{organisation.id}/"
        audit(session, actor, "org_create", organisation=organisation.id,
              parent=parent_id)
        return organisation


async def get(db: Database, organisation_id: int) -> Organisation | None:
    async with db.session() as session:
        return await session.get(Organisation, organisation_id)


async def all_nodes(db: Database) -> list[Node]:
    async with db.session() as session:
        found = (await session.scalars(select(Organisation).order_by(Organisation.path))).all()
    return nodes(found)


async def roots(db: Database) -> list[tuple[Organisation, int]]:
    """The top-level organisations, each with its number of officers (for superadmins)."""
    officers = (select(Membership.organisation_id, func.count().label("officers"))
                .where(Membership.role == Role.OFFICER,
                       Membership.status == MembershipStatus.ACTIVE)
                .group_by(Membership.organisation_id).subquery())
    async with db.session() as session:
        rows = await session.execute(
            select(Organisation, officers.c.officers)
            .outerjoin(officers, officers.c.organisation_id == Organisation.id)
            .where(Organisation.parent_id.is_(None)).order_by(Organisation.name))
        return [(row[0], row[1] or 0) for row in rows]


async def subtree(db: Database, root: Organisation, limit: int = 50) -> list[Node]:
    """The organisation and what is below it, in path order, named from the top."""
    async with db.session() as session:
        above = list(await organisations.chain(session, root))[:-1]
        found = (await session.scalars(select(Organisation).where(
            organisations.in_subtree(root)).order_by(Organisation.path).limit(limit))).all()
    return nodes([*above, *found])[len(above):]


def nodes(found: Sequence[Organisation]) -> list[Node]:
    """Organisations in path order with their depth and full name ("Ministry / Hospital")."""
    names = {organisation.id: organisation.name for organisation in found}
    result = []
    for organisation in found:
        ids = [int(part) for part in organisation.path.strip("/").split("/") if part]
        result.append(Node(organisation, len(ids) - 1,
                           PATH_SEPARATOR.join(names.get(key, "…") for key in ids)))
    return result


async def path_name(db: Database, organisation: Organisation) -> str:
    async with db.session() as session:
        return PATH_SEPARATOR.join(org.name for org in
                                   await organisations.chain(session, organisation))
