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

