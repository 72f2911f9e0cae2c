"""End to end: /privacy shows who sees what, downloads everything, and erases the account.

After an erasure every table is searched for the user's id and for the words they wrote:
nothing may be left, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import inspect, select, text

from storage.engine import Database
from storage.models import AuditEvent
from tests.e2e.test_credits_e2e import reflect
from tests.e2e.test_organisations_e2e import cpdbot, join_by, operator
from tests.support.chat import Chat
from tests.support.fake_telegram import FakeTelegram
from tests.support.running import RunningBot

WORDS = "Zanzibar-marker lesson about vasopressors"


async def everything_in(db: Database) -> dict[str, list[str]]:
    """Every row of every table, as text, by table."""
    async with db.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        found = {}
        for table in tables:
            rows = (await connection.execute(text(f'SELECT * FROM "{table}"'))).all()
            found[table] = [json.dumps([str(value) for value in row], ensure_ascii=False)
                            for row in rows]
        return found


async def test_privacy_shows_who_sees_and_erasure_leaves_nothing(
        bot: RunningBot, telegram: FakeTelegram, db: Database, tmp_path: Path) -> None:
    config_path = await operator(telegram, db, tmp_path)
    hospital = await cpdbot(config_path, "org", "create", "Erasure Hospital")
    link = await cpdbot(config_path, "org", "invite", hospital)
    chat = Chat(telegram, 8765432, "en", first_name="Erin")
    screen = await join_by(chat, link)
    await chat.press("Join", screen, expect=0)
    await chat.settle()
    [listing] = await chat.say("/organisations")
    await chat.press("Share reflections", listing, expect=0)
    await reflect(chat, WORDS, "Quick note", ["Titrate to MAP 65"], "30 min")
    await chat.say("/remind 07:45 mon-fri")
    await chat.settle()

    [privacy] = await chat.say("/privacy")
    assert "Erasure Hospital" in privacy.params["text"]
    assert "shared since" in privacy.params["text"]
    await chat.press("Download everything", privacy, expect=0)
    [download] = await telegram.wait_for_sent(chat.id, 1, method="sendDocument")
    data = json.loads(download.files["document"])
    assert WORDS in json.dumps(data, ensure_ascii=False)

    before = await everything_in(db)
    assert any("8765432" in row for rows in before.values() for row in rows)
    [question] = await chat.press("Erase my account", privacy)
    assert "reflections: 1" in question.params["text"]
    assert "organisation memberships: 1" in question.params["text"]
    # An old confirmation does nothing.
    await chat.press_data("pv:y:1", question, expect=0)
    assert chat.alert is not None and "too old" in chat.alert
    await chat.press("Yes, erase everything", question, expect=0)
    await telegram.wait_until(lambda: any(
        "erased" in call.params.get("text", "") for call in telegram.calls_to(
            "editMessageText")), what="the erasure's answer")

    after = await everything_in(db)
    for table, rows in after.items():
        for row in rows:
            assert "8765432" not in row, (table, row)
            assert "Zanzibar" not in row and "Titrate" not in row, (table, row)
    async with db.session() as session:
        erased = (await session.scalars(select(AuditEvent).where(
            AuditEvent.action == "account_erased"))).all()
    assert len(erased) == 1 and erased[0].user_id is None and erased[0].detail == {}
    assert after["organisations"] == before["organisations"]  # the hospital stays
