"""Console logins without passwords: the bot sends a single-use link, the browser swaps it
for a server-side session.

- A link is a random token, kept only as its SHA-256, valid ten minutes, bound to the
  officer's numeric Telegram id, good once. At most `LINKS_PER_WINDOW` are made per officer in
  `LINK_WINDOW`.
- A session is a random cookie, kept only as its SHA-256, with its own CSRF token. It ends at
  logout, after `IDLE` without a request, or `LIFETIME` after sign-in, whichever is first.
- Neither says what the holder may see: every request loads their roles from the database.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update

from storage.credit_records import audit
from storage.engine import Database
from storage.models import ConsoleLink, ConsoleSession

LINK_LIFETIME = timedelta(minutes=10)
LINK_WINDOW = timedelta(minutes=10)
LINKS_PER_WINDOW = 3
IDLE = timedelta(minutes=30)
LIFETIME = timedelta(hours=12)
SEEN_EVERY = timedelta(minutes=1)  # `seen_at` is written at most this often


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def new_link(db: Database, user_id: int, now: datetime) -> str | None:
    """A login token for the user, or None when they asked for too many just now."""
    token = secrets.token_urlsafe(32)
    async with db.session.begin() as session:
        recent = await session.scalar(select(func.count()).select_from(ConsoleLink).where(
            ConsoleLink.user_id == user_id, ConsoleLink.created_at > now - LINK_WINDOW))
        if (recent or 0) >= LINKS_PER_WINDOW:
            return None
        session.add(ConsoleLink(token_hash=digest(token), user_id=user_id, created_at=now,
                                expires_at=now + LINK_LIFETIME))
        audit(session, f"user:{user_id}", "console_link", user_id=user_id)
    return token


@dataclass(frozen=True)
class Session:
    cookie: str  # the browser's secret; only its hash is stored
    user_id: int
    csrf: str


async def sign_in(db: Database, token: str, now: datetime) -> Session | None:
    """Spend a link, once, for a new session; None for a used, expired or unknown one."""
    async with db.session.begin() as session:
        spent = cast(CursorResult[Any], await session.execute(
            update(ConsoleLink)
            .where(ConsoleLink.token_hash == digest(token), ConsoleLink.used_at.is_(None),
                   ConsoleLink.expires_at > now)
            .values(used_at=now).returning(ConsoleLink.user_id)))
        user_id = spent.scalar()
        if user_id is None:
            return None
        cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        session.add(ConsoleSession(id_hash=digest(cookie), user_id=user_id, csrf=csrf,
                                   created_at=now, seen_at=now, expires_at=now + LIFETIME))
        audit(session, f"user:{user_id}", "console_sign_in", user_id=user_id)
    return Session(cookie, user_id, csrf)


async def current(db: Database, cookie: str | None, now: datetime) -> Session | None:
    """The live session of this cookie, its idle clock restarted; None if there is none."""
    if not cookie:
        return None
    async with db.session.begin() as session:
        found = await session.get(ConsoleSession, digest(cookie))
        if (found is None or found.ended_at is not None or found.expires_at <= now
                or found.seen_at + IDLE <= now):
            return None
        if now - found.seen_at >= SEEN_EVERY:
            found.seen_at = now
        return Session(cookie, found.user_id, found.csrf)


def csrf_matches(session: Session, sent: str | None) -> bool:
    return sent is not None and hmac.compare_digest(session.csrf.encode(), sent.encode())


async def sign_out(db: Database, session: Session, now: datetime) -> None:
    async with db.session.begin() as writing:
        await writing.execute(update(ConsoleSession).where(
            ConsoleSession.id_hash == digest(session.cookie)).values(ended_at=now))
        audit(writing, f"user:{session.user_id}", "console_sign_out", user_id=session.user_id)
