"""Time zones: from a shared location or a typed city to an IANA zone, and back to a label.

A clinician's zone decides which calendar day an activity counts for, so a reflection written
at 01:00 in Almaty is not filed under yesterday's UTC date.

Everything is offline. Zone names come from the tz database (the ``tzdata`` package, else the
system's), localised city names from Babel's CLDR data, shapes from ``timezonefinder``.
Zones are canonical: a backward link such as Europe/Kiev is answered as Europe/Kyiv. "Canonical"
here means listed in zone.tab or zone1970.tab rather than "a Zone line in the data": tzdata
makes Europe/Amsterdam a link to Europe/Brussels, and a Dutch user should still see Amsterdam.
"""

from __future__ import annotations

import difflib
import math
import re
import threading
import tomllib
import unicodedata
import zoneinfo
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.core import get_global

if TYPE_CHECKING:
    from timezonefinder import TimezoneFinder

MAX_SUGGESTIONS = 8

# CLDR locales whose city and country names a typed place is matched against: the bot's
# languages, and those of our users' countries (Kazakh, Georgian, Azerbaijani spellings).
_SEARCH_LANGUAGES = ("en", "ru", "uk", "es", "kk", "ka", "az")
# Areas whose link names are places ("Europe/Kiev"), unlike "US/Eastern" or "Etc/GMT+3".
_PLACE_AREAS = frozenset({
    "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe",
    "Indian", "Pacific",
})  # fmt: skip
_NOT_PLACES = frozenset({"north", "south", "east", "west", "central", "act", "nsw", "lhi"})

# Zone and city names people use are data (zone_names.toml), read once at import.
_NAMES = tomllib.loads((Path(__file__).parent / "zone_names.toml").read_text(encoding="utf-8"))
_BY_LANGUAGE: dict[str, list[str]] = _NAMES["by_language"]
_COUNTRY_FIRST: dict[str, list[str]] = _NAMES["country_first"]
_ALIASES: dict[str, list[str]] = _NAMES["city_aliases"]
_COUNTRY_ALIASES: dict[str, list[str]] = _NAMES["country_aliases"]

# Letters that Unicode does not decompose into a base letter and a mark.
_FOLD_LETTERS = str.maketrans({
    "ı": "i", "ə": "e", "ø": "o", "ł": "l", "đ": "d", "ħ": "h", "æ": "ae", "œ": "oe",
    "ґ": "г", "қ": "к", "ғ": "г", "ү": "у", "ұ": "у", "ө": "о", "ң": "н", "һ": "х", "ә": "а",
    "'": "", "’": "", "ʼ": "", "`": "", "ʻ": "", ".": "",
})  # fmt: skip
_SEPARATORS = re.compile(r"[\s\-_,;()]+")

_finder: TimezoneFinder | None = None
_finder_lock = threading.Lock()


def zone_at(latitude: float, longitude: float) -> str | None:
    """The zone of a shared location, or None for impossible coordinates and the open sea.

    At sea timezonefinder answers a nautical zone ("Etc/GMT+2"): it has no daylight saving and
    no place name, so storing it would leave a clinician's days an hour off half the year.
    Returning None lets the bot ask for a city instead. Land shapes reach 12 nautical miles
    offshore, so a location on a coast or a ferry close to it still finds its country.
    """
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    try:
        found = _timezone_finder().timezone_at_land(lat=latitude, lng=longitude)
    except ValueError:
        return None
    if found is None:
        return None
    return canonical_zone(found)  # None if this machine's tz data lacks the zone


def _timezone_finder() -> TimezoneFinder:
    """One shared finder, built on first use: loading its index takes tens of milliseconds.

    Built under a lock so two threads never both build it. Lookups afterwards only read
    memory-mapped, read-only arrays, so concurrent calls (event loop and worker threads alike)
    are safe; a lookup takes microseconds, so calling it from the event loop is fine.
    """
    global _finder
    if _finder is None:
        with _finder_lock:
            if _finder is None:
                from timezonefinder import TimezoneFinder

                _finder = TimezoneFinder()
    return _finder


def find_zones(text: str, limit: int = 6) -> list[str]:
    """Zones for a typed city, country or zone name, best first.

    Exact names win (zone ids, CLDR city names in several languages, our aliases), then a
    country's zones, then names that start with the text, then names with a word that does,
    and only when nothing matched, names that look alike (a typo).
    """
    query = _fold(text)
    if not query or limit <= 0:
        return []
    names = _name_index()
    found: dict[str, None] = {}  # ordered set

    def add(zones: Iterable[str]) -> None:
        found.update(dict.fromkeys(zones))

    def named_by(matches: Callable[[str], bool]) -> list[str]:
        return _by_prominence(z for name in _sorted_names() if matches(name) for z in names[name])

    direct = _id_index().get(query)
    add(_by_prominence([*names.get(query, ()), *([direct] if direct else [])]))
    country = _country_index().get(query)
    if country:
        add(_country_zones(country))
    if len(query) >= 2:
        add(named_by(lambda name: name.startswith(query)))
    if len(query) >= 3:
        add(named_by(lambda name: f" {query}" in name or f"/{query}" in name))
    if not found and len(query) >= 4:
        close = difflib.get_close_matches(query, _sorted_names(), n=limit, cutoff=0.8)
        add(zone for name in close for zone in _by_prominence(names[name]))
    return list(found)[:limit]


