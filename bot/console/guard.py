"""What every console page goes through before it runs: the session, from the database; the
officer's language; the organisation in the URL, found through the officer's own roles (loaded
from the database on every request, never from the cookie); the CSRF token of a form.

`signed_in` and `in_organisation` wrap a page so it is handed only what passed: another
organisation's id gets the same 404 as one that doesn't exist, and a viewer asking for an
officer's page gets a 403.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from bot.common.i18n import pick_language, translator
from bot.console import logins
from bot.console.logins import Session
from bot.console.render import render
from bot.library.loader import Library
from bot.organisations import access
from storage.engine import Database
from storage.models import Organisation, User, utcnow
from storage.vocabulary import Role

COOKIE = "cpd_console"
HEADERS = {
    # The sign-in token is in the link's query: no page may send it on as a Referer.
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                               "img-src 'self'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Console:
    db: Database
    library: Library
    secure_cookies: bool  # public_url is https
    clock: Callable[[], datetime] = utcnow
    bot_username: Callable[[], str] = lambda: "bot"  # for invite links


@dataclass(frozen=True)
class Visit:
    """A signed-in request: the session and the officer's language."""

    session: Session
    language: str
    manages: bool = False  # an officer of the page's organisation (not a viewer)

    def chrome(self) -> dict[str, Any]:
        """What every page's frame needs: the forms' token, which links to show."""
        return {"csrf": self.session.csrf, "manages": self.manages}

    @property
    def user_id(self) -> int:
        return self.session.user_id

    @property
    def actor(self) -> str:
        return f"user:{self.session.user_id}"

    def gettext(self, text: str) -> str:
        return translator(self.language).gettext(text)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Page = Callable[[web.Request, Visit], Awaitable[web.StreamResponse]]
OrganisationPage = Callable[[web.Request, Visit, Organisation], Awaitable[web.StreamResponse]]


def page(template: str, language: str, status_code: int = 200, **values: Any) -> web.Response:
    values.setdefault("organisation", None)
    values.setdefault("csrf", None)
    values.setdefault("manages", False)
    return web.Response(text=render(template, language, **values), status=status_code,
                        content_type="text/html", headers=HEADERS)


def message(language: str, title: str, text: str, status_code: int,
            csrf: str | None = None) -> web.Response:
    return page("message.html", language, status_code, title=title, text=text, csrf=csrf)


_NUMBER = re.compile(r"[0-9]{1,18}")


def parse_number(value: object) -> int | None:
    """An id or a count from a URL or a form: ASCII digits only ("²" is a digit to Python)."""
    return int(value) if isinstance(value, str) and _NUMBER.fullmatch(value) else None


def parse_day(text: str) -> date | None:
    """A date from a form's ISO 8601 field, or None for anything else."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def browser_language(request: web.Request) -> str:
    wanted = request.headers.get("Accept-Language", "").split(",")[0].split(";")[0]
    return pick_language(None, wanted.strip() or None)


def not_found(visit: Visit) -> web.Response:
    _ = visit.gettext
    return message(visit.language, _("Not found"), _(
        "There is no such page among your organisations."), 404, visit.session.csrf)


def forbidden(visit: Visit) -> web.Response:
    _ = visit.gettext
    return message(visit.language, _("Not allowed"), _(
        "Your role in this organisation does not allow this: viewers see totals and "
        "export nothing."), 403, visit.session.csrf)


def stale_form(visit: Visit) -> web.Response:
    _ = visit.gettext
    return message(visit.language, _("Not allowed"), _(
        "This form is out of date. Go back, reload the page and try again."), 403,
        visit.session.csrf)


def form_is_ours(visit: Visit, form: MultiDictProxy[Any]) -> bool:
    """The form carries this session's CSRF token."""
    sent = form.get("csrf")
    return logins.csrf_matches(visit.session, sent if isinstance(sent, str) else None)


def signed_in(console: Console, handler: Page) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        found = await logins.current(console.db, request.cookies.get(COOKIE), console.clock())
        if found is None:
            language = browser_language(request)
            _ = translator(language).gettext
            return message(language, _("Signed out"), _(
                "You are not signed in, or your session has ended. Send /console to the bot "
                "for a new sign-in link."), 401)
        async with console.db.session() as session:
            user = await session.get(User, found.user_id)
        language = pick_language(user.language, user.telegram_language) if user else "en"
        return await handler(request, Visit(found, language))
    return guarded


def in_organisation(console: Console, handler: OrganisationPage,
                    roles: Sequence[str] = access.SEES) -> Handler:
    """A page of one organisation (`{org}` in the route): it runs only if the officer holds
    one of `roles` there or above it."""
    async def guarded(request: web.Request, visit: Visit) -> web.StreamResponse:
        number = parse_number(request.match_info.get("org"))
        if number is None:
            return not_found(visit)
        found = await access.held_at(console.db, visit.user_id, number)
        if found is None:
            return not_found(visit)
        organisation, held = found
        manages = bool(held & set(access.MANAGES))
        if not manages and set(roles) <= set(access.MANAGES):
            return forbidden(visit)
        return await handler(request, replace(visit, manages=manages), organisation)
    return signed_in(console, guarded)


def manages(console: Console, handler: OrganisationPage) -> Handler:
    return in_organisation(console, handler, (Role.OFFICER,))
