"""Invite links, joining, approval, leaving, roles and per-organisation sharing.

Joining shares the member's CPD records and totals with the organisation (the join screen
says so); reflective text only once they switch it on for that organisation. Leaving ends
what the organisation sees at once; the member's own data stays theirs. Every change is
written to the audit log.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, or_, update

from bot.organisations.tree import OrganisationError
from storage import organisations, users
from storage.credit_records import audit
from storage.engine import Database
from storage.models import Invite, Membership, Organisation, utcnow
from storage.vocabulary import MembershipStatus, Role

CODE_BYTES = 12  # 16 characters of A-Za-z0-9_-: a Telegram start parameter, never an id


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED_UP = "used_up"
    REVOKED = "revoked"


@dataclass(frozen=True)
class Preview:
    """What the join screen shows before anything changes."""

    invite: Invite
    organisation: Organisation
    path_name: str
    needs_approval: bool
    membership: Membership | None  # the user's, if they are or were a member


@dataclass(frozen=True)
class Joined:
    organisation: Organisation
    membership: Membership
    pending: bool
    already: bool  # they were a member already; nothing changed


def link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


async def create_invite(db: Database, organisation_id: int, actor: str,
                        created_by: int | None = None, days: int | None = None,
                        max_uses: int | None = None, staff_number: str | None = None,
                        department: str | None = None, listed_name: str | None = None,
                        role: Role = Role.MEMBER) -> Invite:
    """A link to join; a personal one (with a staff number) is good for one use. A link
    with another role (a superadmin's for a first officer) is good for one use too."""
    personal = staff_number is not None or role != Role.MEMBER
    async with db.session.begin() as session:
        if await session.get(Organisation, organisation_id) is None:
            raise OrganisationError(f"there is no organisation {organisation_id}")
        invite = Invite(organisation_id=organisation_id, code=new_code(),
                        created_by=created_by, uses=0,
                        expires_at=utcnow() + timedelta(days=days) if days else None,
                        max_uses=1 if personal else max_uses, staff_number=staff_number,
                        department=department, listed_name=listed_name, role=role)
        session.add(invite)
        await session.flush()
        audit(session, actor, "invite_create", organisation=organisation_id,
              invite=invite.id, personal=personal, role=str(role))
        return invite


def problem_of(invite: Invite | None, now: datetime) -> InviteProblem | None:
    if invite is None:
        return InviteProblem.UNKNOWN
    if invite.revoked_at is not None:
        return InviteProblem.REVOKED
    if invite.expires_at is not None and invite.expires_at <= now:
        return InviteProblem.EXPIRED
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        return InviteProblem.USED_UP
    return None


async def preview(db: Database, user_id: int, code: str) -> Preview | InviteProblem:
    async with db.session() as session:
        invite = await organisations.invite_by_code(session, code)
        problem = problem_of(invite, utcnow())
        if problem is not None or invite is None:
            return problem or InviteProblem.UNKNOWN
        organisation = await session.get(Organisation, invite.organisation_id)
        assert organisation is not None  # invites go with their organisation
        chain = await organisations.chain(session, organisation)
        membership = await organisations.membership(session, organisation.id, user_id)
    return Preview(invite, organisation, " / ".join(org.name for org in chain),
                   _needs_approval(organisation, invite), membership)


def _needs_approval(organisation: Organisation, invite: Invite) -> bool:
    """Open member links of an organisation that asks for it; personal links never."""
    return (organisation.requires_approval and invite.staff_number is None
            and invite.role == Role.MEMBER)


async def join(db: Database, user_id: int, code: str) -> Joined | InviteProblem:
    """Use the invite, once, and join; a use is spent only when something changes."""
    now = utcnow()
    async with db.session.begin() as session:
        invite = await organisations.invite_by_code(session, code)
        problem = problem_of(invite, now)
        if problem is not None or invite is None:
            return problem or InviteProblem.UNKNOWN
        organisation = await session.get(Organisation, invite.organisation_id)
        assert organisation is not None
        membership = await organisations.membership(session, organisation.id, user_id)
        promoted = invite.role != Role.MEMBER
        if (membership is not None and membership.status != MembershipStatus.LEFT
                and (not promoted or membership.role == invite.role)):
            return Joined(organisation, membership, membership.status ==
                          MembershipStatus.PENDING, already=True)
        spent = cast(CursorResult[Any], await session.execute(
            update(Invite).where(
                Invite.id == invite.id, Invite.revoked_at.is_(None),
                or_(Invite.max_uses.is_(None), Invite.uses < Invite.max_uses),
                or_(Invite.expires_at.is_(None), Invite.expires_at > now))
            .values(uses=Invite.uses + 1)))
        if spent.rowcount != 1:  # someone else took the last use meanwhile
            return InviteProblem.USED_UP
        pending = _needs_approval(organisation, invite)
        status = MembershipStatus.PENDING if pending else MembershipStatus.ACTIVE
        if membership is None:
            membership = Membership(organisation_id=organisation.id, user_id=user_id,
                                    role=Role.MEMBER)
            session.add(membership)
        if membership.status != MembershipStatus.ACTIVE:  # (re)joining, not a promotion
            membership.joined_at = now
            membership.share_reflections, membership.sharing_since = False, None
        membership.status, membership.left_at, membership.role = status, None, invite.role
        if invite.staff_number is not None:
            membership.staff_number = invite.staff_number
            membership.department = invite.department
            membership.listed_name = invite.listed_name
        await session.flush()
        audit(session, f"user:{user_id}", "org_join", user_id=user_id,
              organisation=organisation.id, invite=invite.id, status=str(status),
              role=str(invite.role))
        return Joined(organisation, membership, pending, already=False)


async def decide(db: Database, officer_id: int, membership_id: int, approve: bool,
                 managed: Organisation) -> Membership | None:
    """An officer approves or declines a pending member of `managed` or below it."""
    async with db.session.begin() as session:
        membership = await session.get(Membership, membership_id)
        if membership is None or membership.status != MembershipStatus.PENDING:
            return None
        organisation = await session.get(Organisation, membership.organisation_id)
        if organisation is None or not organisation.path.startswith(managed.path):
            return None
        membership.status = MembershipStatus.ACTIVE if approve else MembershipStatus.LEFT
        if approve:
            membership.joined_at = utcnow()
        else:
            membership.left_at = utcnow()
        audit(session, f"user:{officer_id}", "org_approve" if approve else "org_decline",
              user_id=membership.user_id, organisation=organisation.id)
        return membership


async def leave(db: Database, user_id: int, organisation_id: int) -> Membership | None:
    async with db.session.begin() as session:
        membership = await organisations.membership(session, organisation_id, user_id)
        if membership is None or membership.status == MembershipStatus.LEFT:
            return None
        membership.status, membership.left_at = MembershipStatus.LEFT, utcnow()
        membership.share_reflections, membership.sharing_since = False, None
        audit(session, f"user:{user_id}", "org_leave", user_id=user_id,
              organisation=organisation_id)
        return membership


async def set_sharing(db: Database, user_id: int, organisation_id: int,
                      share: bool) -> Membership | None:
    """Reflective text for this organisation, on or off; it counts from this commit on, for
    exports already running too (they read it per batch)."""
    async with db.session.begin() as session:
        membership = await organisations.membership(session, organisation_id, user_id)
        if membership is None or membership.status != MembershipStatus.ACTIVE:
            return None
        membership.share_reflections = share
        membership.sharing_since = utcnow() if share else None
        audit(session, f"user:{user_id}", "org_share" if share else "org_unshare",
              user_id=user_id, organisation=organisation_id)
        return membership


async def grant(db: Database, organisation_id: int, user_id: int, role: Role,
                actor: str) -> Membership:
    """Give someone a role (creating their membership); they need not have used the bot."""
    async with db.session.begin() as session:
        if await session.get(Organisation, organisation_id) is None:
            raise OrganisationError(f"there is no organisation {organisation_id}")
        await users.ensure_user(session, user_id)
        membership = await organisations.membership(session, organisation_id, user_id)
        if membership is None:
            membership = Membership(organisation_id=organisation_id, user_id=user_id)
            session.add(membership)
        membership.role, membership.left_at = role, None
        membership.status = MembershipStatus.ACTIVE
        await session.flush()
        audit(session, actor, "org_grant", user_id=user_id, organisation=organisation_id,
              role=str(role))
        return membership


async def revoke_invite(db: Database, invite_id: int, managed: Organisation,
                        actor: str) -> Invite | None:
    async with db.session.begin() as session:
        invite = await session.get(Invite, invite_id)
        if invite is None or invite.revoked_at is not None or invite.role != Role.MEMBER:
            return None  # a superadmin's officer link is not an officer's to withdraw
        organisation = await session.get(Organisation, invite.organisation_id)
        if organisation is None or not organisation.path.startswith(managed.path):
            return None
        invite.revoked_at = utcnow()
        audit(session, actor, "invite_revoke", organisation=organisation.id, invite=invite.id)
        return invite