def zone_label(zone: str, language: str, at: datetime | None = None) -> str:
    """A button label such as "Київ (UTC+2)": the city in the user's language and the offset
    now (or at ``at``), which is what tells a user the zone is right.

    Fixed-offset zones read as just the offset ("UTC+3"); an unknown name comes back as is.
    """
    name = canonical_zone(zone)
    if name is None:
        return zone
    offset = _format_offset(_offset_minutes(name, at))
    if name.startswith("Etc/"):
        return "UTC" if offset == "UTC+0" else offset
    return f"{zone_city(name, language)} ({offset})"


def zone_city(zone: str, language: str) -> str:
    """The zone's exemplar city in the language, else its id's last part ("Buenos Aires").

    Babel looks cities up under the zone's own name, but CLDR files them under old ids
    (Europe/Kiev), so "Київ" is only found by trying the old ids too.
    """
    zone = canonical_zone(zone) or zone
    locale = _locale(language)
    for key in _cldr_keys(zone):
        city = locale.time_zones.get(key, {}).get("city")
        if city:
            return str(city)
    return _city_part(zone)


def country_of(zone: str) -> str | None:
    """The ISO 3166 alpha-2 country of a zone, from zone.tab (one country per zone there),
    else the first country zone1970.tab lists for it; None for zones of no country (Etc/UTC)."""
    name = canonical_zone(zone)
    if name is None:
        return None
    return _zone_countries().get(name)


def suggested_zones(language: str, country: str | None = None) -> list[str]:
    """A few zones to offer as buttons: the country's when known, else the language's.

    Russian speakers among our users live in Kazakhstan, Georgia, Azerbaijan and Ukraine as
    much as in Russia, so Russian does not mean Moscow.
    """
    zones = _country_zones(country.upper()) if country else []
    if not zones:
        base = language.replace("-", "_").split("_", 1)[0].lower() if language else ""
        zones = list(_BY_LANGUAGE.get(base, _BY_LANGUAGE["en"]))
    return [zone for zone in zones if is_zone(zone)][:MAX_SUGGESTIONS]


def is_zone(name: str) -> bool:
    """Whether the name is an IANA zone this machine's tz data knows (links included)."""
    return name in _available()


def canonical_zone(name: str) -> str | None:
    """The name to store for a zone: a link such as Europe/Kiev becomes Europe/Kyiv; zones
    listed in zone.tab stay as they are. None when the name is not a zone at all."""
    if not is_zone(name):
        return None
    seen = {name}
    while name not in _place_zones():
        target = _links().get(name)
        if target is None or target in seen or not is_zone(target):
            break
        seen.add(target)
        name = target
    return name


