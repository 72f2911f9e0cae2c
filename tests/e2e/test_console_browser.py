"""The console in a real browser: Debian's chromium driven by Playwright, against the real
bot and its web server, signed in by the link the bot sent over the fake Telegram server.

An officer opens the link, filters the roster to those behind, opens one, downloads an export
and reads its rows, and sends a reminder that arrives at the fake server. Every page is
screenshotted into the test's folder, or into $CPDBOT_SCREENSHOTS when set (the README's
pictures come from there).
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from bot.config import Config
from storage.engine import Database
from tests.e2e.test_console_e2e import sign_in_link
from tests.e2e.test_credits_e2e import reflect
from tests.e2e.test_org_nudges_e2e import member
from tests.e2e.test_organisations_e2e import cpdbot, operator
from tests.support.chat import Chat
from tests.support.fake_telegram import FakeTelegram
from tests.support.running import Clock, RunningBot

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
async def chromium() -> AsyncIterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        raise RuntimeError("chromium is not installed: apt-get install -y chromium")
    async with async_playwright() as playwright:
        # --no-sandbox: CI runs as root, where chromium's sandbox cannot start.
        browser = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                   args=["--no-sandbox"])
        yield browser
        await browser.close()


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CPDBOT_SCREENSHOTS", tmp_path / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def snap(page: Page, folder: Path, name: str) -> None:
    await page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert (folder / f"{name}.png").stat().st_size > 5000


async def test_an_officer_works_through_the_console_in_chromium(
        config: Config, db: Database, telegram: FakeTelegram, tmp_path: Path,
        chromium: Browser) -> None:
    clock = Clock()  # ten days into the year, at noon: an even pace is 1.37 points by now
    clock.now = clock.now.replace(month=1, day=10, hour=12, minute=0)
    config.reminders.sweep_seconds = 1
    bot = await RunningBot(config, db, clock).start(telegram)
    folder = shots(tmp_path)
    try:
        config_path = await operator(telegram, db, tmp_path)
        hospital = await cpdbot(config_path, "org", "create", "Regional Hospital 9",
                                "--framework", "ua_moh", "--country", "UA")
        cardiology = await cpdbot(config_path, "org", "create", "Cardiology", "--parent",
                                  hospital)
        surgery = await cpdbot(config_path, "org", "create", "Surgery", "--parent", hospital)
        await cpdbot(config_path, "org", "grant", hospital, "8901", "officer")
        ahead = await member(telegram, 8911, "Anna Koval", await cpdbot(
            config_path, "org", "invite", cardiology))
        behind = await member(telegram, 8912, "Borys Melnyk", await cpdbot(
            config_path, "org", "invite", cardiology))
        await member(telegram, 8913, "Chen Li", await cpdbot(config_path, "org", "invite",
                                                             surgery))
        await reflect(ahead, "Echo in septic shock", "Quick note", ["Check the IVC"], "2 h")
        await reflect(behind, "ECG in hyperkalaemia", "Quick note", ["Peaked T waves"], "1 h")

        link = await sign_in_link(Chat(telegram, 8901, "en", first_name="Olha"))
        page = await chromium.new_page(accept_downloads=True, locale="en-GB")
        await page.goto(link)
        await snap(page, folder, "sign-in")
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url("**/overview")
        assert "Regional Hospital 9" in await page.locator("h1").inner_text()
        assert await page.get_by_role("img").count() == 1
        await snap(page, folder, "overview")

        await page.get_by_role("link", name="Roster").click()
        await page.get_by_label("Status").select_option("behind")
        await page.get_by_role("button", name="Show").click()
        await page.wait_for_url("**status=behind**")
        rows = page.locator("tbody tr")
        assert await rows.count() == 1
        assert "Borys Melnyk" in await rows.first.inner_text()
        assert "behind" in await rows.first.locator(".status").inner_text()
        await snap(page, folder, "roster")
        await page.set_viewport_size({"width": 390, "height": 844})  # a phone
        assert await page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways"
        await snap(page, folder, "roster-phone")
        await page.set_viewport_size({"width": 1280, "height": 720})

        await page.get_by_role("link", name="Borys Melnyk").click()
        await page.wait_for_url("**/member/8912")
        assert "ECG in hyperkalaemia" in await page.locator("main").inner_text()
        await snap(page, folder, "member")

        await page.get_by_role("link", name="Exports").click()
        year = clock.now.year
        await page.get_by_label("From", exact=True).fill(f"{year}-01-01")
        await page.get_by_label("To", exact=True).fill(f"{year}-12-31")
        await page.get_by_label("CSV").check()
        await snap(page, folder, "exports")
        async with page.expect_download() as info:
            await page.get_by_role("button", name="Download").click()
        download = await info.value
        saved = await download.path()
        data = (await asyncio.to_thread(saved.read_bytes)).decode("utf-8-sig")
        records = list(csv.DictReader(io.StringIO(data)))
        assert sorted(row["title"] for row in records) == ["ECG in hyperkalaemia",
                                                           "Echo in septic shock"]
        assert {row["staff_number"] for row in records} == {""}

        await page.get_by_role("link", name="Remind").click()
        await page.get_by_label("Part of the organisation").select_option(cardiology)
        await page.get_by_label("behind or at risk").check()
        await page.get_by_role("button", name="Preview").click()
        await page.wait_for_url("**audience=behind**")
        assert "1 person will get this reminder." in await page.locator("main").inner_text()
        await snap(page, folder, "nudge")
        await page.get_by_role("button", name="Send to 1").click()
        await telegram.wait_until(lambda: any(
            "A reminder from the CPD office" in call.params["text"]
            for call in telegram.sent(8912)), 15, "Borys's reminder at the fake server")
        assert not any("A reminder from" in call.params["text"]
                       for user_id in (8911, 8913) for call in telegram.sent(user_id))

        await page.get_by_role("link", name="Audit").click()
        assert "org_nudge" in await page.locator("tbody").inner_text()
        await snap(page, folder, "audit")

        # The keyboard reaches the navigation and the forms, in order.
        await page.get_by_role("link", name="Roster").focus()
        await page.keyboard.press("Enter")
        await page.wait_for_url("**/roster")
        await page.get_by_role("button", name="Sign out").click()
        await page.goto(f"http://127.0.0.1:{config.web.port}/console/org/{hospital}/roster")
        assert "Send /console to the bot" in await page.locator("main").inner_text()
    finally:
        await bot.stop()
