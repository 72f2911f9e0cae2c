"""The log of saved reflections: paging, keyword and tag search, delete with a 30-day undo."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.common.text import clean_text
from bot.cpd import records as credit_records
from bot.library.loader import Library
from bot.reflection.flow import none_if_lost_race
from storage import reflections
from storage.engine import Database
from storage.models import Reflection, utcnow
from storage.vocabulary import ReflectionStatus

LOG_PAGE_SIZE = 5
UNDO_WINDOW = timedelta(days=30)
MAX_SEARCH_WORDS = 6


@dataclass(frozen=True)
class Search:
    """`/log sepsis #aki`: every word must appear in the text, every #tag among the tags."""

    words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Search:
        terms = clean_text(text).lower().split()[:MAX_SEARCH_WORDS]
        words = tuple(term for term in terms if not term.startswith("#"))
        tags = tuple(term.lstrip("#") for term in terms if term.lstrip("#") and term[0] == "#")
        return cls(words, tags)

    @property
    def text(self) -> str:
        return " ".join([*self.words, *(f"#{tag}" for tag in self.tags)])


@dataclass(frozen=True)
class LogPage:
    items: Sequence[Reflection]
    page: int
    pages: int
    total: int
    search: Search
    deleted: int  # entries that can still be restored


async def log_page(db: Database, user_id: int, page: int, search: Search) -> LogPage:
    since = utcnow() - UNDO_WINDOW
    async with db.session.begin() as session:
        await reflections.purge_deleted(session, user_id, since)
        total = await reflections.count_log(session, user_id, search.words, search.tags)
        pages = max(1, -(-total // LOG_PAGE_SIZE))
        page = min(max(page, 1), pages)
        items = await reflections.search_log(session, user_id, search.words, search.tags,
                                             LOG_PAGE_SIZE, (page - 1) * LOG_PAGE_SIZE)
        deleted = await reflections.count_deleted_since(session, user_id, since)
    return LogPage(items, page, pages, total, search, deleted)


async def recently_deleted(db: Database, user_id: int, limit: int = 10) -> list[Reflection]:
    async with db.session() as session:
        return list(await reflections.deleted_since(session, user_id, utcnow() - UNDO_WINDOW,
                                                    limit))


@none_if_lost_race
async def delete(db: Database, library: Library, user_id: int,
                 reflection_id: int) -> Reflection | None:
    """Delete an entry: its CPD record stops counting until it is restored."""
    async with db.session.begin() as session:
        reflection = await reflections.get_owned(session, reflection_id, user_id)
        if reflection is None or reflection.status != ReflectionStatus.SAVED:
            return None
        reflection.status = ReflectionStatus.DELETED
        reflection.deleted_at = utcnow()
        await credit_records.sync_reflection(session, library, reflection, f"user:{user_id}")
        return reflection


@none_if_lost_race
async def restore(db: Database, library: Library, user_id: int,
                  reflection_id: int) -> Reflection | None:
    """Undo a delete, within 30 days."""
    async with db.session.begin() as session:
        reflection = await reflections.get_owned(session, reflection_id, user_id)
        if (reflection is None or reflection.status != ReflectionStatus.DELETED
                or reflection.deleted_at is None
                or reflection.deleted_at < utcnow() - UNDO_WINDOW):
            return None
        reflection.status = ReflectionStatus.SAVED
        reflection.deleted_at = None
        await credit_records.sync_reflection(session, library, reflection, f"user:{user_id}")
        return reflection