def local_date(moment: datetime, zone: str | None) -> date:
    """The calendar date of a moment in the zone (UTC when the zone is missing or unknown).

    This decides which CPD day an activity falls on. A naive moment is taken to be UTC,
    which is how the database hands them back.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if zone is None or not is_zone(zone):
        return moment.astimezone(UTC).date()
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).date()


# --- matching -----------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case without accents, ё, apostrophes, hyphens or underscores: "Ciudad de México",
    "ciudad de mexico" and "CIUDAD-DE-MEXICO" all read the same."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SEPARATORS.sub(" ", bare.translate(_FOLD_LETTERS)).strip()


def _by_prominence(zones: Iterable[str]) -> list[str]:
    """Zones our users are likely to mean first, the rest alphabetically."""
    rank = _prominence()
    return sorted(dict.fromkeys(zones), key=lambda zone: (rank.get(zone, len(rank)), zone))


@cache
def _prominence() -> dict[str, int]:
    order = [zone for zones in _BY_LANGUAGE.values() for zone in zones]
    order += [zone for zones in _COUNTRY_FIRST.values() for zone in zones]
    return {zone: index for index, zone in enumerate(dict.fromkeys(order))}


@cache
def _name_index() -> dict[str, tuple[str, ...]]:
    """Folded place name → the zones it names."""
    index: dict[str, list[str]] = {}

    def add(name: str, zone: str | None) -> None:
        folded = _fold(name)
        if folded and zone in _place_zones() and zone not in index.setdefault(folded, []):
            index[folded].append(zone)

    for zone in _place_zones():
        add(_city_part(zone), zone)
    for link, target in _links().items():
        city = _city_part(link)
        if link in _place_zones():  # Europe/Jersey is Jersey's own zone, not London's
            continue
        if link.split("/", 1)[0] in _PLACE_AREAS and _fold(city) not in _NOT_PLACES:
            add(city, canonical_zone(target) if is_zone(target) else None)
    for language in _SEARCH_LANGUAGES:
        for key, data in _locale(language).time_zones.items():
            city = data.get("city")
            if city:
                add(str(city), _cldr_zone(key))
    for zone, aliases in _ALIASES.items():
        for alias in aliases:
            add(alias, zone)
    return {name: tuple(zones) for name, zones in index.items()}


@cache
def _sorted_names() -> tuple[str, ...]:
    return tuple(sorted(_name_index()))


@cache
def _id_index() -> dict[str, str]:
    """Folded full zone id ("europe/kiev", "utc") → the zone to use for it."""
    index: dict[str, str] = {}
    for name in sorted(_available()):
        zone = canonical_zone(name)
        if zone is not None:
            index.setdefault(_fold(name), zone)
    return index


@cache
def _country_index() -> dict[str, str]:
    """Folded country name in the search languages → ISO code, for countries with zones."""
    index: dict[str, str] = {}
    countries = _country_table()
    for language in _SEARCH_LANGUAGES:
        for code, name in _locale(language).territories.items():
            if code in countries:
                index.setdefault(_fold(name), code)
    for code, names in _COUNTRY_ALIASES.items():
        for name in names:
            index.setdefault(_fold(name), code)
    return index


def _country_zones(country: str) -> list[str]:
    listed = _country_table().get(country, ())
    first = [zone for zone in _COUNTRY_FIRST.get(country, ()) if zone in listed]
    return list(dict.fromkeys([*first, *listed]))


def _city_part(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def _cldr_zone(key: str) -> str | None:
    """The canonical zone for a CLDR zone key, which may be an old id (Asia/Calcutta)."""
    name = _cldr_aliases().get(key, key)
    return canonical_zone(name) if is_zone(name) else None


def _cldr_keys(zone: str) -> list[str]:
    """The zone's own id, then the old ids CLDR may file it under. Not tzdata's links: CLDR
    has cities for Europe/Jersey too, and London must never be labelled Jersey."""
    return [zone, *sorted(key for key, target in _cldr_aliases().items() if target == zone)]


@cache
def _cldr_aliases() -> dict[str, str]:
    return dict(get_global("zone_aliases"))


@cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_") or "en")
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


# --- offsets ------------------------------------------------------------------------------


def _offset_minutes(zone: str, at: datetime | None) -> int:
    moment = at or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    offset = moment.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    return round(offset.total_seconds() / 60) if offset is not None else 0


def _format_offset(minutes: int) -> str:
    """UTC+2, UTC+5:45, UTC−3 (a true minus sign, as in print)."""
    sign = "−" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


# --- tz database tables -------------------------------------------------------------------


@cache
def _available() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@cache
def _tz_file(name: str) -> str:
    """A text file of the tz database: the tzdata package's (pinned, the same everywhere),
    else the system's; empty when neither has it."""
    try:
        return resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError):
        pass
    for folder in zoneinfo.TZPATH:
        try:
            return Path(folder, name).read_text(encoding="utf-8")
        except OSError:
            continue
    return ""


def _tab_rows(name: str) -> list[tuple[list[str], str]]:
    """(country codes, zone) for each row of zone.tab or zone1970.tab."""
    rows = []
    for line in _tz_file(name).splitlines():
        fields = line.split("\t")
        if line.startswith("#") or len(fields) < 3:
            continue
        rows.append((fields[0].split(","), fields[2]))
    return rows


@cache
def _country_table() -> dict[str, tuple[str, ...]]:
    """Country → its zones in zone.tab's order, which this machine's tz data knows."""
    table: dict[str, list[str]] = {}
    for codes, zone in _tab_rows("zone.tab"):
        if zone in _available():
            table.setdefault(codes[0], []).append(zone)
    return {code: tuple(zones) for code, zones in table.items()}


@cache
def _zone_countries() -> dict[str, str]:
    countries: dict[str, str] = {}
    for codes, zone in [*_tab_rows("zone.tab"), *_tab_rows("zone1970.tab")]:
        countries.setdefault(zone, codes[0])
    return countries


@cache
def _place_zones() -> frozenset[str]:
    """Zones that name a place: those listed in zone.tab or zone1970.tab."""
    listed = {zone for _, zone in [*_tab_rows("zone.tab"), *_tab_rows("zone1970.tab")]}
    if not listed:  # no tables anywhere: fall back to every continent-area zone
        listed = {name for name in _available() if name.split("/", 1)[0] in _PLACE_AREAS}
    return frozenset(listed & _available())


@cache
def _links() -> dict[str, str]:
    """Link name → target, from tzdata.zi ("L Europe/Kyiv Europe/Kiev"), plus CLDR's old ids."""
    links = {old: new for old, new in _cldr_aliases().items() if new in _available()}
    for line in _tz_file("tzdata.zi").splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0] == "L":
            links[fields[2]] = fields[1]
    return links
