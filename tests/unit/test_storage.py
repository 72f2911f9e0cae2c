"""Repositories and services on a real database (SQLite file, or PostgreSQL in CI)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.capture import moments
from bot.capture import store as capture
from bot.capture.store import NewMoment, Sender
from storage import journal
from storage.engine import Database, describe_backend
from storage.models import LearningMoment

SENT = datetime(2026, 11, 21, 22, 30, tzinfo=UTC)


def status(moment: LearningMoment | None) -> str | None:
    return moment.status if moment is not None else None


def note(message_id: int, text: str = "learned", chat_id: int = 1) -> NewMoment:
    return NewMoment(chat_id=chat_id, message_id=message_id, kind="text", sent_at=SENT,
                     text=text)


async def test_capture_is_unique_per_source_message(db: Database) -> None:
    sender = Sender(1, "Ana", "es")
    first = await capture.store_capture(db, sender, note(10))
    again = await capture.store_capture(db, sender, note(10, "redelivered"))
    assert first.created and not again.created
    assert again.moment_id == first.moment_id and not again.already_acknowledged
    assert first.moment_id is not None
    await capture.remember_ack(db, first.moment_id, 99)
    third = await capture.store_capture(db, sender, note(10))
    assert third.already_acknowledged and third.language == "es"
    stored = await moments.owned_moment(db, 1, first.moment_id)
    assert stored is not None and stored.text == "learned"


async def test_parallel_redeliveries_make_one_row(db: Database) -> None:
    sender = Sender(2, "Ivan", "ru")
    results = await asyncio.gather(*(capture.store_capture(db, sender, note(5, chat_id=2))
                                     for _ in range(8)))
    assert sum(result.created for result in results) == 1
    assert len({result.moment_id for result in results}) == 1


async def test_text_survives_the_round_trip(db: Database) -> None:
    text = "👩🏽‍⚕️ نقص بوتاسيوم — Гіпокаліємія " * 100 + "\x00end"
    stored = await capture.store_capture(db, Sender(3, None, None), note(1, text, chat_id=3))
    assert stored.moment_id is not None
    moment = await moments.owned_moment(db, 3, stored.moment_id)
    assert moment is not None
    assert moment.text == text.replace("\x00", "")
    assert moment.sent_at == SENT and moment.sent_at.tzinfo is not None


async def test_transitions_are_owner_checked_and_repeatable(db: Database) -> None:
    stored = await capture.store_capture(db, Sender(4, "O", "uk"), note(1, chat_id=4))
    assert stored.moment_id is not None
    assert await moments.drop(db, 5, stored.moment_id) is None  # someone else
    assert status(await moments.drop(db, 4, stored.moment_id)) == "dropped"
    assert status(await moments.drop(db, 4, stored.moment_id)) == "dropped"
    assert await moments.keep_for_later(db, 4, stored.moment_id) is None
    assert status(await moments.undo_drop(db, 4, stored.moment_id)) == "new"
    assert status(await moments.keep_for_later(db, 4, stored.moment_id)) == "kept"
    assert await moments.undo_drop(db, 5, stored.moment_id) is None


async def test_inbox_pages_clamp_and_hide_dropped(db: Database) -> None:
    sender = Sender(6, "P", "en")
    ids = [(await capture.store_capture(db, sender, NewMoment(
        chat_id=6, message_id=n, kind="text", sent_at=SENT + timedelta(minutes=n),
        text=f"m{n}"))).moment_id for n in range(1, 8)]
    last = ids[-1]
    assert last is not None
    await moments.drop(db, 6, last)
    page = await moments.inbox_page(db, 6, 1)
    assert (page.total, page.pages) == (6, 2)
    assert [m.text for m in page.items] == ["m6", "m5", "m4", "m3", "m2"]
    assert [m.text for m in (await moments.inbox_page(db, 6, 99)).items] == ["m1"]
    assert (await moments.inbox_page(db, 6, -3)).page == 1
    assert (await moments.inbox_page(db, 7, 1)).total == 0


async def test_journal_dedupes_claims_and_prunes(db: Database) -> None:
    rows = [(n, json.dumps({"update_id": n})) for n in (1, 2, 3)]
    assert await journal.record_batch(db, rows) == {1, 2, 3}
    assert await journal.record_batch(db, [*rows, (4, "{}")]) == {4}
    await journal.mark_processed(db, [1, 3])
    assert [row[0] for row in await journal.claim_unprocessed(db, 3)] == [2, 4]
    assert [row[0] for row in await journal.claim_unprocessed(db, 3)] == [2, 4]
    assert await journal.claim_unprocessed(db, 3) == []  # gave up after three attempts
    later = datetime.now(UTC) + timedelta(days=1)
    assert await journal.prune_processed(db, later) == 2


@pytest.mark.parametrize(("url", "shown"), [
    ("sqlite+aiosqlite:///data/cpdbot.sqlite3", "sqlite (data/cpdbot.sqlite3)"),
    ("postgresql+asyncpg://admin:s3cret@db.example:6432/cpd", "postgresql (db.example:6432/cpd)"),
])
def test_backend_description_hides_credentials(url: str, shown: str) -> None:
    assert describe_backend(url) == shown
