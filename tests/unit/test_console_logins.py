"""Console sign-in links and sessions against a real database: once, ten minutes, the idle
and absolute limits, sign-out, the link rate limit, and nothing secret stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.console import logins
from bot.console.guard import Console
from bot.console.routes import add_routes
from bot.library.loader import load_library
from storage import users
from storage.engine import Database
from storage.models import ConsoleLink, ConsoleSession

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def officer(db: Database, user_id: int = 41) -> int:
    async with db.session.begin() as session:
        await users.ensure_user(session, user_id)
    return user_id


async def test_a_link_works_once_within_ten_minutes(db: Database) -> None:
    user_id = await officer(db)
    token = await logins.new_link(db, user_id, START)
    late = await logins.new_link(db, user_id, START)
    assert token is not None and late is not None
    assert await logins.sign_in(db, late, START + timedelta(minutes=10, seconds=1)) is None
    made = await logins.sign_in(db, token, START + timedelta(minutes=9))
    assert made is not None and made.user_id == user_id
    assert await logins.sign_in(db, token, START + timedelta(minutes=9)) is None  # used
    assert await logins.sign_in(db, "not-a-token", START) is None
    async with db.session() as session:
        stored = [link.token_hash for link in (await session.scalars(select(ConsoleLink)))]
        cookies = [row.id_hash for row in (await session.scalars(select(ConsoleSession)))]
    assert token not in stored and logins.digest(token) in stored  # only the hash is kept
    assert made.cookie not in cookies and logins.digest(made.cookie) in cookies


async def test_links_are_rate_limited(db: Database) -> None:
    user_id = await officer(db)
    for minute in range(logins.LINKS_PER_WINDOW):
        assert await logins.new_link(db, user_id, START + timedelta(minutes=minute))
    assert await logins.new_link(db, user_id, START + timedelta(minutes=3)) is None
    assert await logins.new_link(db, user_id, START + timedelta(minutes=10, seconds=1))


async def test_a_session_ends_when_idle_at_its_lifetime_and_at_sign_out(db: Database) -> None:
    user_id = await officer(db)
    token = await logins.new_link(db, user_id, START)
    assert token is not None
    made = await logins.sign_in(db, token, START)
    assert made is not None
    now = START
    while now + timedelta(minutes=20) < START + logins.LIFETIME:  # busy all day
        now += timedelta(minutes=20)
        assert await logins.current(db, made.cookie, now) is not None, now
    assert await logins.current(db, made.cookie, START + logins.LIFETIME) is None

    token = await logins.new_link(db, user_id, START + timedelta(days=1))
    assert token is not None
    second = await logins.sign_in(db, token, START + timedelta(days=1))
    assert second is not None
    idle = START + timedelta(days=1) + logins.IDLE
    assert await logins.current(db, second.cookie, idle - timedelta(seconds=1)) is not None
    assert await logins.current(db, second.cookie, idle + logins.IDLE) is None

    token = await logins.new_link(db, user_id, START + timedelta(days=2))
    assert token is not None
    third = await logins.sign_in(db, token, START + timedelta(days=2))
    assert third is not None
    assert logins.csrf_matches(third, third.csrf) and not logins.csrf_matches(third, "x")
    assert not logins.csrf_matches(third, None)
    await logins.sign_out(db, third, START + timedelta(days=2))
    assert await logins.current(db, third.cookie, START + timedelta(days=2)) is None
    assert await logins.current(db, None, START) is None


async def test_the_cookie_is_secure_behind_https(db: Database) -> None:
    """With an https public_url the session cookie says Secure; the token page says no
    Referer and no caching."""
    user_id = await officer(db)
    token = await logins.new_link(db, user_id, datetime.now(UTC))
    assert token is not None
    app = web.Application()
    add_routes(app, Console(db, load_library(), secure_cookies=True))
    async with TestClient(TestServer(app)) as client:
        opened = await client.get("/console/login", params={"t": token})
        assert opened.headers["Referrer-Policy"] == "no-referrer"
        assert opened.headers["Cache-Control"] == "no-store"
        assert "frame-ancestors 'none'" in opened.headers["Content-Security-Policy"]
        forged = await client.post("/console/login", data={"token": token},
                                   headers={"Sec-Fetch-Site": "cross-site"},
                                   allow_redirects=False)
        assert forged.status == 403  # another site's form signs no one in, spends nothing
        answer = await client.post("/console/login", data={"token": token},
                                   allow_redirects=False)
        assert answer.status == 303
        cookie = answer.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
