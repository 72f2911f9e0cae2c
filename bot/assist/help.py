"""AI help for one reflection: check the note locally, make the one call, keep what is grounded.

The order matters. The privacy guard runs before anything leaves the server. In "confirm" mode
nothing goes until the clinician has seen the exact text and pressed Send, and Send carries a
fingerprint of what they saw, so a note changed since is shown again, never sent unseen. In
"after-check" mode a flagged note goes out only once the clinician has redacted or edited it.
A note they chose to keep local never goes. The daily token limit is checked before the call,
the use recorded after it. Whatever goes wrong, the reflection stays where it was, so the
guided questions carry on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

from bot.assist import drafting
from bot.assist.provider import Failed, Failure, Provider, Usage
from bot.config import Config
from bot.library.loader import Library
from bot.privacy.guard import Finding, find_identifiers, redact
from bot.reflection import flow as reflections
from bot.reflection.flow import Draft
from storage import usage
from storage.engine import Database
from storage.models import LearningMoment, Reflection, utcnow


class Result(StrEnum):
    DRAFTED = "drafted"
    FLAGGED = "flagged"  # the note looks identifiable: the clinician chooses first
    CONFIRM = "confirm"  # nothing sent yet: the clinician sees `note` and presses Send first
    LOCAL = "local"  # the clinician keeps this note on this server only
    EMPTY = "empty"  # no text to draft from
    FAILED = "failed"
    GONE = "gone"  # the reflection can no longer be drafted (answered, saved, not theirs)


@dataclass(frozen=True)
class Drafted:
    result: Result
    reflection: Reflection | None = None
    draft: Draft | None = None
    failure: Failure | None = None
    note: str = ""
    findings: list[Finding] = field(default_factory=list)


def available(config: Config, provider: Provider | None) -> bool:
    return provider is not None and config.send_to_llm != "never"


def fingerprint(note: str) -> str:
    """A short digest of the exact text a confirm screen showed; its Send button carries it."""
    return hashlib.sha256(note.strip().encode()).hexdigest()[:16]


def offer(config: Config, provider: Provider | None, reflection: Reflection,
          moment: LearningMoment | None) -> bool:
    """Whether the question screen offers "draft it from my note"."""
    return (available(config, provider) and moment is not None and bool(moment.text.strip())
            and not moment.local_only and reflections.draftable(reflection))


async def draft(db: Database, library: Library, config: Config, provider: Provider,
                user_id: int, reflection_id: int, language: str,
                shown: str | None = None) -> Drafted:
    """Draft the reflection from its note. In confirm mode the call is made only with `shown`,
    the fingerprint of the text the clinician was shown and sent; without it, or if the note
    has changed since, the answer is CONFIRM with the text to show."""
    source = await reflections.draft_source(db, user_id, reflection_id)
    if source is None or not available(config, provider):
        return Drafted(Result.GONE)
    reflection, moment = source
    note = moment.text.strip()
    if not note:
        return Drafted(Result.EMPTY, reflection)
    if moment.local_only:
        return Drafted(Result.LOCAL, reflection)
    mode = config.send_to_llm
    if mode == "confirm" and shown != fingerprint(note):
        return Drafted(Result.CONFIRM, reflection, note=note, findings=find_identifiers(note))
    if mode == "after-check":
        findings = find_identifiers(note)
        if findings:
            return Drafted(Result.FLAGGED, reflection, note=note, findings=findings)
    limit = config.llm.daily_tokens_per_user
    if limit:
        async with db.session() as session:
            spent = await usage.tokens_on(session, user_id, utcnow().date())
        if spent >= limit:
            return _failed(reflection, provider.note_failure(Failure.OVER_LIMIT))
    template = reflections.template_of(library, reflection)
    answer = await provider.structured(drafting.messages(library, template, language, note),
                                       drafting.draft_schema(library, template))
    async with provider.landing:
        await _record(db, user_id, answer.usage, failed=isinstance(answer, Failed))
        if isinstance(answer, Failed):
            return _failed(reflection, answer)
        kept = drafting.keep_grounded(library, template, answer.parsed, note)
        drafted = await reflections.apply_draft(db, library, user_id, reflection_id, kept)
    if drafted is None:
        return Drafted(Result.GONE)
    return Drafted(Result.DRAFTED, drafted, kept)


async def redact_and_send(db: Database, library: Library, config: Config, provider: Provider,
                          user_id: int, reflection_id: int, language: str,
                          shown: str) -> Drafted:
    """"Redact and send" on a confirm screen: the text shown, its marked parts replaced, goes
    out. A note changed since that screen is left as it is and shown again."""
    sent: list[str] = []

    def redacted(text: str) -> str:
        if fingerprint(text) != shown:
            return text
        sent.append(redact(text, find_identifiers(text)))
        return sent[0]

    source = await reflections.draft_source(db, user_id, reflection_id)
    if source is None or not available(config, provider):
        return Drafted(Result.GONE)
    if fingerprint(source[1].text) == shown and await reflections.change_note(
            db, library, user_id, reflection_id, new_text=redacted) is None:
        return Drafted(Result.GONE)
    return await draft(db, library, config, provider, user_id, reflection_id, language,
                       shown=fingerprint(sent[0]) if sent else None)


def _failed(reflection: Reflection, failed: Failed) -> Drafted:
    return Drafted(Result.FAILED, reflection, failure=failed.failure)


async def _record(db: Database, user_id: int, spent: Usage, failed: bool = False,
                  audio_seconds: int = 0) -> None:
    async with db.session.begin() as session:
        await usage.add(session, user_id, utcnow().date(), calls=1,
                        prompt_tokens=spent.prompt_tokens,
                        completion_tokens=spent.completion_tokens,
                        failures=int(failed), audio_seconds=audio_seconds)


async def record_transcription(db: Database, user_id: int, failed: bool,
                               audio_seconds: int) -> None:
    await _record(db, user_id, Usage(), failed, audio_seconds)
