"""CPD records as xAPI 1.0.3 statements, for a learning record store (LRS).

One statement per record: the clinician (an opaque account, never an e-mail or a name)
"experienced" the learning activity. ADL has no "reflected" verb; the reflection travels as
the result's response, and only where the record's reflection is shared at all.

The statement id is a UUID derived from home_page and the record id, so exporting the same
record twice yields the same statement (an LRS stores it once; if the record was edited in
between, the LRS answers 409 Conflict rather than keeping two versions).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, TextIO

from bot.exports.columns import reflection_text
from bot.exports.rows import RecordRow

__all__ = ["ACTIVITY_TYPES", "VERB", "problems", "statement", "write_statements"]

VERB = "http://adlnet.gov/expapi/verbs/experienced"

# Our activity ids (prompts/activities.toml) as ADL activity types, where one fits; others
# get a type under the deployment's home page (see _activity_type).
ACTIVITY_TYPES = {
    "point_of_care": "http://adlnet.gov/expapi/activities/performance",  # learning at work
    "case": "http://adlnet.gov/expapi/activities/performance",  # a case one handled
    "reading": "http://adlnet.gov/expapi/activities/media",  # reading, podcast, e-learning
    "event": "http://adlnet.gov/expapi/activities/meeting",  # conference, course, lecture
    "feedback": "http://adlnet.gov/expapi/activities/assessment",  # feedback, audit, incident
    # teaching, other: no ADL type says it, so "{home_page}/xapi/activity-types/{id}"
}


def _activity_type(activity_type: str, home_page: str) -> str:
    return ACTIVITY_TYPES.get(activity_type) or f"{home_page}/xapi/activity-types/{activity_type}"


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"PT{rest}M"
    return f"PT{hours}H{rest}M" if rest else f"PT{hours}H"


def _number(value: Decimal) -> int | float:
    """JSON has no decimals; whole credits stay integers."""
    return int(value) if value == value.to_integral_value() else float(value)


def statement(
    row: RecordRow, *, home_page: str, platform: str = "cpdbot", language: str = "en"
) -> dict[str, Any]:
    """The xAPI statement for one record; home_page is this deployment's absolute URL."""
    home_page = home_page.rstrip("/")
    extension = f"{home_page}/xapi"
    result: dict[str, Any] = {"completion": True}
    if row.minutes is not None:
        result["duration"] = _duration(row.minutes)
    if row.reflection is not None:
        result["response"] = reflection_text(row.reflection)
    result["extensions"] = {
        f"{extension}/credits": _number(row.credits),
        f"{extension}/unit": row.unit,
        f"{extension}/category": row.category,
        f"{extension}/framework": row.framework_id,
        f"{extension}/ai-assisted": row.ai_assisted,
    }
    activity = f"{home_page}/activities/{row.record_id}"
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{home_page}/records/{row.record_id}")),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": home_page, "name": str(row.user_id)},
        },
        "verb": {"id": VERB, "display": {"en-US": "experienced"}},
        "object": {
            "objectType": "Activity",
            "id": activity,
            "definition": {
                "name": {language: row.title},
                "description": {language: row.activity_name},
                "type": _activity_type(row.activity_type, home_page),
            },
        },
        "result": result,
        "context": {"platform": platform, "language": language},
        "timestamp": f"{row.activity_date.isoformat()}T00:00:00Z",
    }


def write_statements(rows: Iterable[RecordRow], out: TextIO, **kwargs: Any) -> int:
    """Stream the statements as one JSON array; kwargs go to statement(). Return the count."""
    count = 0
    out.write("[")
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(statement(row, **kwargs), ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


# --- Checking: the rules of xAPI 1.0.3 that the statements above rely on -------------------

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
# An absolute IRI: a scheme, a colon, then no spaces or controls (RFC 3987, loosely).
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f<>\"{}|\\^`]+$")
# RFC 5646 language tag (langtag, private use and the common grandfathered forms); the
# 4-8 letter primary subtags the grammar allows are left out, as IANA has registered none.
_LANGUAGE_TAG = re.compile(
    r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}"  # language, extlang
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"  # variants
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"  # extensions
    r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?"  # private use
    r"|[xX](?:-[A-Za-z0-9]{1,8})+"  # private use only
    r"|i-[A-Za-z]{3,8}|en-GB-oed|sgn-[A-Z]{2}-[A-Z]{3})$"  # some grandfathered tags
)
_DURATION = re.compile(
    r"^P(?!$)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?W)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?$"
)
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$"
)
_STATEMENT_KEYS = {
    "id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
    "version", "attachments",
}  # fmt: skip
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def problems(statement: dict[str, Any]) -> list[str]:
    """What makes this statement one an LRS would reject, as readable lines; [] when none."""
    found: list[str] = []
    if not isinstance(statement, dict):
        return ["a statement must be a JSON object"]
    found += [f"unknown property {key!r}" for key in statement.keys() - _STATEMENT_KEYS]
    if "id" in statement and not (
        isinstance(statement["id"], str) and _UUID.match(statement["id"])
    ):
        found.append("id must be a UUID in lower-case hyphenated form")
    for required in ("actor", "verb", "object"):
        if required not in statement:
            found.append(f"{required} is required")
    if "actor" in statement:
        found += _agent_problems(statement["actor"], "actor")
    if "verb" in statement:
        verb = statement["verb"]
        if not isinstance(verb, dict):
            found.append("verb must be an object")
        else:
            found += _iri_problems(verb.get("id"), "verb.id")
            if "display" in verb:
                found += _language_map_problems(verb["display"], "verb.display")
    if "object" in statement:
        found += _activity_problems(statement["object"])
    if "result" in statement:
        found += _result_problems(statement["result"])
    if "context" in statement:
        found += _context_problems(statement["context"])
    if "timestamp" in statement:
        found += _timestamp_problems(statement["timestamp"], "timestamp")
    return found


