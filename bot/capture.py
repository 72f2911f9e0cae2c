"""Store what a clinician sent as a learning moment, exactly once.

The moment is committed before anything is sent back, so a failure in the reply,
or a crash, never loses it. A redelivered update finds the same row and, if it was
already acknowledged, is not acknowledged again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from bot.i18n import pick_language
from bot.text import clean_text
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

    @property
    def too_large_to_download(self) -> bool:
        return (self.file_size or 0) > BOT_DOWNLOAD_LIMIT_BYTES


@dataclass(frozen=True)
class Capture:
    moment_id: int
    created: bool
    already_acknowledged: bool
    language: str


async def store_capture(db: Database, sender: Sender, moment: NewMoment) -> Capture:
    async with db.session.begin() as session:
        chosen = await users.upsert_user(
            session, sender.user_id, sender.first_name, sender.language_code
        )
        values = moment.row_values()
        moment_id = await moments.insert_moment(session, {"user_id": sender.user_id, **values})
        created = moment_id is not None
        acknowledged = False
        if not created:
            existing = await moments.find_by_source(session, moment.chat_id, moment.message_id)
            assert existing is not None  # the unique key just conflicted
            moment_id, acknowledged = existing.id, existing.ack_message_id is not None
    return Capture(
        moment_id=moment_id,
        created=created,
        already_acknowledged=acknowledged,
        language=pick_language(chosen, sender.language_code),
    )


async def remember_ack(db: Database, moment_id: int, ack_message_id: int) -> None:
    async with db.session.begin() as session:
        await moments.set_ack_message(session, moment_id, ack_message_id)


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
