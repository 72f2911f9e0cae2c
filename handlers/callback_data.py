"""Inline-button payloads: short, parsed strictly, and always checked against the presser."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit

class Prefix(StrEnum):
    """Every button's first field names the handler it belongs to. This is the one registry:
    a new kind of button adds its prefix here (a test checks they are unique and fit)."""

    MOMENT = "m"  # under a capture's acknowledgement
    INBOX = "inbox"  # /inbox pages
    LANGUAGE = "lang"
    REFLECTION = "rf"  # the guided questions, the card, editing, log entries
    LOG = "lg"  # /log pages ("lgx": the recently deleted list)
    SETTING = "st"
    REMIND = "rm"
    EXPORT = "ex"
    ADMIN_EXPORT = "ax"
    IMPORT = "im"
    VOICE_CONSENT = "vc"
    EVIDENCE = "ev"  # attaching files to entries as evidence
    ORGANISATION = "og"  # joining, sharing with and leaving organisations; officers' /org
    PRIVACY = "pv"  # /privacy: download everything, erase the account
    ORG_NUDGE = "on"  # an officer's nudge: who, preview, send; a member's "no more of these"
    SUPERADMIN = "sa"  # top-level organisations and their first officers


# Under an officer's nudge: "no more messages from organisations" (handlers.organisations).
ORG_MESSAGES_OFF = f"{Prefix.ORG_NUDGE}:q:0"

Code = TypeVar("Code", bound=StrEnum)


def code_of(kind: type[Code], text: str) -> Code | None:
    """A button's action code, or None for one we never made (forged or from an old build)."""
    try:
        return kind(text)
    except ValueError:
        return None


def pattern(*prefixes: Prefix) -> str:
    """The CallbackQueryHandler pattern for buttons of these prefixes."""
    return "^(?:" + "|".join(re.escape(prefix) for prefix in prefixes) + "):"


class MomentAction(StrEnum):
    REFLECT = "r"
    KEEP = "k"
    DROP = "d"
    UNDO = "u"
    REDACT = "x"


_MOMENT = re.compile(rf"^{Prefix.MOMENT}:([a-z]):(\d{{1,18}})$")
_INBOX = re.compile(rf"^{Prefix.INBOX}:(\d{{1,6}})$")
_LANGUAGE = re.compile(rf"^{Prefix.LANGUAGE}:([a-z]{{2}})$")

MOMENT_PATTERN = pattern(Prefix.MOMENT)
REFLECT_NOW_PATTERN = rf"^{Prefix.MOMENT}:{MomentAction.REFLECT}:"
INBOX_PATTERN = pattern(Prefix.INBOX)
LANGUAGE_PATTERN = pattern(Prefix.LANGUAGE)


@dataclass(frozen=True)
class MomentButton:
    action: MomentAction
    moment_id: int


def moment_button(action: MomentAction, moment_id: int) -> str:
    return f"{Prefix.MOMENT}:{action}:{moment_id}"


def parse_moment_button(data: str | None) -> MomentButton | None:
    match = _MOMENT.fullmatch(data or "")
    action = code_of(MomentAction, match[1]) if match else None
    return MomentButton(action, int(match[2])) if match and action is not None else None


def inbox_button(page: int) -> str:
    return f"{Prefix.INBOX}:{page}"


def parse_inbox_button(data: str | None) -> int | None:
    match = _INBOX.fullmatch(data or "")
    return int(match[1]) if match else None


def language_button(code: str) -> str:
    return f"{Prefix.LANGUAGE}:{code}"


def parse_language_button(data: str | None) -> str | None:
    match = _LANGUAGE.fullmatch(data or "")
    return match[1] if match else None


class ReflectionAction(StrEnum):
    """Reflection buttons: "rf:<action>:<reflection id>[:<argument>]". The argument is a step
    number, a template or activity id, minutes, days ago, a step id, or the moment to start on
    after parking ("pk")."""

    # the guided questions
    CONTINUE = "go"
    PARK_AND_START = "pk"
    SKIP = "sk"
    BACK = "bk"
    USE_NOTE = "nt"
    TEMPLATES = "tl"
    TEMPLATE = "tp"
    STOP = "cx"
    MINUTES = "m"
    # the summary card and editing
    SAVE = "sv"
    DISCARD = "ds"
    SECTIONS = "ed"
    SECTION = "sc"
    DATES = "dt"
    DATE = "d"
    TIMES = "tm"
    ACTIVITIES = "ac"
    ACTIVITY = "a"
    ADD_TAGS = "tg"
    TYPE_TAGS = "tt"
    SHOW = "sh"
    # the log
    VIEW = "v"
    ASK_DELETE = "dl"
    DELETE = "dy"
    RESTORE = "un"
    # AI help: draft, redact the note, edit it, keep it local; in confirm mode, send the text
    # shown (the argument is its fingerprint), or redact it and send
    DRAFT = "ai"
    REDACT_NOTE = "rd"
    EDIT_NOTE = "en"
    KEEP_LOCAL = "lo"
    SEND_NOTE = "sn"
    REDACT_SEND = "rs"


_REFLECTION = re.compile(
    rf"^{Prefix.REFLECTION}:([a-z]{{1,2}}):(\d{{1,18}})(?::([a-z0-9_]{{1,24}}))?$")