def _iri_problems(value: object, where: str) -> list[str]:
    if not isinstance(value, str) or not _IRI.match(value):
        return [f"{where} must be an absolute IRI, not {value!r}"]
    return []


def _language_map_problems(value: object, where: str) -> list[str]:
    if not isinstance(value, dict) or not value:
        return [f"{where} must be a non-empty language map"]
    found = []
    for tag, text in value.items():
        if not isinstance(tag, str) or not _LANGUAGE_TAG.match(tag):
            found.append(f"{where} key {tag!r} is not an RFC 5646 language tag")
        if not isinstance(text, str):
            found.append(f"{where}[{tag!r}] must be a string")
    return found


def _extensions_problems(value: object, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where} must be an object"]
    return [p for key in value for p in _iri_problems(key, f"{where} key")]


def _agent_problems(agent: object, where: str) -> list[str]:
    if not isinstance(agent, dict):
        return [f"{where} must be an object"]
    if agent.get("objectType", "Agent") != "Agent":
        return [f"{where}.objectType must be Agent (groups are not exported)"]
    ifis = [key for key in _IFIS if key in agent]
    if len(ifis) != 1:
        return [f"{where} must have exactly one identifier of {', '.join(_IFIS)}"]
    if ifis != ["account"]:
        return []
    account = agent["account"]
    if not isinstance(account, dict):
        return [f"{where}.account must be an object"]
    found = _iri_problems(account.get("homePage"), f"{where}.account.homePage")
    if not isinstance(account.get("name"), str) or not account["name"]:
        found.append(f"{where}.account.name must be a non-empty string")
    return found


def _activity_problems(activity: object) -> list[str]:
    if not isinstance(activity, dict):
        return ["object must be an object"]
    if activity.get("objectType", "Activity") != "Activity":
        return ["object.objectType must be Activity"]
    found = _iri_problems(activity.get("id"), "object.id")
    definition = activity.get("definition", {})
    if not isinstance(definition, dict):
        return [*found, "object.definition must be an object"]
    for key in ("name", "description"):
        if key in definition:
            found += _language_map_problems(definition[key], f"object.definition.{key}")
    if "type" in definition:
        found += _iri_problems(definition["type"], "object.definition.type")
    if "extensions" in definition:
        found += _extensions_problems(definition["extensions"], "object.definition.extensions")
    return found


def _result_problems(result: object) -> list[str]:
    if not isinstance(result, dict):
        return ["result must be an object"]
    found = []
    for key in ("completion", "success"):
        if key in result and not isinstance(result[key], bool):
            found.append(f"result.{key} must be true or false")
    if "response" in result and not isinstance(result["response"], str):
        found.append("result.response must be a string")
    if "duration" in result and not (
        isinstance(result["duration"], str) and _DURATION.match(result["duration"])
    ):
        found.append(f"result.duration must be an ISO 8601 duration, not {result['duration']!r}")
    if "extensions" in result:
        found += _extensions_problems(result["extensions"], "result.extensions")
    return found


def _context_problems(context: object) -> list[str]:
    if not isinstance(context, dict):
        return ["context must be an object"]
    found = []
    if "platform" in context and not isinstance(context["platform"], str):
        found.append("context.platform must be a string")
    language = context.get("language")
    if language is not None and not (isinstance(language, str) and _LANGUAGE_TAG.match(language)):
        found.append(f"context.language {language!r} is not an RFC 5646 language tag")
    if "extensions" in context:
        found += _extensions_problems(context["extensions"], "context.extensions")
    return found


def _timestamp_problems(value: object, where: str) -> list[str]:
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        return [f"{where} must be an ISO 8601 date-time with a time zone, not {value!r}"]
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return [f"{where} {value!r} is not a real date and time"]
    return []
