"""Translations from gettext catalogues (.po), compiled in memory with Babel.

Committing only .po files means translators edit one file and nothing stale can ship.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "cpdbot"
LOCALE_DIR = Path(__file__).parents[1] / "locale"
SUPPORTED_LANGUAGES = ("en", "ru", "uk", "es", "kk", "ka", "az")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "uk": "Українська", "es": "Español",
                  "kk": "Қазақша", "ka": "ქართული", "az": "Azərbaycanca"}

# Telegram sends the app's interface language. Where we have no catalogue, pick the
# language most clinicians there read professionally; everything else falls back to English.
_NEAREST = {
    "be": "ru", "ky": "ru", "tg": "ru", "uz": "ru", "tk": "ru", "hy": "ru",
    "ca": "es", "gl": "es", "eu": "es",
}  # fmt: skip


def pick_language(chosen: str | None, telegram_code: str | None) -> str:
    """The user's own choice wins; else Telegram's language_code; else English."""
    if chosen in SUPPORTED_LANGUAGES:
        return chosen
    primary = (telegram_code or "").replace("_", "-").split("-", 1)[0].lower()
    if primary in SUPPORTED_LANGUAGES:
        return primary
    return _NEAREST.get(primary, DEFAULT_LANGUAGE)


@cache
def _language_words() -> dict[str, str]:
    """Every supported language by its code, its own name and its name in every other one
    (CLDR, via Babel): "ru", "Русский", "Russian", "російська", "ruso"."""
    found = {code: code for code in SUPPORTED_LANGUAGES}
    for code in SUPPORTED_LANGUAGES:
        found[LANGUAGE_NAMES[code].casefold()] = code
        for language in SUPPORTED_LANGUAGES:
            found[(Locale.parse(code).get_display_name(language) or code).casefold()] = code
    return found


def parse_language(text: str) -> str | None:
    """The supported language someone typed ("/language ru", "uk-UA", "Español"), or None."""
    typed = " ".join(text.casefold().replace("_", "-").split()).strip(" .!")
    return _language_words().get(typed) or _language_words().get(typed.split("-", 1)[0])


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translator(language: str) -> gettext.NullTranslations:
    if language not in SUPPORTED_LANGUAGES:
        language = DEFAULT_LANGUAGE
    with catalogue_path(language).open("rb") as po_file:
        catalog = read_po(po_file, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def N_(message: str) -> str:
    """Mark a string for extraction where it is translated later."""
    return message


def format_minutes(minutes: int, language: str) -> str:
    _ = translator(language).gettext
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=rest)
    if hours:
        return _("{hours} h").format(hours=hours)
    return _("{minutes} min").format(minutes=rest)