REFLECTION_PATTERN = pattern(Prefix.REFLECTION)
_LOG = re.compile(rf"^{Prefix.LOG}:(\d{{1,6}})(?::(.*))?$", re.DOTALL)
DELETED_BUTTON = f"{Prefix.LOG}x"  # the log's recently deleted entries
LOG_PATTERN = rf"^{Prefix.LOG}(?::|x$)"


@dataclass(frozen=True)
class ReflectionButton:
    action: ReflectionAction
    reflection_id: int
    argument: str | None


def reflection_button(action: ReflectionAction, reflection_id: int,
                      argument: object = None) -> str:
    suffix = "" if argument is None else f":{argument}"
    return f"{Prefix.REFLECTION}:{action}:{reflection_id}{suffix}"


def parse_reflection_button(data: str | None) -> ReflectionButton | None:
    match = _REFLECTION.fullmatch(data or "")
    action = code_of(ReflectionAction, match[1]) if match else None
    if match is None or action is None:
        return None
    return ReflectionButton(action, int(match[2]), match[3])


def log_button(page: int, search_text: str = "") -> str:
    """A log page; the search rides along, shortened to fit Telegram's 64 bytes."""
    data = f"{Prefix.LOG}:{page}:{search_text}"
    while len(data.encode()) > CALLBACK_DATA_LIMIT:
        data = data[:-1]
    return data


def parse_log_button(data: str | None) -> tuple[int, str] | tuple[None, None]:
    match = _LOG.fullmatch(data or "")
    return (int(match[1]), match[2] or "") if match else (None, None)


class EvidenceAction(StrEnum):
    """Evidence buttons: "ev:<action>:<id>[:<id>]"."""

    CHOOSE = "c"  # under a file: which entry is it evidence for? (moment id)
    ATTACH = "a"  # moment id, reflection id
    BACK = "b"  # back to the file's acknowledgement (moment id)
    LIST = "l"  # an entry's evidence, waiting for a file (reflection id)
    REMOVE = "x"  # evidence id


_EVIDENCE = re.compile(rf"^{Prefix.EVIDENCE}:([a-z]):(\d{{1,18}})(?::(\d{{1,18}}))?$")
EVIDENCE_PATTERN = pattern(Prefix.EVIDENCE)


@dataclass(frozen=True)
class EvidenceButton:
    action: EvidenceAction
    first: int  # the moment, reflection or evidence id the action names
    second: int | None  # the reflection, for ATTACH


def evidence_button(action: EvidenceAction, first: int, second: int | None = None) -> str:
    return f"{Prefix.EVIDENCE}:{action}:{first}" + ("" if second is None else f":{second}")


def parse_evidence_button(data: str | None) -> EvidenceButton | None:
    match = _EVIDENCE.fullmatch(data or "")
    action = code_of(EvidenceAction, match[1]) if match else None
    if match is None or action is None or (match[3] is None) == (action is EvidenceAction.ATTACH):
        return None
    return EvidenceButton(action, int(match[2]), int(match[3]) if match[3] else None)


class SettingAction(StrEnum):
    """Settings and onboarding: "st:<action>[:<argument>]"; the argument is a framework id,
    a profession or an IANA zone name."""

    MENU = "ms"
    REMINDERS = "rm"
    FRAMEWORKS = "fw"
    FRAMEWORK = "fs"
    PROFESSIONS = "pr"
    PROFESSION = "ps"
    ZONES = "tz"
    ZONE = "zs"
    TYPE_CITY = "zt"
    SHARE_LOCATION = "zl"
    CYCLE_DATE = "cd"
    NO_CYCLE_DATE = "cx"
    TARGET = "tg"
    FRAMEWORK_TARGET = "tx"
    ORGANISATIONS = "sh"  # once the one sharing switch; now /organisations, per organisation
    LANGUAGE = "ln"
    AI_HELP = "ai"
    VOICE_NOTES = "vo"


_SETTING = re.compile(rf"^{Prefix.SETTING}:([a-z]{{2}})(?::([A-Za-z0-9_/+-]{{1,48}}))?$")
SETTING_PATTERN = pattern(Prefix.SETTING)


def setting_button(action: SettingAction, argument: str | None = None) -> str:
    data = f"{Prefix.SETTING}:{action}"
    return data if argument is None else f"{data}:{argument}"


def parse_setting_button(data: str | None) -> tuple[SettingAction, str | None] | None:
    match = _SETTING.fullmatch(data or "")
    action = code_of(SettingAction, match[1]) if match else None
    return (action, match[2]) if match and action is not None else None


class RemindAction(StrEnum):
    """/remind and reminder buttons: "rm:<action>[:<argument>]"; the argument is minutes past
    local midnight ("0480" is 08:00), days ("all", "wk"), a kind, a number of days, a span
    ("1320-0420"), or for a snooze "<kind>-hour|tomorrow|off"."""

    TIME = "t"
    DAYS = "d"
    TYPE_TIME = "ty"
    KIND = "k"
    QUIET_SPELL = "qs"
    QUIET_HOURS = "qh"
    TYPE_QUIET_HOURS = "qt"
    PAUSE = "p"
    RESUME = "r"
    SNOOZE = "s"
