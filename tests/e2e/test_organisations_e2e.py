"""End to end: organisations built from the command line, joined by invite links in the chat,
and exported by their officers, each seeing their own subtree only.

The operator's steps run the real `cpdbot org …` process; the clinicians and officers speak
the Bot API through the fake server, as any client would. Nothing is put into the database
by hand.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from storage.engine import Database
from storage.models import AuditEvent, Membership
from tests.e2e.test_credits_e2e import reflect
from tests.support.chat import Chat
from tests.support.fake_telegram import ApiCall, FakeTelegram, buttons
from tests.support.processes import start_cpdbot, write_config
from tests.support.running import RunningBot


async def cpdbot(config_path: Path, *args: str) -> str:
    """Run `cpdbot …` and return its last line of output (an id, a link)."""
    process = await start_cpdbot(config_path, *args)
    stdout, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    return stdout.decode().strip().splitlines()[-1]


async def operator(telegram: FakeTelegram, db: Database, tmp_path: Path) -> Path:
    return write_config(tmp_path / "config.toml", telegram, db.url)


def rows_of(document: ApiCall) -> list[dict[str, Any]]:
    values = list(load_workbook(io.BytesIO(document.files["document"]),
                                read_only=True).worksheets[0].values)
    return [dict(zip(values[0], row, strict=False)) for row in values[1:]]


async def export_as(officer: Chat, telegram: FakeTelegram, choose: str | None = None
                    ) -> list[dict[str, Any]]:
    before = len(telegram.sent(officer.id, "sendDocument"))
    [ask] = await officer.say("/admin_export")
    if choose is not None:
        [ask] = await officer.press(choose, ask)
    [formats] = await officer.press("Last 12 months", ask)
    await officer.press("Excel", formats, expect=0)
    documents = await telegram.wait_for_sent(officer.id, before + 1, method="sendDocument")
    return rows_of(documents[-1])


async def join_by(chat: Chat, link: str) -> ApiCall:
    """Open an invite link: the join screen (its Join button, in any language)."""
    code = link.rsplit("start=", 1)[1]
    replies = await chat.say(f"/start {code}", expect=3)  # the join screen, then onboarding
    [screen] = [reply for reply in replies
                if any(data.startswith("og:j:") for _label, data in buttons(reply))]
    return screen


async def test_an_officer_exports_exactly_their_members_with_text_only_where_shared(
        bot: RunningBot, telegram: FakeTelegram, db: Database, tmp_path: Path) -> None:
    config_path = await operator(telegram, db, tmp_path)
    ministry = await cpdbot(config_path, "org", "create", "Ministry of Health", "--country",
                            "UA")
    hospital = await cpdbot(config_path, "org", "create", "City Hospital 1", "--parent",
                            ministry)
    other = await cpdbot(config_path, "org", "create", "City Hospital 2", "--parent", ministry)
    for organisation, officer_id in ((hospital, 7601), (other, 7602), (ministry, 7603)):
        await cpdbot(config_path, "org", "grant", organisation, str(officer_id), "officer")
    link = await cpdbot(config_path, "org", "invite", hospital)
    assert link.startswith("https://t.me/cpd_test_bot?start=")
    code = link.rsplit("=", 1)[1]
    assert len(code) >= 16 and code != hospital  # a random code, not the id

    clinicians = [Chat(telegram, user_id, "en", first_name=name)
                  for user_id, name in ((7701, "Anna"), (7702, "Boris"), (7703, "Chen"))]
    for chat in clinicians:
        screen = await join_by(chat, link)
        assert "City Hospital 1" in screen.params["text"]
        assert "will not see what you wrote" in screen.params["text"]
        await chat.press("Join", screen, expect=0)
        await chat.settle()
    [listing] = await clinicians[2].say("/organisations")
    assert "not shared" in listing.params["text"]
    await clinicians[2].press("Share reflections", listing, expect=0)
    for number, chat in enumerate(clinicians):
        await reflect(chat, f"Learning {number} about sepsis", "Quick note",
                      [f"Private thought number {number}"], "30 min")
    outsider = Chat(telegram, 7704, "en", first_name="Dora")  # in no organisation
    await reflect(outsider, "Not a member", "Quick note", ["Nobody's business"], "20 min")

    hospital_officer = Chat(telegram, 7601, "en", first_name="Olha")
    rows = await export_as(hospital_officer, telegram)
    assert sorted(row["user_id"] for row in rows) == [7701, 7702, 7703]
    assert {row["organisation"] for row in rows} == {"Ministry of Health / City Hospital 1"}
    texts = {row["user_id"]: row["reflection"] for row in rows}
    assert "Private thought number 2" in texts[7703]
    assert texts[7701] is None and texts[7702] is None

    other_officer = Chat(telegram, 7602, "en", first_name="Petro")
    assert await export_as(other_officer, telegram) == []
    # Editing the organisation's id into the button gets nothing.
    await other_officer.press_data(f"ax:{hospital}:f:20200101-20301231:xlsx", expect=0)
    assert other_officer.alert == "This button has expired."
    await other_officer.press_data(f"ax:{hospital}:o", expect=0)
    assert other_officer.alert == "This button has expired."
    assert len(telegram.sent(7602, "sendDocument")) == 1

    ministry_officer = Chat(telegram, 7603, "en", first_name="Maria")
    assert len(await export_as(ministry_officer, telegram)) == 3  # the whole tree

    # Sharing switched off: the text is gone from the next export at once.
    [listing] = await clinicians[2].say("/organisations")
    await clinicians[2].press("Stop sharing", listing, expect=0)
    await clinicians[2].settle()
    assert all(row["reflection"] is None for row in await export_as(hospital_officer,
                                                                   telegram))
    # Leaving: the organisation no longer sees the member; their own log stays theirs.
    [listing] = await clinicians[0].say("/organisations")
    await clinicians[0].press("Leave", listing, expect=0)
    await clinicians[0].settle()
    assert sorted(row["user_id"] for row in await export_as(hospital_officer, telegram)) == [
        7702, 7703]
    [log] = await clinicians[0].say("/log")
    assert "1 reflection" in log.params["text"]

    # A clinician is refused /admin_export; the CLI's --org is the subtree too.
    [refused] = await clinicians[1].say("/admin_export")
    assert "CPD officers" in refused.params["text"]
    process = await start_cpdbot(config_path, "export", "--org", other, "--from",
                                 "2020-01-01", "--to", "2030-12-31", "--format", "csv",
                                 "--output", "-")
    stdout, _stderr = await process.communicate()
    assert process.returncode == 0 and stdout.decode("utf-8-sig").count("\n") == 1
    process = await start_cpdbot(config_path, "export", "--org", "999999", "--from",
                                 "2020-01-01", "--to", "2030-12-31", "--format", "csv",
                                 "--output", "-")
    _stdout, stderr = await process.communicate()
    assert process.returncode == 2 and b"no organisation 999999" in stderr

    async with db.session() as session:
        actions = [event.action for event in (await session.scalars(
            select(AuditEvent).order_by(AuditEvent.id))).all()]
    for action, count in (("org_create", 3), ("org_grant", 3), ("invite_create", 1),
                          ("org_join", 3), ("org_share", 1), ("org_unshare", 1),
                          ("org_leave", 1), ("admin_export", 5), ("export", 1)):
        assert actions.count(action) == count, (action, actions)


async def test_joining_can_wait_for_an_officers_approval(
        bot: RunningBot, telegram: FakeTelegram, db: Database, tmp_path: Path) -> None:
    config_path = await operator(telegram, db, tmp_path)
    clinic = await cpdbot(config_path, "org", "create", "Rural Clinic", "--approval")
    await cpdbot(config_path, "org", "grant", clinic, "7801", "officer")
    link = await cpdbot(config_path, "org", "invite", clinic, "--uses", "5")
    nurse = Chat(telegram, 7802, "uk", first_name="Ірина")
    screen = await join_by(nurse, link)
    assert "Rural Clinic" in screen.params["text"]
    await nurse.press("✅", screen, expect=0)
    await nurse.settle()
    async with db.session() as session:
        [membership] = (await session.scalars(select(Membership).where(
            Membership.user_id == 7802))).all()
    assert membership.status == "pending"
    assert await export_as(Chat(telegram, 7801, "en"), telegram) == []  # not yet a member

    officer = Chat(telegram, 7801, "en", first_name="Oksana")
    [org] = await officer.say("/org")
    assert "Waiting for approval: 1" in org.params["text"]
    assert "Invite link: https://t.me/cpd_test_bot?start=" in org.params["text"]
    stranger = Chat(telegram, 7803, "en")
    await stranger.press_data(officer.button("Approve", org), org, expect=0)
    assert stranger.alert == "This button has expired."
    before = len(telegram.sent(7802))
    await officer.press("Approve", org, expect=0)
    told = await telegram.wait_for_sent(7802, before + 1)
    assert "Rural Clinic" in told[-1].params["text"]
    async with db.session() as session:
        refreshed = await session.get(Membership, membership.id)
    assert refreshed is not None and refreshed.status == "active"


async def test_a_staff_list_comes_back_with_a_personal_link_per_person(
        bot: RunningBot, telegram: FakeTelegram, db: Database, tmp_path: Path) -> None:
    config_path = await operator(telegram, db, tmp_path)
    hospital = await cpdbot(config_path, "org", "create", "Regional Hospital", "--approval")
    await cpdbot(config_path, "org", "grant", hospital, "7901", "officer")
    officer = Chat(telegram, 7901, "en", first_name="Olena")
    [org] = await officer.say("/org")
    [ask] = await officer.press("Staff list", org)
    assert "staff number" in ask.params["text"]
    staff = ("ФИО;Табельный номер;Отделение\n"
             "Ковальчук Анна;A-101;Кардиология\n"
             "=HYPERLINK(\"http://evil\");A-102;Хирургия\n"
             "Без номера;;Хирургия\n").encode()
    telegram.add_file("staff1", staff)
    await officer.send(document={"file_id": "staff1", "file_unique_id": "ustaff1",
                                 "file_name": "staff.csv", "mime_type": "text/csv",
                                 "file_size": len(staff)}, expect=0)
    [back] = await telegram.wait_for_sent(7901, 1, method="sendDocument")
    assert "2 personal links" in back.params["caption"]
    lines = back.files["document"].decode("utf-8-sig").splitlines()
    assert lines[0].endswith(",link")
    assert lines[2].startswith('"\'=HYPERLINK')  # formula-safe when opened in Excel
    anna_link = lines[1].rsplit(",", 1)[1]
    assert anna_link.startswith("https://t.me/cpd_test_bot?start=") and lines[3].endswith(",")

    anna = Chat(telegram, 7902, "en", first_name="Anna")
    screen = await join_by(anna, anna_link)
    assert "approves" not in screen.params["text"]  # a personal link needs no approval
    await anna.press("Join", screen, expect=0)
    await anna.settle()
    async with db.session() as session:
        [membership] = (await session.scalars(select(Membership).where(
            Membership.user_id == 7902))).all()
    assert (membership.status, membership.staff_number, membership.department) == (
        "active", "A-101", "Кардиология")
    someone = Chat(telegram, 7903, "en")
    await someone.say(f"/start {anna_link.rsplit('=', 1)[1]}", expect=3)
    assert "used already" in " ".join(call.params["text"] for call in telegram.sent(7903))
