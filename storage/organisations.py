"""Organisation, membership and invite rows, and the subtree queries every scope starts from."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Subquery, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Invite, Membership, Organisation, User, utcnow
from storage.vocabulary import MembershipStatus, Role


def in_subtree(root: Organisation) -> ColumnElement[bool]:
    """This organisation and everything below it: one prefix match on the path."""
    return Organisation.path.startswith(root.path, autoescape=True)


def member_pick(path: str, user_id: int | None = None) -> Subquery:
    """One row per clinician of the subtree at `path` (their first membership in it), so one
    in two of its departments counts once; only `user_id`'s, if given. Officers and viewers
    are staff of the office, not its members, unless they also joined as members in it."""
    where = [Organisation.path.startswith(path, autoescape=True),
             Membership.status == MembershipStatus.ACTIVE, Membership.role == Role.MEMBER]
    if user_id is not None:
        where.append(Membership.user_id == user_id)
    return (select(Membership.user_id, func.min(Membership.id).label("membership_id"))
            .join(Organisation, Organisation.id == Membership.organisation_id)
            .where(*where).group_by(Membership.user_id).subquery("picked"))


async def chain(session: AsyncSession, organisation: Organisation) -> Sequence[Organisation]:
    """The organisation's ancestors and itself, root first."""
    ids = [int(part) for part in organisation.path.strip("/").split("/") if part]
    found = {org.id: org for org in (await session.scalars(
        select(Organisation).where(Organisation.id.in_(ids)))).all()}
    return [found[key] for key in ids if key in found]


async def memberships_of(session: AsyncSession, user_id: int,
                         statuses: Sequence[str] = (MembershipStatus.ACTIVE,
                                                    MembershipStatus.PENDING)
                         ) -> Sequence[tuple[Membership, Organisation]]:
    rows = await session.execute(
        select(Membership, Organisation)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.user_id == user_id, Membership.status.in_(statuses))
        .order_by(Organisation.path))
    return [(row[0], row[1]) for row in rows]


async def membership(session: AsyncSession, organisation_id: int,
                     user_id: int) -> Membership | None:
    return await session.scalar(select(Membership).where(
        Membership.organisation_id == organisation_id, Membership.user_id == user_id))


async def invite_by_code(session: AsyncSession, code: str) -> Invite | None:
    return await session.scalar(select(Invite).where(Invite.code == code))


async def member_counts(session: AsyncSession, root: Organisation) -> dict[str, int]:
    """Members of the organisation and everything below it, by status (each person once;
    officers and viewers are not counted)."""
    rows = await session.execute(
        select(Membership.status, func.count(func.distinct(Membership.user_id)))
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(in_subtree(root), Membership.role == Role.MEMBER)
        .group_by(Membership.status))
    return {status: count for status, count in rows}


async def open_invite(session: AsyncSession, organisation_id: int) -> Invite | None:
    """The newest link anyone may use (not personal, not withdrawn, not expired, not used up)."""
    now = utcnow()
    return await session.scalar(
        select(Invite).where(
            Invite.organisation_id == organisation_id, Invite.revoked_at.is_(None),
            Invite.staff_number.is_(None), Invite.role == Role.MEMBER,
            or_(Invite.expires_at.is_(None), Invite.expires_at > now),
            or_(Invite.max_uses.is_(None), Invite.uses < Invite.max_uses))
        .order_by(Invite.id.desc()).limit(1))


async def pending_in(session: AsyncSession, root: Organisation,
                     limit: int = 10) -> Sequence[tuple[Membership, str | None]]:
    """Who waits for approval in the organisation or below it, with their first name."""
    rows = await session.execute(
        select(Membership, User.first_name)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .join(User, User.id == Membership.user_id)
        .where(in_subtree(root), Membership.status == MembershipStatus.PENDING)
        .order_by(Membership.joined_at).limit(limit))
    return [(row[0], row[1]) for row in rows]


async def organisation_of(session: AsyncSession, kind: str,
                          number: int) -> Organisation | None:
    """The organisation an invite ("x") or a membership ("a", "r") belongs to."""
    if kind == "x":
        owner = select(Invite.organisation_id).where(Invite.id == number)
    else:
        owner = select(Membership.organisation_id).where(Membership.id == number)
    organisation_id = await session.scalar(owner)
    return await session.get(Organisation, organisation_id) if organisation_id else None
