"""Signing in with the bot's link, signing out, and the first page after."""

from __future__ import annotations

from aiohttp import web

from bot.common.i18n import translator
from bot.console import logins
from bot.console.guard import (
    COOKIE,
    HEADERS,
    Console,
    Visit,
    browser_language,
    form_is_ours,
    message,
    page,
    signed_in,
    stale_form,
)
from bot.organisations import access
from storage.vocabulary import Role


def add_routes(app: web.Application, console: Console) -> None:
    db = console.db

    async def sign_in_page(request: web.Request) -> web.Response:
        """The link opens a page with a button: a GET (a preview, a scanner) spends nothing."""
        language = browser_language(request)
        _ = translator(language).gettext
        return page("sign_in.html", language, title=_("Sign in"),
                    token=request.query.get("t", "")[:100])

    async def sign_in(request: web.Request) -> web.Response:
        form = await request.post()
        token = form.get("token")
        # Only our own page's button: another site must not sign a browser in to a console
        # of its choosing (browsers say where a form came from).
        ours = request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")
        made = (await logins.sign_in(db, token[:100], console.clock())
                if isinstance(token, str) and token and ours else None)
        if made is None:
            language = browser_language(request)
            _ = translator(language).gettext
            return message(language, _("This link does not work"), _(
                "It was used already, has expired (links last ten minutes), or is not a "
                "sign-in link. Send /console to the bot for a new one."), 403)
        answer = web.HTTPSeeOther("/console/", headers=HEADERS)
        answer.set_cookie(COOKIE, made.cookie, httponly=True, samesite="Strict",
                          secure=console.secure_cookies, path="/console",
                          max_age=int(logins.LIFETIME.total_seconds()))
        raise answer

    async def sign_out(request: web.Request, visit: Visit) -> web.Response:
        if not form_is_ours(visit, await request.post()):
            return stale_form(visit)
        _ = visit.gettext
        await logins.sign_out(db, visit.session, console.clock())
        answer = message(visit.language, _("Signed out"), _(
            "You are signed out. Send /console to the bot to sign in again."), 200)
        answer.del_cookie(COOKIE, path="/console")
        return answer

    async def index(request: web.Request, visit: Visit) -> web.Response:
        _ = visit.gettext
        held = await access.roles_of(db, visit.user_id)
        if not held:
            return message(visit.language, _("No organisations"), _(
                "You are not an officer or viewer of any organisation now."), 403,
                visit.session.csrf)
        if len(held) == 1:
            raise web.HTTPSeeOther(f"/console/org/{held[0][0].id}/overview", headers=HEADERS)
        return page("organisations.html", visit.language, title=_("Your organisations"),
                    held=[(org, _(access.ROLE_NAMES[Role(role)])) for org, role in held],
                    **visit.chrome())

    async def to_index(request: web.Request) -> web.Response:
        raise web.HTTPSeeOther("/console/", headers=HEADERS)

    app.router.add_get("/console/login", sign_in_page)
    app.router.add_post("/console/login", sign_in)
    app.router.add_post("/console/logout", signed_in(console, sign_out))
    app.router.add_get("/console/", signed_in(console, index))
    app.router.add_get("/console", to_index)
