"""Inline-button payloads: short, parsed strictly, and always checked against the presser."""

from __future__ import annotations

import re
from dataclasses import dataclass

MOMENT_ACTIONS = {"r": "reflect", "k": "keep", "d": "drop", "u": "undo", "x": "redact"}
_MOMENT = re.compile(r"^m:([rkdux]):(\d{1,18})$")
_INBOX = re.compile(r"^inbox:(\d{1,6})$")
_LANGUAGE = re.compile(r"^lang:([a-z]{2})$")

MOMENT_PATTERN = r"^m:"
REFLECT_NOW_PATTERN = r"^m:r:"
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
    match = _MOMENT.fullmatch(data or "")
    if not match:
        return None
    return MomentButton(MOMENT_ACTIONS[match[1]], int(match[2]))


def inbox_button(page: int) -> str:
    return f"inbox:{page}"


def parse_inbox_button(data: str | None) -> int | None:
    match = _INBOX.fullmatch(data or "")
    return int(match[1]) if match else None


def language_button(code: str) -> str:
    return f"lang:{code}"


def parse_language_button(data: str | None) -> str | None:
    match = _LANGUAGE.fullmatch(data or "")
    return match[1] if match else None


# Reflection buttons: "rf:<action>:<reflection id>[:<argument>]". The argument is a step
# number, a template or activity id, minutes, days ago, or a moment id.
REFLECTION_ACTIONS = frozenset({
    "go", "pk", "sk", "bk", "nt", "tl", "tp", "cx", "m",  # the guided questions
    "sv", "ds", "ed", "sc", "dt", "d", "tm", "ac", "a", "tg", "tt", "sh",  # card and editing
    "v", "dl", "dy", "un",  # the log
    "ai", "rd", "en", "lo",  # AI help: draft, redact the note, edit it, keep it local
})  # fmt: skip
_REFLECTION = re.compile(r"^rf:([a-z]{1,2}):(\d{1,18})(?::([a-z0-9_]{1,24}))?$")
REFLECTION_PATTERN = r"^rf:"
_LOG = re.compile(r"^lg:(\d{1,6})(?::(.*))?$", re.DOTALL)
DELETED_BUTTON = "lgx"  # the log's recently deleted entries
LOG_PATTERN = r"^lg"
CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit


@dataclass(frozen=True)
class ReflectionButton:
    action: str
    reflection_id: int
    argument: str | None


def reflection_button(action: str, reflection_id: int, argument: object = None) -> str:
    assert action in REFLECTION_ACTIONS
    suffix = "" if argument is None else f":{argument}"
    return f"rf:{action}:{reflection_id}{suffix}"


def parse_reflection_button(data: str | None) -> ReflectionButton | None:
    match = _REFLECTION.fullmatch(data or "")
    if not match or match[1] not in REFLECTION_ACTIONS:
        return None
    return ReflectionButton(match[1], int(match[2]), match[3])


def log_button(page: int, search_text: str = "") -> str:
    """A log page; the search rides along, shortened to fit Telegram's 64 bytes."""
    data = f"lg:{page}:{search_text}"
    while len(data.encode()) > CALLBACK_DATA_LIMIT:
        data = data[:-1]
    return data


def parse_log_button(data: str | None) -> tuple[int, str] | tuple[None, None]:
    match = _LOG.fullmatch(data or "")
    return (int(match[1]), match[2] or "") if match else (None, None)



# Settings and onboarding: "st:<action>[:<argument>]"; the argument is a framework id,
# a profession or an IANA zone name.
SETTING_ACTIONS = frozenset({"ms", "rm", "fw", "fs", "pr", "ps", "tz", "zs", "zt", "zl", "cd", "cx",
                             "tg", "tx", "sh", "ln", "ai", "vo"})
_SETTING = re.compile(r"^st:([a-z]{2})(?::([A-Za-z0-9_/+-]{1,48}))?$")
SETTING_PATTERN = r"^st:"


def setting_button(action: str, argument: str | None = None) -> str:
    assert action in SETTING_ACTIONS
    return f"st:{action}" if argument is None else f"st:{action}:{argument}"


def parse_setting_button(data: str | None) -> tuple[str, str | None] | None:
    match = _SETTING.fullmatch(data or "")
    if not match or match[1] not in SETTING_ACTIONS:
        return None
    return match[1], match[2]
