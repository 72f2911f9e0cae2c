"""The one registry of button prefixes: unique, routed to exactly the handlers that own them,
and every payload we can make fits Telegram's 64 bytes."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

import pytest
from telegram.ext import ApplicationBuilder, CallbackQueryHandler

import handlers
from handlers.callback_data import (
    CALLBACK_DATA_LIMIT,
    DELETED_BUTTON,
    EvidenceAction,
    MomentAction,
    Prefix,
    ReflectionAction,
    RemindAction,
    SettingAction,
    evidence_button,
    log_button,
    moment_button,
    parse_evidence_button,
    parse_moment_button,
    parse_reflection_button,
    parse_setting_button,
    reflection_button,
    setting_button,
)

# One payload of each prefix, as the bot makes them (the longest arguments each allows).
LONGEST_ID = 10**18 - 1
SAMPLES = {
    Prefix.MOMENT: moment_button(MomentAction.KEEP, LONGEST_ID),
    Prefix.INBOX: "inbox:999999",
    Prefix.LANGUAGE: "lang:uk",
    Prefix.REFLECTION: reflection_button(ReflectionAction.TEMPLATE, LONGEST_ID, "a" * 24),
    Prefix.LOG: log_button(999999, "sepsis " * 20),
    Prefix.SETTING: setting_button(SettingAction.ZONE, "America/Argentina/ComodRivadavia"),
    Prefix.REMIND: "rm:s:snooze-tomorrow",
    Prefix.EXPORT: "ex:f:20250401-20260331:ua-xlsx",
    Prefix.ADMIN_EXPORT: "ax:f:20250401-20260331:csv",
    Prefix.IMPORT: f"im:ok:{LONGEST_ID}",
    Prefix.VOICE_CONSENT: f"vc:y:{LONGEST_ID}",
    Prefix.EVIDENCE: evidence_button(EvidenceAction.ATTACH, LONGEST_ID, LONGEST_ID),
    Prefix.ORGANISATION: "og:j:" + "A" * 22 + ":1",
    Prefix.PRIVACY: "pv:y:999999999999",
    Prefix.ORG_NUDGE: f"on:d:{LONGEST_ID}:not_done",
    Prefix.SUPERADMIN: f"sa:o:{LONGEST_ID}",
}


def _callback_handlers() -> list[CallbackQueryHandler[Any, Any]]:
    application = ApplicationBuilder().token("1:test").updater(None).build()
    handlers.register(application)
    return [handler for group in application.handlers.values() for handler in group
            if isinstance(handler, CallbackQueryHandler)]


def _routed_to(data: str) -> CallbackQueryHandler[Any, Any]:
    for handler in _callback_handlers():
        if handler.pattern is None or re.match(handler.pattern, data):  # type: ignore[arg-type]
            return handler
    raise AssertionError(f"no handler for {data!r}")


def test_prefixes_are_unique_and_none_swallows_another() -> None:
    values = [prefix.value for prefix in Prefix]
    assert len(values) == len(set(values)) == len(Prefix.__members__)
    for prefix in Prefix:
        for other in Prefix:
            if prefix is not other:
                assert not SAMPLES[other].startswith(f"{prefix}:"), (prefix, other)


@pytest.mark.parametrize("prefix", list(Prefix))
def test_each_prefix_reaches_its_own_handler(prefix: Prefix) -> None:
    handler = _routed_to(SAMPLES[prefix])
    assert handler.pattern is not None, f"{prefix} fell through to the expired-button answer"
    assert handler.callback.__module__.startswith("handlers.")


def test_every_callback_handler_pattern_belongs_to_a_registered_prefix() -> None:
    for handler in _callback_handlers():
        if handler.pattern is None:
            continue  # the catch-all: forged and stale buttons
        made = [*SAMPLES.values(), moment_button(MomentAction.REFLECT, 1)]
        assert any(re.match(handler.pattern, sample)  # type: ignore[arg-type]
                   for sample in made), handler.pattern


def test_reflect_now_is_answered_apart_from_the_other_moment_buttons() -> None:
    reflect = _routed_to(moment_button(MomentAction.REFLECT, 1))
    keep = _routed_to(moment_button(MomentAction.KEEP, 1))
    assert reflect.callback is not keep.callback
    assert _routed_to(DELETED_BUTTON).callback is _routed_to(log_button(1)).callback


@pytest.mark.parametrize("kind", [MomentAction, ReflectionAction, SettingAction, RemindAction,
                                  EvidenceAction])
def test_action_codes_are_unique(kind: type[StrEnum]) -> None:
    codes = [member.value for member in kind.__members__.values()]
    assert len(codes) == len(set(codes)), "two names share a code (an Enum alias)"


def test_every_payload_fits_telegrams_64_bytes() -> None:
    payloads = [*SAMPLES.values(),
                *(reflection_button(action, LONGEST_ID, "a" * 24) for action in ReflectionAction),
                *(setting_button(action, "a" * 48) for action in SettingAction),
                *(moment_button(action, LONGEST_ID) for action in MomentAction),
                log_button(999999, "пневмония " * 10)]
    for data in payloads:
        assert len(data.encode()) <= CALLBACK_DATA_LIMIT, data


def test_payloads_read_back_and_unknown_codes_are_refused() -> None:
    for action in ReflectionAction:
        button = parse_reflection_button(reflection_button(action, 7, "x"))
        assert button is not None and button.action is action and button.reflection_id == 7
    for setting in SettingAction:
        assert parse_setting_button(setting_button(setting, "Europe/Kyiv")) == (setting,
                                                                                  "Europe/Kyiv")
    for move in MomentAction:
        moment = parse_moment_button(moment_button(move, 3))
        assert moment is not None and moment.action is move
    assert parse_reflection_button("rf:zz:1") is None
    assert parse_setting_button("st:zz") is None
    assert parse_moment_button("m:q:1") is None
    for step in EvidenceAction:
        second = 9 if step is EvidenceAction.ATTACH else None
        found = parse_evidence_button(evidence_button(step, 3, second))
        assert found is not None and (found.action, found.first, found.second) == (step, 3,
                                                                                   second)
    # An attach names both the file and the entry; nothing else takes a second id.
    assert parse_evidence_button("ev:a:3") is None
    assert parse_evidence_button("ev:x:3:4") is None
    assert parse_evidence_button("ev:q:3") is None


# The codes as they are in clinicians' chats today. Changing one makes every button already
# sent answer "expired", so a change here must be deliberate.
SENT_CODES = {
    Prefix: {"MOMENT": "m", "INBOX": "inbox", "LANGUAGE": "lang", "REFLECTION": "rf",
             "LOG": "lg", "SETTING": "st", "REMIND": "rm", "EXPORT": "ex", "ADMIN_EXPORT": "ax",
             "IMPORT": "im", "VOICE_CONSENT": "vc", "EVIDENCE": "ev", "ORGANISATION": "og",
             "PRIVACY": "pv", "ORG_NUDGE": "on", "SUPERADMIN": "sa"},
    EvidenceAction: {"CHOOSE": "c", "ATTACH": "a", "BACK": "b", "LIST": "l", "REMOVE": "x"},
    MomentAction: {"REFLECT": "r", "KEEP": "k", "DROP": "d", "UNDO": "u", "REDACT": "x"},
    ReflectionAction: {
        "CONTINUE": "go", "PARK_AND_START": "pk", "SKIP": "sk", "BACK": "bk", "USE_NOTE": "nt",
        "TEMPLATES": "tl", "TEMPLATE": "tp", "STOP": "cx", "MINUTES": "m", "SAVE": "sv",
        "DISCARD": "ds", "SECTIONS": "ed", "SECTION": "sc", "DATES": "dt", "DATE": "d",
        "TIMES": "tm", "ACTIVITIES": "ac", "ACTIVITY": "a", "ADD_TAGS": "tg", "TYPE_TAGS": "tt",
        "SHOW": "sh", "VIEW": "v", "ASK_DELETE": "dl", "DELETE": "dy", "RESTORE": "un",
        "DRAFT": "ai", "REDACT_NOTE": "rd", "EDIT_NOTE": "en", "KEEP_LOCAL": "lo",
        "SEND_NOTE": "sn", "REDACT_SEND": "rs"},
    SettingAction: {
        "MENU": "ms", "REMINDERS": "rm", "FRAMEWORKS": "fw", "FRAMEWORK": "fs",
        "PROFESSIONS": "pr", "PROFESSION": "ps", "ZONES": "tz", "ZONE": "zs", "TYPE_CITY": "zt",
        "SHARE_LOCATION": "zl", "CYCLE_DATE": "cd", "NO_CYCLE_DATE": "cx", "TARGET": "tg",
        "FRAMEWORK_TARGET": "tx", "ORGANISATIONS": "sh", "LANGUAGE": "ln", "AI_HELP": "ai",
        "VOICE_NOTES": "vo"},
    RemindAction: {"TIME": "t", "DAYS": "d", "TYPE_TIME": "ty", "KIND": "k",
                   "QUIET_SPELL": "qs", "QUIET_HOURS": "qh", "TYPE_QUIET_HOURS": "qt",
                   "PAUSE": "p", "RESUME": "r", "SNOOZE": "s"},
}  # fmt: skip


@pytest.mark.parametrize("kind", list(SENT_CODES), ids=lambda kind: kind.__name__)
def test_codes_already_in_chats_are_unchanged(kind: type[StrEnum]) -> None:
    assert {name: member.value for name, member in kind.__members__.items()} == SENT_CODES[kind]
