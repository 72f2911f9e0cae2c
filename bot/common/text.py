"""Text hygiene shared by capture and rendering."""

from __future__ import annotations

_FIRST_STRONG_ISOLATE = "\u2068"
_POP_DIRECTIONAL_ISOLATE = "\u2069"


def clean_text(text: str | None) -> str:
    """Drop NUL characters: PostgreSQL text columns refuse them, and they carry nothing."""
    return (text or "").replace("\x00", "")


def preview(text: str, limit: int = 80) -> str:
    """One line of the user's text, isolated so right-to-left words don't reorder ours."""
    line = " ".join(text.split())
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return f"{_FIRST_STRONG_ISOLATE}{line}{_POP_DIRECTIONAL_ISOLATE}"



MESSAGE_LIMIT = 4096  # Telegram's limit, in UTF-16 code units


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut text into messages Telegram accepts: at a paragraph, else a line, else a space,
    and only as a last resort inside a word. A character is never cut in two."""
    parts: list[str] = []
    rest = text.strip()
    while utf16_length(rest) > limit:
        window = _fitting_prefix(rest, limit)
        cut = max((window.rfind(mark) for mark in ("\n\n", "\n", " ")), default=-1)
        if cut <= len(window) // 4:  # no useful break: cut at the limit
            cut = len(window)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _fitting_prefix(text: str, limit: int) -> str:
    """The longest prefix of whole code points within `limit` UTF-16 units."""
    units = 0
    for index, character in enumerate(text):
        units += 2 if ord(character) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text
