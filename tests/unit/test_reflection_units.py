"""Pure pieces of reflection: message splitting, guesses, button payloads, search terms."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.common.text import split_message, utf16_length
from bot.library.classify import (
    hashtags,
    parse_tags,
    suggest_activity,
    suggest_template,
    topic_tags,
)
from bot.library.loader import load_library
from bot.reflection.log import Search
from handlers.callback_data import (
    ReflectionAction,
    log_button,
    parse_log_button,
    parse_reflection_button,
    reflection_button,
)
from storage.engine import Database
from storage.models import Base

LIBRARY = load_library()


@pytest.mark.parametrize("text", [
    "short",
    "word " * 2000,
    ("paragraph one. " * 100 + "\n\n") * 10,
    "🩺" * 3000,  # each emoji is two UTF-16 units
    "x" * 9000,  # no break anywhere
    "مرحبا بالعالم " * 700,
])
def test_split_message_keeps_everything_within_the_limit(text: str) -> None:
    parts = split_message(text)
    assert all(0 < utf16_length(part) <= 4096 for part in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == \
        text.replace(" ", "").replace("\n", "")


def test_split_message_prefers_paragraphs() -> None:
    first, second = "a" * 3000, "b" * 3000
    assert split_message(f"{first}\n\n{second}") == [first, second]


@pytest.mark.parametrize(("kind", "text", "activity", "template"), [
    ("link", "https://www.bmj.com/content/385/bmj-2024", "reading", "reading"),
    ("document", "", "reading", "reading"),
    ("photo", "", "event", "event"),
    ("text", "Interesting case on the ward round today", "case", "case_review"),
    ("text", "Был на конференции по кардиологии", "event", "event"),
    ("text", "Подивився в довіднику дозу для дитини", "point_of_care", "point_of_care"),
    ("text", "Caso clínico de un paciente en guardia", "case", "case_review"),
    ("text", "Audit of our discharge letters", "feedback", "rolfe"),
    ("text", "Something", "other", "rolfe"),
])
def test_activity_and_template_suggestions(kind: str, text: str, activity: str,
                                           template: str) -> None:
    assert suggest_activity(LIBRARY, kind, text) == activity
    assert suggest_template(LIBRARY, activity) == template


@pytest.mark.parametrize("note", [
    "Case: 45-year-old with chest pain; reviewed the protocol and read the NEJM review",
    "Разбор случая: прочитал обзор и статью о протоколе",
    "Розбір випадку: прочитав огляд і статтю",
    "Caso: leí el artículo y revisé el estudio",
    "Caso clínico — leí el artículo de la revista",
    "  clinical case : reviewed the trial",
])
def test_a_note_that_names_itself_a_case_gets_the_case_template(note: str) -> None:
    """Its heading decides, however many reading words follow ("review", "article")."""
    assert suggest_activity(LIBRARY, "text", note) == "case"
    assert suggest_template(LIBRARY, "case") == "case_review"


@pytest.mark.parametrize(("note", "activity"), [
    ("caseload review: an article on staffing", "reading"),  # "caseload" is not "case"
    ("case-based review of an article in the journal", "reading"),  # no heading, keywords win
    ("Read about a case: review and article", "reading"),  # the heading must come first
])
def test_only_an_opening_heading_names_the_kind(note: str, activity: str) -> None:
    assert suggest_activity(LIBRARY, "text", note) == activity


def test_tags() -> None:
    assert hashtags("#Sepsis and #AKI, not a#b, #сепсис #1st") == ["sepsis", "aki", "сепсис",
                                                                  "1st"]
    assert parse_tags("#ХСН, кардио  #хсн") == ["хсн", "кардио"]
    assert topic_tags(LIBRARY, "Сепсис: антибиотики в первый час", "ru") == [
        "сепсис", "антибиотики"]
    assert topic_tags(LIBRARY, "nothing medical here", "en") == []


@pytest.mark.parametrize("data", [
    reflection_button(ReflectionAction.SKIP, 1, 3),
    reflection_button(ReflectionAction.TEMPLATE, 9, "point_of_care"),
    reflection_button(ReflectionAction.VIEW, 123456789012345678),
    reflection_button(ReflectionAction.PARK_AND_START, 5, 77),
])
def test_reflection_buttons_round_trip_and_fit(data: str) -> None:
    parsed = parse_reflection_button(data)
    assert parsed is not None
    assert reflection_button(parsed.action, parsed.reflection_id, parsed.argument) == data
    assert len(data.encode()) <= 64


@pytest.mark.parametrize("data", ["rf:xx:1", "rf:v:", "rf:v:1:", "rf:v:-1", "rf:v:1:Ы",
                                  "rf:v:1:a:b", "rf:sk:1:" + "a" * 30, "rf:v:1\n", None])
def test_malformed_reflection_buttons_are_refused(data: str | None) -> None:
    assert parse_reflection_button(data) is None


def test_log_buttons_carry_the_search_within_64_bytes() -> None:
    data = log_button(2, "сепсис " * 20)
    assert len(data.encode()) <= 64
    page, search = parse_log_button(data)
    assert page == 2 and search is not None and search.startswith("сепсис")
    assert parse_log_button("lg:x:") == (None, None)


def test_search_terms() -> None:
    search = Search.parse("Sepsis  #ICU #  лактат")
    assert (search.words, search.tags) == (("sepsis", "лактат"), ("icu",))
    assert search.text == "sepsis лактат #icu"


async def test_migrations_match_the_models(db: Database) -> None:
    """The migrated schema (SQLite or PostgreSQL) is exactly what the models declare."""
    async with db.engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
    assert differences == []
