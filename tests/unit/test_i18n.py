"""Every user-facing string is translated into ru, uk and es, with the same placeholders."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.common.i18n import (
    SUPPORTED_LANGUAGES,
    catalogue_path,
    parse_language,
    pick_language,
    translator,
)
from bot.cpd.explain import amount

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def source_messages() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    for package in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT / package, method_map=[("**.py", "python"),
                                            ("**/templates/**.html", "jinja2")],
                keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}):
            found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_source_has_messages_to_check() -> None:
    assert len(source_messages()) > 30


@pytest.mark.parametrize("language", [lang for lang in SUPPORTED_LANGUAGES if lang != "en"])
def test_catalogue_translates_every_source_string(language: str) -> None:
    with catalogue_path(language).open("rb") as po_file:
        catalogue = read_po(po_file, locale=language)
    for message in source_messages():
        entry = catalogue.get(message if isinstance(message, str) else message[0])
        assert entry is not None, f"{language}: missing {message!r}"
        assert not entry.fuzzy, f"{language}: fuzzy {message!r}"
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        assert all(strings), f"{language}: untranslated {message!r}"
        source = message if isinstance(message, str) else message[1]
        for string in strings:
            assert isinstance(string, str), f"{language}: not text {message!r}"
            assert sorted(PLACEHOLDER.findall(string)) == sorted(PLACEHOLDER.findall(source)), (
                f"{language}: placeholders differ in {string!r}")


@pytest.mark.parametrize(("count", "ru", "uk"), [
    (1, "1 учебный момент ждёт", "1 навчальний момент чекає"),
    (3, "3 учебных момента ждут", "3 навчальні моменти чекають"),
    (11, "11 учебных моментов ждут", "11 навчальних моментів чекають"),
    (21, "21 учебный момент ждёт", "21 навчальний момент чекає"),
])
def test_slavic_plurals(count: int, ru: str, uk: str) -> None:
    singular = "{count} learning moment is waiting for reflection."
    plural = "{count} learning moments are waiting for reflection."
    assert translator("ru").ngettext(singular, plural, count).format(count=count).startswith(ru)
    assert translator("uk").ngettext(singular, plural, count).format(count=count).startswith(uk)


@pytest.mark.parametrize(("chosen", "telegram", "expected"), [
    (None, "uk", "uk"), (None, "ru", "ru"), (None, "es-419", "es"), (None, "en-GB", "en"),
    (None, "kk", "kk"), (None, "az", "az"), (None, "ka", "ka"),
    (None, "ky", "ru"), (None, "fr", "en"),
    (None, None, "en"), (None, "", "en"), ("uk", "ru", "uk"), ("xx", "es", "es"),
])
def test_language_choice(chosen: str | None, telegram: str | None, expected: str) -> None:
    assert pick_language(chosen, telegram) == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ("ru", "ru"), ("UK", "uk"), ("es-MX", "es"), ("en_GB", "en"), ("Русский", "ru"),
    ("Russian", "ru"), ("українська", "uk"), ("Español", "es"), ("inglés", "en"),
    ("de", None), ("klingon", None), ("ru en", None),
])
def test_a_typed_language(typed: str, expected: str | None) -> None:
    assert parse_language(typed) == expected


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_numbers_are_never_in_exponent_notation(language: str) -> None:
    """50 normalised is Decimal("5E+1"): the one number formatter writes it as 50."""
    for value in (Decimal(50), Decimal("40.00"), Decimal("1E+3"), Decimal("0.50")):
        assert "E" not in amount(value.normalize(), language)
    assert amount(Decimal("5E+1"), language) == "50"
    assert amount(Decimal("1.5"), language) == ("1.5" if language == "en" else "1,5")
