"""Inline-button payloads: short, parsed strictly, and always checked against the presser."""

from __future__ import annotations

import re
from dataclasses import dataclass

MOMENT_ACTIONS = {"r": "reflect", "k": "keep", "d": "drop", "u": "undo"}
_MOMENT = re.compile(r"^m:([rkdu]):(\d{1,18})$")
_INBOX = re.compile(r"^inbox:(\d{1,6})$")
_LANGUAGE = re.compile(r"^lang:([a-z]{2})$")

MOMENT_PATTERN = r"^m:"
INBOX_PATTERN = r"^inbox:"
LANGUAGE_PATTERN = r"^lang:"


@dataclass(frozen=True)
class MomentButton:
    action: str
    moment_id: int


def moment_button(action: str, moment_id: int) -> str:
    code = next(code for code, name in MOMENT_ACTIONS.items() if name == action)
    return f"m:{code}:{moment_id}"


def parse_moment_button(data: str | None) -> MomentButton | None:
    match = _MOMENT.match(data or "")
    if not match:
        return None
    return MomentButton(MOMENT_ACTIONS[match[1]], int(match[2]))


def inbox_button(page: int) -> str:
    return f"inbox:{page}"


def parse_inbox_button(data: str | None) -> int | None:
    match = _INBOX.match(data or "")
    return int(match[1]) if match else None


def language_button(code: str) -> str:
    return f"lang:{code}"


def parse_language_button(data: str | None) -> str | None:
    match = _LANGUAGE.match(data or "")
    return match[1] if match else None
