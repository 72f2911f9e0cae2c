"""Time zones from shared locations and typed places, labels, and the CPD day of a moment."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime

import pytest

from bot.common import timezones
from bot.common.timezones import (
    canonical_zone,
    country_of,
    find_zones,
    is_zone,
    local_date,
    suggested_zones,
    zone_at,
    zone_label,
)

WINTER = datetime(2026, 1, 15, 12, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("latitude", "longitude", "zone"),
    [
        (50.45, 30.52, "Europe/Kyiv"),
        (43.24, 76.95, "Asia/Almaty"),
        (51.17, 71.43, "Asia/Almaty"),  # Astana
        (41.72, 44.79, "Asia/Tbilisi"),
        (40.41, 49.87, "Asia/Baku"),
        (51.507, -0.128, "Europe/London"),
        (19.43, -99.13, "America/Mexico_City"),
        (27.7, 85.3, "Asia/Kathmandu"),
        (-43.95, -176.55, "Pacific/Chatham"),
        (-12.05, -77.04, "America/Lima"),
    ],
)
def test_shared_location_gives_its_zone(latitude: float, longitude: float, zone: str) -> None:
    assert zone_at(latitude, longitude) == zone


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(91, 0), (-90.5, 10), (45, 181), (float("nan"), 0), (0, float("inf")), (0.0, -30.0)],
)
def test_impossible_coordinates_and_open_sea_give_none(latitude: float, longitude: float) -> None:
    assert zone_at(latitude, longitude) is None


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Kyiv", "Europe/Kyiv"),
        ("КИЇВ", "Europe/Kyiv"),
        ("Киев", "Europe/Kyiv"),
        ("Kiev", "Europe/Kyiv"),
        ("Europe/Kyiv", "Europe/Kyiv"),
        ("europe/kiev", "Europe/Kyiv"),
        ("kyi", "Europe/Kyiv"),
        ("харьков", "Europe/Kyiv"),
        ("Харків", "Europe/Kyiv"),
        ("Львов", "Europe/Kyiv"),
        ("odessa", "Europe/Kyiv"),
        ("Одеса", "Europe/Kyiv"),
        ("Алматы", "Asia/Almaty"),
        ("Алмати", "Asia/Almaty"),
        ("Астана", "Asia/Almaty"),
        ("Қарағанды", "Asia/Almaty"),
        ("Shymkent", "Asia/Almaty"),
        ("Aktobe", "Asia/Aqtobe"),
        ("Тбилиси", "Asia/Tbilisi"),
        ("Tiflis", "Asia/Tbilisi"),
        ("Batumi", "Asia/Tbilisi"),
        ("Баку", "Asia/Baku"),
        ("Bakı", "Asia/Baku"),
        ("Ganja", "Asia/Baku"),
        ("Лондон", "Europe/London"),
        ("Londres", "Europe/London"),
        ("edinburgh", "Europe/London"),
        ("Cork", "Europe/Dublin"),
        ("Barcelona", "Europe/Madrid"),
        ("Ciudad de México", "America/Mexico_City"),
        ("ciudad de mexico", "America/Mexico_City"),
        ("mexico city", "America/Mexico_City"),
        ("Guadalajara", "America/Mexico_City"),
        ("new york", "America/New_York"),
        ("NEW_YORK", "America/New_York"),
        ("Bogotá", "America/Bogota"),
        ("bogota", "America/Bogota"),
        ("Lima", "America/Lima"),
        ("buenos aires", "America/Argentina/Buenos_Aires"),
        ("Буэнос-Айрес", "America/Argentina/Buenos_Aires"),
        ("Santiago", "America/Santiago"),
        ("Quito", "America/Guayaquil"),
        ("Montevideo", "America/Montevideo"),
        ("Toronto", "America/Toronto"),
        ("Melbourne", "Australia/Melbourne"),
        ("Катманду", "Asia/Kathmandu"),
        ("UTC", "Etc/UTC"),
        ("Amsterdam", "Europe/Amsterdam"),  # a link to Brussels in tzdata, but its own place
        ("Jersey", "Europe/Jersey"),
    ],
)
def test_typed_place_finds_its_zone_first(text: str, zone: str) -> None:
    assert find_zones(text)[0] == zone


def test_typo_is_forgiven_when_nothing_matches_exactly() -> None:
    assert find_zones("Londn")[0] == "Europe/London"
    assert find_zones("Тбилси")[0] == "Asia/Tbilisi"


def test_country_name_offers_its_zones_in_order() -> None:
    assert find_zones("Казахстан")[0] == "Asia/Almaty"
    assert find_zones("Україна")[0] == "Europe/Kyiv"
    assert find_zones("México", limit=3) == [
        "America/Mexico_City", "America/Monterrey", "America/Tijuana",
    ]  # fmt: skip


def test_exact_match_comes_before_prefix_matches() -> None:
    found = find_zones("Lima")
    assert found[0] == "America/Lima"
    assert len(found) == len(set(found))


@pytest.mark.parametrize("text", ["", "   ", "x", "qwzxv"])
def test_nothing_sensible_finds_nothing(text: str) -> None:
    assert find_zones(text) == []


def test_find_zones_respects_the_limit() -> None:
    assert len(find_zones("san", limit=3)) == 3
    assert find_zones("Kyiv", limit=0) == []


def test_every_name_in_the_tables_is_a_canonical_zone() -> None:
    named = [
        *timezones._ALIASES,
        *(zone for zones in timezones._BY_LANGUAGE.values() for zone in zones),
        *(zone for zones in timezones._COUNTRY_FIRST.values() for zone in zones),
    ]
    for zone in named:
        assert canonical_zone(zone) == zone, zone
    for zones in timezones._name_index().values():
        for zone in zones:
            assert canonical_zone(zone) == zone, zone


@pytest.mark.parametrize(
    ("zone", "language", "label"),
    [
        ("Europe/Kyiv", "uk", "Київ (UTC+2)"),
        ("Europe/Kyiv", "ru", "Киев (UTC+2)"),
        ("Europe/Kyiv", "en", "Kyiv (UTC+2)"),
        ("Europe/Kiev", "uk", "Київ (UTC+2)"),
        ("Asia/Kathmandu", "en", "Kathmandu (UTC+5:45)"),
        ("America/Argentina/Buenos_Aires", "es", "Buenos Aires (UTC−3)"),
        ("America/St_Johns", "en", "St. John’s (UTC−3:30)"),
        ("America/Mexico_City", "es", "Ciudad de México (UTC−6)"),
        ("Asia/Almaty", "ru", "Алматы (UTC+5)"),
        ("Europe/London", "en", "London (UTC+0)"),
        ("Europe/London", "xx", "London (UTC+0)"),
        ("Etc/UTC", "en", "UTC"),
        ("Etc/GMT+3", "en", "UTC−3"),
    ],
)
def test_label_is_localised_city_and_offset(zone: str, language: str, label: str) -> None:
    assert zone_label(zone, language, at=WINTER) == label


def test_label_follows_daylight_saving() -> None:
    assert zone_label("Europe/London", "ru", at=SUMMER) == "Лондон (UTC+1)"
    assert zone_label("Pacific/Chatham", "en", at=SUMMER) == "Chatham (UTC+12:45)"
    assert zone_label("Pacific/Chatham", "en", at=WINTER) == "Chatham (UTC+13:45)"


def test_unknown_zone_label_is_the_name_itself() -> None:
    assert zone_label("Mars/Olympus", "en") == "Mars/Olympus"


def test_kazakhstan_is_on_one_zone_since_2024() -> None:
    for zone in ("Asia/Almaty", "Asia/Qostanay", "Asia/Oral"):
        assert zone_label(zone, "en", at=WINTER).endswith("(UTC+5)")


@pytest.mark.parametrize(
    ("zone", "country"),
    [
        ("Europe/Kyiv", "UA"),
        ("Europe/Kiev", "UA"),
        ("Asia/Almaty", "KZ"),
        ("Asia/Tbilisi", "GE"),
        ("Asia/Baku", "AZ"),
        ("Europe/London", "GB"),
        ("America/Mexico_City", "MX"),
        ("America/Buenos_Aires", "AR"),
        ("Europe/Amsterdam", "NL"),
        ("Europe/Brussels", "BE"),
        ("Etc/UTC", None),
        ("Nowhere/Town", None),
    ],
)
def test_country_of_zone(zone: str, country: str | None) -> None:
    assert country_of(zone) == country


@pytest.mark.parametrize("language", ["en", "ru", "uk", "es", "kk", "en-GB", ""])
def test_suggestions_by_language_are_valid_zones(language: str) -> None:
    zones = suggested_zones(language)
    assert 0 < len(zones) <= timezones.MAX_SUGGESTIONS
    assert all(is_zone(zone) for zone in zones)


def test_suggestions_by_language_suit_our_users() -> None:
    assert suggested_zones("uk")[0] == "Europe/Kyiv"
    neighbours = {"Asia/Almaty", "Asia/Tbilisi", "Asia/Baku", "Europe/Kyiv"}
    assert neighbours <= set(suggested_zones("ru"))
    assert "America/Mexico_City" in suggested_zones("es")
    assert suggested_zones("en")[0] == "Europe/London"


@pytest.mark.parametrize("country", ["UA", "kz", "GE", "AZ", "GB", "US", "MX", "AR", "BR", "RU"])
def test_suggestions_by_country_are_its_zones(country: str) -> None:
    zones = suggested_zones("en", country)
    assert 0 < len(zones) <= timezones.MAX_SUGGESTIONS
    assert all(is_zone(zone) and country_of(zone) == country.upper() for zone in zones)


def test_suggestions_put_the_big_zone_first() -> None:
    assert suggested_zones("ru", "KZ")[0] == "Asia/Almaty"
    assert suggested_zones("en", "US")[:3] == [
        "America/New_York", "America/Chicago", "America/Los_Angeles",
    ]  # fmt: skip
    assert suggested_zones("es", "ZZ") == suggested_zones("es")


def test_is_zone() -> None:
    assert is_zone("Europe/Kyiv")
    assert is_zone("Europe/Kiev")
    assert not is_zone("Europe/Kharkiv")
    assert not is_zone("")
    assert all(is_zone(zone) for zone in ("Asia/Almaty", "Pacific/Chatham", "Etc/UTC"))
    assert "Europe/Kyiv" in zoneinfo.available_timezones()


@pytest.mark.parametrize(
    ("moment", "zone", "day"),
    [
        # 20:30 UTC is already tomorrow in Almaty (UTC+5) and still today in Lima (UTC−5).
        (datetime(2026, 3, 10, 20, 30, tzinfo=UTC), "Asia/Almaty", date(2026, 3, 11)),
        (datetime(2026, 3, 10, 20, 30, tzinfo=UTC), "America/Lima", date(2026, 3, 10)),
        # 03:00 UTC is still yesterday in Lima.
        (datetime(2026, 3, 10, 3, 0, tzinfo=UTC), "America/Lima", date(2026, 3, 9)),
        (datetime(2026, 3, 10, 3, 0, tzinfo=UTC), "Asia/Almaty", date(2026, 3, 10)),
        (datetime(2026, 3, 10, 23, 59, tzinfo=UTC), None, date(2026, 3, 10)),
        (datetime(2026, 3, 10, 23, 59, tzinfo=UTC), "Not/AZone", date(2026, 3, 10)),
        (datetime(2026, 3, 10, 23, 59), "Asia/Almaty", date(2026, 3, 11)),  # naive is UTC
    ],
)
def test_local_date_across_midnight(moment: datetime, zone: str | None, day: date) -> None:
    assert local_date(moment, zone) == day


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        # GMT until 01:00 UTC on 29 March 2026, then BST (UTC+1) until 01:00 UTC on 25 October.
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 28)),
        (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), date(2026, 3, 30)),
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25)),
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 25)),
    ],
)
def test_local_date_around_london_clock_changes(moment: datetime, day: date) -> None:
    assert local_date(moment, "Europe/London") == day
