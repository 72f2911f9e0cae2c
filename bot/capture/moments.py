"""What a clinician does with a kept moment: keep for later, drop, undo, list the inbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.common.text import clean_text
from bot.privacy.guard import find_identifiers
from bot.privacy.guard import redact as redact_text
from storage import moments
from storage.engine import Database
from storage.models import LearningMoment, utcnow
from storage.vocabulary import MomentStatus

INBOX_PAGE_SIZE = 5


@dataclass(frozen=True)
class InboxPage:
    items: Sequence[LearningMoment]
    page: int
    pages: int
    total: int


async def owned_moment(db: Database, user_id: int, moment_id: int) -> LearningMoment | None:
    async with db.session() as session:
        return await moments.get_owned(session, moment_id, user_id)


async def keep_for_later(db: Database, user_id: int, moment_id: int) -> LearningMoment | None:
    return await _move(db, user_id, moment_id, (MomentStatus.NEW, MomentStatus.KEPT),
                       MomentStatus.KEPT)


async def drop(db: Database, user_id: int, moment_id: int) -> LearningMoment | None:
    return await _move(db, user_id, moment_id,
                       (MomentStatus.NEW, MomentStatus.KEPT, MomentStatus.DROPPED),
                       MomentStatus.DROPPED,
                       dropped_at=utcnow())


async def undo_drop(db: Database, user_id: int, moment_id: int) -> LearningMoment | None:
    return await _move(db, user_id, moment_id, (MomentStatus.DROPPED, MomentStatus.NEW),
                       MomentStatus.NEW, dropped_at=None)


async def _move(
    db: Database, user_id: int, moment_id: int, allowed: tuple[str, ...], to: str, **extra: object
) -> LearningMoment | None:
    """Conditional, owner-checked transition; None means 'not yours or not possible now'."""
    async with db.session.begin() as session:
        moved = await moments.transition(session, moment_id, user_id, allowed, to, **extra)
        if not moved:
            return None
        return await moments.get_owned(session, moment_id, user_id)


async def inbox_page(db: Database, user_id: int, page: int) -> InboxPage:
    async with db.session() as session:
        total = await moments.count_inbox(session, user_id)
        pages = max(1, -(-total // INBOX_PAGE_SIZE))
        page = min(max(page, 1), pages)
        items = await moments.list_inbox(
            session, user_id, INBOX_PAGE_SIZE, (page - 1) * INBOX_PAGE_SIZE
        )
    return InboxPage(items=items, page=page, pages=pages, total=total)


async def add_text(db: Database, user_id: int, moment_id: int, text: str,
                   transcript: bool = False) -> LearningMoment | None:
    """Add a transcript, or a line typed about a voice note, to the moment's text (after its
    caption, if it had one). A transcript is also kept apart, as heard."""
    async with db.session.begin() as session:
        moment = await moments.get_owned(session, moment_id, user_id)
        if moment is None:
            return None
        moment.text = "\n\n".join(part for part in (moment.text.strip(), clean_text(text)) if part)
        if transcript:
            moment.transcript = clean_text(text)
        moment.edited_at = utcnow()
        return moment


async def by_source(db: Database, chat_id: int, message_id: int) -> LearningMoment | None:
    async with db.session() as session:
        return await moments.find_by_source(session, chat_id, message_id)


async def redact(db: Database, user_id: int, moment_id: int) -> LearningMoment | None:
    """Replace what looks like patient identifiers in the note; None if nothing is left to."""
    async with db.session.begin() as session:
        moment = await moments.get_owned(session, moment_id, user_id)
        findings = find_identifiers(moment.text) if moment is not None else []
        if moment is None or not findings:
            return None
        moment.text = redact_text(moment.text, findings)
        moment.edited_at = utcnow()
        return moment
