"""End to end: an officer reminds the members of one department who are behind, through /org;
superadmins make a top-level organisation and hand its first officer a link, in the chat.

The organisations come from the real `cpdbot org …` process; everyone else speaks the Bot API
through the fake server, and the nudges go out through the real reminder sweep, on a clock
the test moves.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.config import Config
from storage.engine import Database
from storage.models import AuditEvent, Membership, NudgeDelivery, User
from tests.e2e.test_credits_e2e import reflect
from tests.e2e.test_organisations_e2e import cpdbot, join_by, operator
from tests.support.chat import Chat
from tests.support.fake_telegram import ApiCall, FakeTelegram, buttons
from tests.support.running import Clock, RunningBot

NUDGE_TEXT = "A reminder from the CPD office of"


def screen(telegram: FakeTelegram, call: ApiCall) -> dict[str, Any]:
    """The message as it reads now, after the bot's edits."""
    return telegram.messages[(int(call.params["chat_id"]), call.result["message_id"])]


async def press_data_on(chat: Chat, data: str, call: ApiCall) -> dict[str, Any]:
    """Press a button on the message and wait for the bot's edit of it (the press is
    answered first, the message edited after); the message afterwards."""
    before = dict(screen(chat.telegram, call))
    await chat.press_data(data, call, expect=0)
    await chat.telegram.wait_until(lambda: screen(chat.telegram, call) != before,
                                   what=f"the edit after {data!r}")
    return screen(chat.telegram, call)


async def press_on(chat: Chat, label: str, call: ApiCall) -> dict[str, Any]:
    """Press a button of the message as it reads now; the message afterwards."""
    found = [data for text, data in buttons(screen(chat.telegram, call)) if label in text]
    assert found, (label, [text for text, _ in buttons(screen(chat.telegram, call))])
    return await press_data_on(chat, found[0], call)


def nudges_to(telegram: FakeTelegram, user_id: int) -> list[ApiCall]:
    return [call for call in telegram.sent(user_id) if NUDGE_TEXT in call.params["text"]]


async def member(telegram: FakeTelegram, user_id: int, name: str, link: str) -> Chat:
    chat = Chat(telegram, user_id, "en", first_name=name)
    await chat.press("Join", await join_by(chat, link), expect=0)
    await chat.settle()
    return chat


async def test_a_nudge_reaches_only_those_behind_in_the_department_once(
        config: Config, db: Database, telegram: FakeTelegram, tmp_path: Path) -> None:
    clock = Clock()
    clock.now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    config.reminders.sweep_seconds = 1
    bot = await RunningBot(config, db, clock).start(telegram)
    try:
        config_path = await operator(telegram, db, tmp_path)
        hospital = await cpdbot(config_path, "org", "create", "City Hospital 3")
        cardiology = await cpdbot(config_path, "org", "create", "Cardiology", "--parent",
                                  hospital)
        surgery = await cpdbot(config_path, "org", "create", "Surgery", "--parent", hospital)
        elsewhere = await cpdbot(config_path, "org", "create", "City Hospital 4")
        await cpdbot(config_path, "org", "grant", hospital, "8101", "officer")
        await cpdbot(config_path, "org", "grant", elsewhere, "8102", "officer")
        in_cardiology = await cpdbot(config_path, "org", "invite", cardiology)
        in_surgery = await cpdbot(config_path, "org", "invite", surgery)

        behind = await member(telegram, 8201, "Anna", in_cardiology)  # nothing yet: at risk
        on_track = await member(telegram, 8202, "Boris", in_cardiology)
        await reflect(on_track, "Troponin timing", "Quick note", ["Serial at 0 and 3 h"],
                      "30 min")
        opted_out = await member(telegram, 8203, "Chen", in_cardiology)
        [listing] = await opted_out.say("/organisations")
        assert "Reminders from your CPD offices: on." in listing.params["text"]
        await opted_out.press("turn off", listing, expect=0)
        sleeping = await member(telegram, 8204, "Dana", in_cardiology)
        await sleeping.say("/remind")
        await sleeping.press_data("rm:qt", expect=1)
        await sleeping.say("11:00-14:00")  # quiet hours around the test's noon, in UTC
        await member(telegram, 8205, "Emil", in_surgery)  # behind, but in another department

        officer = Chat(telegram, 8101, "en", first_name="Olha")
        [org] = await officer.say("/org")
        assert "Members: 5." in org.params["text"]  # the officer is staff, not a member
        parts = await press_on(officer, "Remind members of City Hospital 3", org)
        assert [text.strip() for text, _ in buttons(parts)][:3] == [
            "City Hospital 3", "Cardiology", "Surgery"]
        who = await press_on(officer, "Cardiology", org)
        assert "Behind or at risk (3)" in [text for text, _ in buttons(who)]
        preview = await press_on(officer, "Behind or at risk", org)
        text = preview["text"]
        assert "2 people will get this reminder" in text
        assert "1 more turned messages from organisations off" in text
        assert NUDGE_TEXT + " City Hospital 3 / Cardiology." in text
        assert "This year you have 0 hours on record." in text
        send = next(data for label, data in buttons(preview) if "Send to 2" in label)

        # A forged press by another hospital's officer, and a stranger's, send nothing.
        other = Chat(telegram, 8102, "en")
        await other.press_data(send, expect=0)
        assert other.alert == "This button has expired."
        await other.press_data(f"on:d:{cardiology}:everyone", expect=0)
        assert other.alert == "This button has expired."
        await behind.press_data(f"on:p:{hospital}", expect=0)
        assert behind.alert == "This button has expired."

        assert "Sending to 2 people" in (await press_data_on(officer, send, org))["text"]
        again = await press_data_on(officer, send, org)  # a second press: once is once
        assert "sent already" in again["text"]

        await telegram.wait_until(lambda: nudges_to(telegram, 8201), 15, "Anna's reminder")
        [copy] = nudges_to(telegram, 8201)
        assert "This year you have 0 hours on record." in copy.params["text"]
        assert [label for label, _ in buttons(copy)] == [
            "🔕 No more messages from organisations"]
        await asyncio.sleep(2.5)  # two more sweeps: nothing else goes to anyone
        assert len(nudges_to(telegram, 8201)) == 1
        for user_id in (8202, 8203, 8204, 8205, 8101, 8102):
            assert nudges_to(telegram, user_id) == [], user_id

        clock.advance(timedelta(hours=2, minutes=5))  # Dana's quiet hours end
        await telegram.wait_until(lambda: nudges_to(telegram, 8204), 15, "Dana's reminder")
        await asyncio.sleep(1.5)
        assert len(nudges_to(telegram, 8204)) == 1 and len(nudges_to(telegram, 8201)) == 1

        # Anna turns them off from the reminder itself.
        await behind.press("No more messages", copy, expect=0)
        assert "off" in (behind.alert or "")
        async with db.session() as session:
            anna = await session.get(User, 8201)
            assert anna is not None and not anna.org_messages
            copies = (await session.scalars(select(NudgeDelivery))).all()
            events = (await session.scalars(select(AuditEvent).where(
                AuditEvent.action.in_(("org_nudge", "member_view"))))).all()
        assert sorted((row.user_id, row.outcome) for row in copies) == [
            (8201, "sent"), (8204, "sent")]
        [sent_event] = [event for event in events if event.action == "org_nudge"]
        assert sent_event.actor == "user:8101" and sent_event.detail["recipients"] == 2
        assert sent_event.detail["organisation"] == int(cardiology)

        # The officer sees it among the past nudges.
        [org] = await officer.say("/org")
        who = await press_on(officer, "Remind members", org)
        who = await press_on(officer, "Cardiology", org)
        assert "behind or at risk, 2 of 2 delivered" in who["text"]
    finally:
        await bot.stop()


