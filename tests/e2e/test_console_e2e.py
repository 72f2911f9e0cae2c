"""End to end: the CPD office console through the real server, signed in by the link the bot
sent over the fake Telegram server, tried the way a curious or careless officer would:
edited ids in URLs, reused and forged links, forms without their CSRF token, a member's
name that is a script, a member who stops sharing, a session left idle.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import aiohttp
from pypdf import PdfReader
from sqlalchemy import select
from yarl import URL

from bot.config import Config
from storage.engine import Database
from storage.models import AuditEvent
from tests.e2e.test_credits_e2e import reflect
from tests.e2e.test_org_nudges_e2e import member
from tests.e2e.test_organisations_e2e import cpdbot, operator
from tests.support.chat import Chat
from tests.support.fake_telegram import FakeTelegram
from tests.support.running import ADMIN_ID, Clock, RunningBot

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def sign_in_link(chat: Chat) -> str:
    [reply] = await chat.say("/console")
    found = re.search(r"(http://\S+/console/login\?t=\S+)", reply.params["text"])
    assert found, reply.params["text"]
    assert reply.params.get("link_preview_options") is not None
    return found.group(1)


def browser() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def sign_in(web: aiohttp.ClientSession, link: str) -> tuple[int, str, str]:
    """Open the link, press Sign in; the final status and page, and the cookie as set."""
    async with web.get(link) as opened:
        assert opened.status == 200
        page = await opened.text()
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token, page
    async with web.post(link.split("?")[0], data={"token": token.group(1)},
                        allow_redirects=False) as answer:
        if answer.status != 303:
            return answer.status, await answer.text(), ""
        set_cookie = answer.headers.get("Set-Cookie", "")
        location = answer.headers["Location"]
    async with web.get(URL(link).join(URL(location))) as landed:
        return landed.status, await landed.text(), set_cookie


async def test_an_officer_sees_their_people_and_nothing_else(
        config: Config, db: Database, telegram: FakeTelegram, tmp_path: Path) -> None:
    clock = Clock()
    bot = await RunningBot(config, db, clock).start(telegram)
    base = f"http://127.0.0.1:{config.web.port}"
    try:
        config_path = await operator(telegram, db, tmp_path)
        ministry = await cpdbot(config_path, "org", "create", "Ministry")
        hospital = await cpdbot(config_path, "org", "create", "City Hospital 5", "--parent",
                                ministry)
        other = await cpdbot(config_path, "org", "create", "City Hospital 6", "--parent",
                             ministry)
        await cpdbot(config_path, "org", "grant", hospital, "8501", "officer")
        await cpdbot(config_path, "org", "grant", other, "8502", "officer")
        sharer = await member(telegram, 8601, "Anna", await cpdbot(
            config_path, "org", "invite", hospital))
        scripted = await member(telegram, 8602, "<script>alert(1)</script>", await cpdbot(
            config_path, "org", "invite", hospital))
        await member(telegram, 8603, "Olek", await cpdbot(config_path, "org", "invite", other))
        [listing] = await sharer.say("/organisations")
        await sharer.press("Share reflections", listing, expect=0)
        await reflect(sharer, "Lactate clearance", "Quick note", ["Repeat within 2 h"],
                      "45 min")
        await reflect(scripted, "Not shared", "Quick note", ["My own thoughts"], "30 min")

        [refused] = await sharer.say("/console")
        assert "for the CPD officers and viewers" in refused.params["text"]

        officer = Chat(telegram, 8501, "en", first_name="Olha")
        link = await sign_in_link(officer)
        async with browser() as web:
            async with web.get(f"{base}/console/") as before:
                assert before.status == 401  # not signed in yet
            status, overview, set_cookie = await sign_in(web, link)
            assert status == 200 and "Ministry / City Hospital 5" in overview
            assert "2 members" in overview and "on_track\">on track</span></a> 2" in overview
            assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
            assert "Path=/console" in set_cookie and "Secure" not in set_cookie  # plain http
            cookie = web.cookie_jar.filter_cookies(URL(f"{base}/console/"))["cpd_console"]
            async with web.get(f"{base}/console/org/{hospital}/chart.png") as chart:
                assert chart.status == 200 and (await chart.read())[:4] == b"\x89PNG"
            async with web.get(f"{base}/console/org/{other}/chart.png") as chart:
                assert chart.status == 404
            async with web.get(f"{base}/console/org/{hospital}/roster") as page:
                roster = await page.text()
            assert "Anna" in roster and "Olek" not in roster
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in roster
            assert "<script>alert(1)" not in roster
            # The same link again, and a forged one, open nothing.
            async with browser() as stranger:
                assert (await sign_in(stranger, link))[0] == 403
                forged = link.rsplit("=", 1)[0] + "=" + "A" * 43
                assert (await sign_in(stranger, forged))[0] == 403
                async with stranger.get(f"{base}/console/org/{hospital}/roster") as page:
                    assert page.status == 401

            async with web.get(f"{base}/console/org/{hospital}/roster",
                               params={"q": "anna"}) as found:
                text = await found.text()
                assert "Anna" in text and "alert(1)" not in text
            # Edited ids: another hospital's roster and member, a member from elsewhere.
            for path in (f"/console/org/{other}/roster", f"/console/org/{ministry}/roster",
                         f"/console/org/{other}/overview",
                         f"/console/org/{other}/member/8603",
                         f"/console/org/{hospital}/member/8603",
                         f"/console/org/{hospital}/member/8501", "/console/org/x/roster",
                         "/console/org/²/overview", f"/console/org/{hospital}/member/²",
                         f"/console/org/{hospital}/member/99999999999999999999"):
                async with web.get(base + path) as answer:
                    assert answer.status == 404, path
            # Tampered filters fall back to their defaults.
            async with web.get(f"{base}/console/org/{hospital}/roster", params={
                    "status": "'; drop table users", "part": other, "page": "-4",
                    "sort": "<b>", "framework": "nope"}) as tampered:
                assert tampered.status == 200 and "Anna" in await tampered.text()

            async with web.get(f"{base}/console/org/{hospital}/member/8601") as page:
                shared = await page.text()
            assert "Lactate clearance" in shared and "Repeat within 2 h" in shared
            async with web.get(f"{base}/console/org/{hospital}/member/8602") as page:
                private = await page.text()
            assert "Not shared" in private and "My own thoughts" not in private
            # Sharing switched off: the text is gone from the next view at once.
            [listing] = await sharer.say("/organisations")
            await sharer.press("Stop sharing", listing, expect=0)
            await sharer.settle()
            async with web.get(f"{base}/console/org/{hospital}/member/8601") as page:
                assert "Repeat within 2 h" not in await page.text()

            csrf = CSRF.search(shared)
            assert csrf
            async with web.post(f"{base}/console/logout", data={"csrf": "wrong"}) as answer:
                assert answer.status == 403
            async with web.post(f"{base}/console/logout") as answer:
                assert answer.status == 403
            async with web.get(f"{base}/console/org/{hospital}/roster") as still:
                assert still.status == 200  # the forged sign-outs changed nothing
            async with web.post(f"{base}/console/logout", data={"csrf": csrf.group(1)}
                                ) as answer:
                assert answer.status == 200 and "signed out" in await answer.text()
            web.cookie_jar.update_cookies({"cpd_console": cookie.value},
                                          URL(f"{base}/console/"))
            async with web.get(f"{base}/console/org/{hospital}/roster") as after:
                assert after.status == 401  # the old cookie is dead

        # A session left idle for more than half an hour ends.
        async with browser() as web:
            assert (await sign_in(web, await sign_in_link(officer)))[0] == 200
            clock.advance(timedelta(minutes=31))
            async with web.get(f"{base}/console/org/{hospital}/roster") as idle:
                assert idle.status == 401
        # Links are rate-limited: three in ten minutes.
        await sign_in_link(officer)
        await sign_in_link(officer)
        await sign_in_link(officer)
        [limited] = await officer.say("/console")
        assert "several links just now" in limited.params["text"]

        async with db.session() as session:
            events = (await session.scalars(select(AuditEvent).where(
                AuditEvent.actor == "user:8501"))).all()
        actions = [event.action for event in events]
        assert actions.count("console_sign_in") == 2 and "console_sign_out" in actions
        views = [event for event in events if event.action == "member_view"]
        assert {event.user_id for event in views} == {8601, 8602}
        assert "console_roster" in actions
    finally:
        await bot.stop()


async def test_an_officer_exports_reminds_and_invites_from_the_console(
        config: Config, db: Database, telegram: FakeTelegram, tmp_path: Path) -> None:
    clock = Clock()
    clock.now = clock.now.replace(hour=12, minute=0)  # outside anyone's default quiet hours
    config.reminders.sweep_seconds = 1
    bot = await RunningBot(config, db, clock).start(telegram)
    base = f"http://127.0.0.1:{config.web.port}"
    try:
        config_path = await operator(telegram, db, tmp_path)
        hospital = await cpdbot(config_path, "org", "create", "Лікарня №7")
        ward = await cpdbot(config_path, "org", "create", "Кардіологія", "--parent", hospital)
        elsewhere = await cpdbot(config_path, "org", "create", "Elsewhere")
        await cpdbot(config_path, "org", "grant", hospital, "8701", "officer")
        await cpdbot(config_path, "org", "grant", hospital, "8702", "viewer")
        link = await cpdbot(config_path, "org", "invite", ward)
        active = await member(telegram, 8801, "Anna", link)
        private = await member(telegram, 8802, "Bohdan", link)
        await member(telegram, 8803, "Dmytro", link)  # nothing recorded: at risk
        [listing] = await active.say("/organisations")
        await active.press("Share reflections", listing, expect=0)
        await reflect(active, "Troponin timing", "Quick note", ["Serial at 0 and 3 h"],
                      "30 min")
        await reflect(private, "Hyperkalaemia", "Quick note", ["Peaked T #ecgsigns"], "15 min")
        # A superadmin's officer link for the hospital: not the officers' to see or withdraw.
        admin = Chat(telegram, ADMIN_ID, "en", first_name="Root")
        [officer_link] = await admin.press_data(f"sa:o:{hospital}")
        officer_code = officer_link.params["text"].rsplit("start=", 1)[1]

        officer = Chat(telegram, 8701, "uk", first_name="Олена")
        viewer = Chat(telegram, 8702, "en", first_name="Vera")
        async with browser() as web, browser() as watcher:
            assert (await sign_in(web, await sign_in_link(officer)))[0] == 200
            assert (await sign_in(watcher, await sign_in_link(viewer)))[0] == 200
            roster = f"{base}/console/org/{hospital}"
            # The viewer sees totals, and is refused every officer's page and form.
            async with watcher.get(f"{roster}/overview") as seen:
                assert seen.status == 200
                assert "/exports" not in await seen.text()  # no links to what it can't do
            async with watcher.get(f"{roster}/member/8801") as seen:
                viewed = await seen.text()
            assert "Troponin timing" in viewed and "Serial at 0 and 3 h" not in viewed
            for path in ("exports", "export?from=2026-01-01&to=2026-12-31&format=csv",
                         "nudge", "invites", "audit"):
                async with watcher.get(f"{roster}/{path}") as refused:
                    assert refused.status == 403, path

            async with web.get(f"{roster}/roster") as page:
                text = await page.text()
            csrf = CSRF.search(text)
            assert csrf and 'lang="uk"' in text  # in the officer's language
            assert f"/console/org/{hospital}/exports" in text
            year = clock.now.year
            period = {"from": f"{year}-01-01", "to": f"{year}-12-31"}
            async with web.get(f"{roster}/export", params={**period, "format": "csv"}) as got:
                assert got.status == 200 and "attachment" in got.headers["Content-Disposition"]
                lines = (await got.read()).decode("utf-8-sig").splitlines()
            assert len(lines) == 3 and "Лікарня №7 / Кардіологія" in lines[1]
            anna = next(line for line in lines if "Troponin timing" in line)
            bohdan = next(line for line in lines if "Hyperkalaemia" in line)
            assert "Serial at 0 and 3 h" in anna
            assert "Peaked T" not in bohdan and "ecgsigns" not in bohdan  # tags are text too
            async with web.get(f"{roster}/member/8801") as seen:
                assert "Serial at 0 and 3 h" in await seen.text()
            async with web.get(f"{roster}/export", params={**period, "format": "xlsx"}) as got:
                assert (await got.read())[:2] == b"PK"
            async with web.get(f"{roster}/export", params={**period, "format": "report"}
                               ) as got:
                report = await got.read()
            text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report)).pages)
            assert "Лікарня №7" in text and "Anna" in text and "Bohdan" in text
            assert "Звіт про виконання вимог БПР" in text and "Учасників: 3" in text
            assert "Dmytro 0 під загрозою" in text
            async with web.get(f"{roster}/export", params={**period, "format": "order650"}
                               ) as got:
                archive = zipfile.ZipFile(io.BytesIO(await got.read()))
            assert sorted(archive.namelist()) == ["8801-Anna.pdf", "8802-Bohdan.pdf",
                                                  "8803-Dmytro.pdf"]
            async with web.get(f"{roster}/export", params={"from": "2026-13-01",
                                                          "to": "x", "format": "csv"}) as got:
                assert got.status == 400
            async with web.get(f"{base}/console/org/{elsewhere}/export",
                               params={**period, "format": "csv"}) as got:
                assert got.status == 404

            # A reminder to those behind in the ward: a form without the token sends nothing.
            async with web.get(f"{roster}/nudge", params={"part": ward,
                                                          "audience": "behind"}) as got:
                preview = await got.text()
            nudge_id = re.search(r'name="nudge" value="(\d+)"', preview)
            assert nudge_id and "Dmytro" in preview
            async with web.get(f"{roster}/nudge", params={"part": ward,
                                                          "audience": "behind"}) as got:
                again = await got.text()  # a reload reuses the unsent draft
            assert f'name="nudge" value="{nudge_id.group(1)}"' in again
            async with web.post(f"{roster}/nudge/send", data={"nudge": nudge_id.group(1)}
                                ) as got:
                assert got.status == 403
            async with watcher.post(f"{roster}/nudge/send", data={
                    "nudge": nudge_id.group(1), "csrf": csrf.group(1)}) as got:
                assert got.status == 403  # the viewer, even with a (foreign) token
            async with web.post(f"{roster}/nudge/send", data={
                    "nudge": nudge_id.group(1), "csrf": csrf.group(1)}) as got:
                assert got.status == 200
            await telegram.wait_until(lambda: any(
                "A reminder from the CPD office" in call.params["text"]
                for call in telegram.sent(8803)), 15, "the reminder at the fake server")
            assert not any("A reminder from" in call.params["text"]
                           for user_id in (8801, 8802) for call in telegram.sent(user_id))

            # Invite links: made, seen, withdrawn; a staff list comes back with links.
            async with web.post(f"{roster}/invites/new", data={"part": ward, "days": "7"}
                                ) as got:
                assert got.status == 403  # no token
            async with web.post(f"{roster}/invites/new", data={
                    "part": ward, "days": "7", "csrf": csrf.group(1)}) as got:
                invites = await got.text()
            assert invites.count("https://t.me/cpd_test_bot?start=") == 2
            assert officer_code not in invites
            invite_id = re.findall(r'name="invite" value="(\d+)"', invites)[0]
            async with web.post(f"{roster}/invites/withdraw", data={
                    "invite": invite_id, "csrf": csrf.group(1)}) as got:
                assert (await got.text()).count('name="invite"') == 1
            staff = aiohttp.FormData()
            staff.add_field("csrf", csrf.group(1))
            staff.add_field("file", "name,staff number,department\nIryna,K-7,Кардіологія\n"
                            .encode(), filename="staff.csv", content_type="text/csv")
            async with web.post(f"{roster}/invites/staff", data=staff) as got:
                back = (await got.read()).decode("utf-8-sig").splitlines()
            assert back[0].endswith(",link") and "start=" in back[1]

            async with web.get(f"{roster}/audit") as got:
                log = await got.text()
            for action in ("admin_export", "org_nudge", "member_view", "invite_create",
                           "invite_revoke", "console_roster"):
                assert action in log, action
            async with web.get(f"{roster}/audit", params={"action": "org_nudge"}) as got:
                assert (await got.text()).count("<td>org_nudge</td>") == 1
    finally:
        await bot.stop()
