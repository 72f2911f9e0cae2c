"""Onboarding's framework list: the time zone's country first, then profession and language."""

from __future__ import annotations

from datetime import date

import pytest

from bot.library.frameworks import GENERIC_FRAMEWORK
from bot.library.loader import load_library
from bot.settings.profile import suggested_frameworks

LIBRARY = load_library()
TODAY = date(2026, 12, 1)


def ids(language: str, zone: str | None, profession: str | None = None) -> list[str]:
    return [f.id for f in suggested_frameworks(LIBRARY, language, zone, profession, TODAY)]


def test_a_russian_speaker_in_almaty_gets_kazakhstan_before_the_uk() -> None:
    offered = ids("ru", "Asia/Almaty")
    assert offered[0] == "kz_moh"
    assert all(offered.index("kz_moh") < offered.index(uk)
               for uk in offered if uk.startswith("uk_"))
    assert offered[-1] == GENERIC_FRAMEWORK


@pytest.mark.parametrize(("language", "zone", "profession", "first"), [
    ("ru", "Asia/Qostanay", "nurse", "kz_moh"),
    ("ru", "Asia/Tbilisi", None, "ge_moh"),
    ("ru", "Asia/Baku", "nurse", "az_moh_2025"),
    ("es", "America/Lima", None, "pe_cmp_recert"),
    ("es", "America/Mexico_City", "doctor", "mx_conacem"),
    ("uk", "Europe/Kyiv", "nurse", "ua_moh"),
    ("en", "Europe/Kyiv", None, "ua_moh"),  # the country outranks the language
])
def test_the_time_zones_country_comes_first(language: str, zone: str, profession: str | None,
                                            first: str) -> None:
    assert ids(language, zone, profession)[0] == first


def test_mexico_offers_both_its_frameworks_first() -> None:
    assert ids("es", "America/Monterrey")[:2] == ["mx_conacem", "mx_cncmg"]


def test_without_a_zone_the_language_decides() -> None:
    offered = ids("es", None)
    assert set(offered[:3]) == {"pe_cmp_recert", "mx_conacem", "mx_cncmg"}


def test_frameworks_out_of_force_are_not_offered() -> None:
    assert "az_dtt_2017" not in ids("ru", "Asia/Baku")  # replaced by the 2025 rules
    assert "az_dtt_2017" in [f.id for f in suggested_frameworks(LIBRARY, "ru", "Asia/Baku",
                                                                None, date(2024, 6, 1))]


def test_frameworks_not_yet_in_force_are_not_offered() -> None:
    offered = [f.id for f in suggested_frameworks(LIBRARY, "uk", "Europe/Kyiv", None,
                                                  date(2025, 6, 1))]
    assert "ua_moh" not in offered  # Order 650 is in force from 27 June 2025
    assert "az_moh_2025" not in offered
    assert offered[-1] == GENERIC_FRAMEWORK