async def test_a_superadmin_creates_a_ministry_and_names_its_first_officer(
        config: Config, db: Database, telegram: FakeTelegram) -> None:
    config.admin.telegram_ids = [8301]
    bot = await RunningBot(config, db).start(telegram)
    try:
        nobody = Chat(telegram, 8302, "en")
        [refused] = await nobody.say("/org")
        assert "for the CPD officers" in refused.params["text"]
        await nobody.press_data("sa:n:0", expect=0)
        assert nobody.alert == "This button has expired."

        admin = Chat(telegram, 8301, "en", first_name="Root")
        [org] = await admin.say("/org")
        assert "Superadmin: top-level organisations" in org.params["text"]
        [ask] = await admin.press("New top-level organisation", org)
        assert "name" in ask.params["text"]
        [created, *_rest] = await admin.say("Міністерство охорони здоров'я України",
                                            expect=1)
        assert "Created Міністерство охорони здоров'я України" in created.params["text"]
        [link_message] = await admin.press("Officer link", created)
        link = link_message.params["text"].rsplit("\n", 1)[1]
        assert link.startswith("https://t.me/cpd_test_bot?start=")

        officer = Chat(telegram, 8303, "uk", first_name="Олена")
        code = link.rsplit("start=", 1)[1]
        join = await join_by(officer, link)
        assert "Міністерство" in join.params["text"]
        await officer.press("✅", join, expect=0)
        await officer.settle()
        async with db.session() as session:
            [membership] = (await session.scalars(select(Membership).where(
                Membership.user_id == 8303))).all()
        assert (membership.role, membership.status) == ("officer", "active")
        someone = Chat(telegram, 8304, "en")  # the link worked once
        await someone.say(f"/start {code}", expect=3)
        assert "used already" in " ".join(call.params["text"] for call in telegram.sent(8304))
        async with db.session() as session:
            actions = [(event.actor, event.action) for event in (await session.scalars(
                select(AuditEvent).order_by(AuditEvent.id))).all()]
        assert ("admin:8301", "org_create") in actions
        assert ("admin:8301", "invite_create") in actions
        assert ("user:8303", "org_join") in actions
    finally:
        await bot.stop()


async def test_a_viewer_sees_totals_and_can_neither_export_nor_remind(
        bot: RunningBot, telegram: FakeTelegram, db: Database, tmp_path: Path) -> None:
    config_path = await operator(telegram, db, tmp_path)
    hospital = await cpdbot(config_path, "org", "create", "District Hospital")
    await cpdbot(config_path, "org", "grant", hospital, "8401", "viewer")
    link = await cpdbot(config_path, "org", "invite", hospital)
    await member(telegram, 8402, "Ivan", link)

    viewer = Chat(telegram, 8401, "en", first_name="Vera")
    [org] = await viewer.say("/org")
    assert "District Hospital (viewer)" in org.params["text"]
    assert "Members: 1." in org.params["text"] and "at risk 1" in org.params["text"]
    assert buttons(org) == []  # no links, no staff list, no reminders
    [refused] = await viewer.say("/admin_export")
    assert "CPD officers" in refused.params["text"]
    for forged in (f"on:p:{hospital}", f"on:w:{hospital}", f"on:d:{hospital}:everyone",
                   f"og:i:{hospital}", f"og:b:{hospital}"):
        await viewer.press_data(forged, expect=0)
        assert viewer.alert == "This button has expired.", forged
    async with db.session() as session:
        assert (await session.scalars(select(NudgeDelivery))).all() == []
