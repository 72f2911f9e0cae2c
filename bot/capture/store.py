"""Store what a clinician sent as a learning moment, exactly once.

The moment is committed before anything is sent back, so a failure in the reply,
or a crash, never loses it. A redelivered update finds the same row and, if it was
already acknowledged, is not acknowledged again. Concurrent captures share one
transaction (bot/common/batching.py), which is what lets SQLite keep up with a burst.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import partial
from typing import Any
from weakref import WeakKeyDictionary

from bot.common.batching import GroupCommit
from bot.common.i18n import pick_language
from bot.common.text import clean_text
from storage import moments, users
from storage.engine import Database
from storage.models import LearningMoment

# Telegram's Bot API refuses to hand bots files larger than this through getFile.
BOT_DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Sender:
    user_id: int
    first_name: str | None
    language_code: str | None


@dataclass(frozen=True)
class NewMoment:
    chat_id: int
    message_id: int
    kind: str
    sent_at: datetime
    text: str = ""
    urls: list[str] = field(default_factory=list)
    forward_origin: dict[str, Any] | None = None
    file_id: str | None = None
    file_unique_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None
    duration_seconds: int | None = None

    def row_values(self) -> dict[str, Any]:
        values = asdict(self)
        values["text"] = clean_text(self.text)
        values["urls"] = [clean_text(url) for url in self.urls]
        values["file_name"] = clean_text(self.file_name) or None
        return values


@dataclass(frozen=True)
class Capture:
    moment_id: int | None  # None: not stored, because it answers a question (see below)
    created: bool
    already_acknowledged: bool
    language: str


async def store_capture(
    db: Database, sender: Sender, moment: NewMoment, may_answer: bool = False
) -> Capture:
    """Store the moment. With `may_answer` (a text message), store nothing if the sender is
    in the middle of a reflection question: the message is their answer. Asking in the same
    transaction as the capture keeps the answer check free."""
    return await _writers(db).captures.submit((sender, moment, may_answer))


async def remember_ack(db: Database, moment_id: int, ack_message_id: int) -> None:
    await _writers(db).acks.submit((moment_id, ack_message_id))


async def _store_batch(
    db: Database, items: Sequence[tuple[Sender, NewMoment, bool]]
) -> list[Capture]:
    people = {sender.user_id: (sender.user_id, sender.first_name, sender.language_code)
              for sender, _, _ in items}
    async with db.session.begin() as session:
        known = await users.upsert_users(session, list(people.values()))
        answers = {(moment.chat_id, moment.message_id) for sender, moment, may_answer in items
                   if may_answer and known[sender.user_id].expecting_input}
        kept = [(sender, moment) for sender, moment, _ in items
                if (moment.chat_id, moment.message_id) not in answers]
        created = await moments.insert_moments(
            session, [{"user_id": sender.user_id, **moment.row_values()}
                      for sender, moment in kept]) if kept else {}
        seen_before = {(moment.chat_id, moment.message_id) for _, moment in kept} - created.keys()
        earlier = await moments.find_by_sources(session, seen_before) if seen_before else {}
    results, reported_new = [], set()
    for sender, moment, _ in items:
        key = (moment.chat_id, moment.message_id)
        language = pick_language(known[sender.user_id].language, sender.language_code)
        if key in answers:
            results.append(Capture(None, False, False, language))
        elif key in created:
            first = key not in reported_new
            reported_new.add(key)
            results.append(Capture(created[key], first, False, language))
        else:
            moment_id, ack_message_id = earlier[key]
            results.append(Capture(moment_id, False, ack_message_id is not None, language))
    return results


async def _store_acks(db: Database, acks: Sequence[tuple[int, int]]) -> list[None]:
    async with db.session.begin() as session:
        await moments.set_ack_messages(session, acks)
    return [None] * len(acks)


@dataclass(frozen=True)
class _Writers:
    """Captures and acknowledgements are group-committed: one transaction per burst."""

    captures: GroupCommit[tuple[Sender, NewMoment, bool], Capture]
    acks: GroupCommit[tuple[int, int], None]


_WRITERS: WeakKeyDictionary[Database, _Writers] = WeakKeyDictionary()


def _writers(db: Database) -> _Writers:
    if db not in _WRITERS:
        _WRITERS[db] = _Writers(GroupCommit(partial(_store_batch, db)),
                                GroupCommit(partial(_store_acks, db)))
    return _WRITERS[db]


async def apply_edit(db: Database, moment: NewMoment) -> LearningMoment | None:
    """Update the moment an edited message belongs to; None if it was never captured."""
    values = moment.row_values()
    content = {key: values[key] for key in ("text", "urls", "kind")}
    async with db.session.begin() as session:
        moment_id = await moments.update_content(
            session, moment.chat_id, moment.message_id, content
        )
        if moment_id is None:
            return None
        return await moments.find_by_source(session, moment.chat_id, moment.message_id)
