"""Guided reflection: a state machine whose state is a database row.

A reflection walks through its template's steps, then the time spent, then a summary card
where the clinician saves it to their log. The row holds the template, the step and the
answers; the user's row holds what their next text message answers. So a restart, or another
instance, carries on at the same step. Every write to a reflection is conditional on its
version, and a text answer also on its message id, so a stale button or a redelivered message
changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from bot.common.dates import MAX_DAYS_BACK, DateProblem, parse_date
from bot.common.durations import find_duration, parse_duration
from bot.common.text import clean_text
from bot.common.timezones import local_date
from bot.cpd import records as credit_records
from bot.library.classify import (
    hashtags,
    parse_tags,
    suggest_activity,
    suggest_template,
    topic_tags,
)
from bot.library.loader import Library, Template
from storage import moments, reflections, users
from storage.engine import Database
from storage.models import LearningMoment, Reflection, utcnow
from storage.vocabulary import Awaiting, MomentStatus, ReflectionStatus

# A draft untouched this long is parked rather than fed the user's next note as an answer;
# an edit prompt left this long is forgotten. Either way the message is kept as a new note.
IDLE_AFTER = timedelta(hours=24)
EDIT_IDLE_AFTER = timedelta(hours=1)
EDIT_INPUTS = (Awaiting.DATE, Awaiting.MINUTES, Awaiting.TAGS)

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Draft:
    """What AI help kept of a model's answer, ready to go into a reflection: the writer owns
    its input type, so reflections need nothing from the assist package."""

    title: str
    activity: str
    minutes: int | None
    tags: list[str]
    sections: dict[str, str]  # only the grounded ones
    questions: dict[str, str]  # a question for every section still empty
    dropped: list[str]  # sections the model wrote but the note doesn't support


class Stage(StrEnum):
    STEP = "step"  # answering one of the template's questions
    TIME = "time"  # how long it took: the last question of every template
    REVIEW = "review"  # the summary card


def stage_of(reflection: Reflection, template: Template) -> Stage:
    if reflection.step < len(template.steps):
        return Stage.STEP
    return Stage.TIME if reflection.step == len(template.steps) else Stage.REVIEW


def _advance(reflection: Reflection, template: Template, after: int | None = None) -> int:
    """The next question. An AI draft asks only what it left unanswered, and skips the time
    question if the note stated the time."""
    step = (reflection.step if after is None else after) + 1
    if reflection.ai_assisted:
        while step < len(template.steps) and \
                (reflection.answers.get(template.steps[step].id) or "").strip():
            step += 1
        if step == len(template.steps) and reflection.minutes is not None:
            step += 1
    return min(step, len(template.steps) + 1)


def progress(reflection: Reflection, template: Template) -> tuple[int, int]:
    """(2, 4): the question being asked, of all of them including the time spent."""
    total = len(template.steps) + 1
    return min(reflection.step + 1, total), total


def template_of(library: Library, reflection: Reflection) -> Template:
    """The reflection's template; if its file was since removed, the first one still shown."""
    return library.templates.get(reflection.template_id) or next(iter(library.templates.values()))


def none_if_lost_race(
    operation: Callable[P, Awaitable[T | None]],
) -> Callable[P, Awaitable[T | None]]:
    """A write that lost a race with another (a double tap, a second instance) did nothing:
    the row's version moved on, or another reflection was opened first."""

    @wraps(operation)
    async def guarded(*args: P.args, **kwargs: P.kwargs) -> T | None:
        try:
            return await operation(*args, **kwargs)
        except (StaleDataError, IntegrityError):
            return None

    return guarded


async def _moment_text(session: AsyncSession, reflection: Reflection) -> str:
    if reflection.moment_id is None:
        return ""
    moment = await moments.get_owned(session, reflection.moment_id, reflection.user_id)
    return moment.text if moment else ""


def _reindex(reflection: Reflection, moment_text: str) -> None:
    """Refresh the derived search columns and the timestamp after any change."""
    texts = [moment_text, *reflection.answers.values()]
    every_tag = list(dict.fromkeys([*reflection.tags, *hashtags("\n".join(texts))]))
    reflection.tags_text = f" {' '.join(every_tag)} " if every_tag else ""
    reflection.search_text = "\n".join([*texts, *every_tag]).lower()
    reflection.updated_at = utcnow()


async def _touch(session: AsyncSession, library: Library, reflection: Reflection) -> None:
    """After any change: refresh the search columns, and a log entry's CPD record."""
    _reindex(reflection, await _moment_text(session, reflection))
    if reflection.status == ReflectionStatus.SAVED:
        await credit_records.sync_reflection(session, library, reflection,
                                             f"user:{reflection.user_id}")


def all_tags(reflection: Reflection) -> list[str]:
    return reflection.tags_text.split()


def proposed_tags(library: Library, reflection: Reflection, language: str,
                  moment_text: str) -> list[str]:
    """Topic tags the text suggests that the reflection does not carry yet."""
    text = "\n".join([moment_text, *reflection.answers.values()])
    have = set(all_tags(reflection))
    return [tag for tag in topic_tags(library, text, language) if tag not in have]


# --- starting, resuming, parking ---------------------------------------------------------


@dataclass(frozen=True)
class Begin:
    """What pressing "reflect" led to."""

    reflection: Reflection | None = None  # the draft to show, or the saved entry
    blocked_by: Reflection | None = None  # another reflection is in progress
    saved_already: bool = False
    created: bool = False  # a new draft: nothing asked or answered yet


async def _expect_step(session: AsyncSession, reflection: Reflection, template: Template) -> None:
    field = None if stage_of(reflection, template) is Stage.REVIEW else Awaiting.STEP
    await users.expect_input(session, reflection.user_id,
                             reflection.id if field else None, field)


async def _done_editing(session: AsyncSession, library: Library, user_id: int,
                        reflection_id: int) -> None:
    """Stop treating text as a new value for this reflection. If a draft is open at a
    question (an entry was edited in the middle of it), text answers that question again."""
    await users.stop_expecting(session, user_id, reflection_id)
    if await users.pending_input(session, user_id) is None:
        in_progress = await reflections.open_of(session, user_id)
        if in_progress is not None:
            await _expect_step(session, in_progress, template_of(library, in_progress))


@none_if_lost_race
async def begin(db: Database, library: Library, user_id: int, moment_id: int) -> Begin | None:
    """Start (or pick up) the reflection on a moment; None if the moment isn't the user's."""
    async with db.session.begin() as session:
        moment = await moments.get_owned(session, moment_id, user_id)
        if moment is None or moment.status == MomentStatus.DROPPED:
            return None
        existing = await reflections.for_moment(session, user_id, moment_id)
        if existing is not None and existing.status == ReflectionStatus.SAVED:
            return Begin(existing, saved_already=True)
        in_progress = await reflections.open_of(session, user_id)
        if in_progress is not None and in_progress is not existing:
            return Begin(blocked_by=in_progress)
        reflection = existing or _new_reflection(library, moment,
                                                  await users.time_zone_of(session, user_id))
        reflection.status = ReflectionStatus.OPEN
        reflection.updated_at = utcnow()  # picked up now, so not idle
        session.add(reflection)
        await session.flush()
        await _expect_step(session, reflection, template_of(library, reflection))
        return Begin(reflection, created=existing is None)


def _new_reflection(library: Library, moment: LearningMoment, zone: str | None) -> Reflection:
    activity = suggest_activity(library, moment.kind, moment.text)
    now = utcnow()
    reflection = Reflection(
        user_id=moment.user_id, moment_id=moment.id,
        template_id=suggest_template(library, activity), status=ReflectionStatus.OPEN, step=0,
        answers={},
        activity_type=activity, activity_date=local_date(moment.sent_at, zone),
        minutes=find_duration(moment.text),
        tags=[], started_at=now)
    _reindex(reflection, moment.text)
    return reflection


async def _park(session: AsyncSession, reflection: Reflection) -> None:
    reflection.status = ReflectionStatus.PARKED
    reflection.updated_at = utcnow()
    await users.stop_expecting(session, reflection.user_id, reflection.id)


@none_if_lost_race
async def park(db: Database, user_id: int, reflection_id: int) -> Reflection | None:
    """Put an open draft aside; its answers stay, and /reflect picks it up again."""
    async with db.session.begin() as session:
        reflection = await reflections.get_owned(session, reflection_id, user_id)
        if reflection is None or reflection.status != ReflectionStatus.OPEN:
            return None
        await _park(session, reflection)
        return reflection


@none_if_lost_race
async def resume(db: Database, library: Library, user_id: int,
                 reflection_id: int) -> Begin | None:
    """Continue a draft: the open one, or a parked one if nothing else is open."""
    async with db.session.begin() as session:
        reflection = await reflections.get_owned(session, reflection_id, user_id)
        if reflection is None or reflection.status not in reflections.DRAFT_STATUSES:
            return None
        if reflection.status == ReflectionStatus.PARKED:
            in_progress = await reflections.open_of(session, user_id)
            if in_progress is not None:
                return Begin(blocked_by=in_progress)
            reflection.status = ReflectionStatus.OPEN
        reflection.updated_at = utcnow()  # picked up now, so not idle
        await session.flush()
        await _expect_step(session, reflection, template_of(library, reflection))
        return Begin(reflection)


async def open_reflection(db: Database, user_id: int) -> Reflection | None:
    async with db.session() as session:
        return await reflections.open_of(session, user_id)


async def parked(db: Database, user_id: int, limit: int = 5) -> list[Reflection]:
    async with db.session() as session:
        return list(await reflections.parked_of(session, user_id, limit))


async def was_an_answer(db: Database, user_id: int, message_id: int) -> bool:
    async with db.session() as session:
        return await reflections.answered_since(session, user_id, message_id)


async def owned(db: Database, user_id: int, reflection_id: int) -> Reflection | None:
    async with db.session() as session:
        return await reflections.get_owned(session, reflection_id, user_id)


# --- answering and moving between steps --------------------------------------------------


class Outcome(StrEnum):
    NEXT = "next"  # answered a step: ask the next one, or show the card
    EDITED = "edited"  # changed a saved or reviewed reflection: show it again
    TOO_LONG = "too_long"
    BAD_DURATION = "bad_duration"
    BAD_DATE = "bad_date"
    REPEATED = "repeated"  # a redelivered message, already applied
    PARKED = "parked"  # the draft was idle too long; the message is a new note
    NOTE = "note"  # replaced the note's text, before AI help drafts from it


@dataclass(frozen=True)
class Answered:
    outcome: Outcome
    reflection: Reflection
    limit: int = 0
    date_problem: DateProblem | None = None


@none_if_lost_race
async def take_input(
    db: Database, library: Library, user_id: int, message_id: int, text: str, today: date
) -> Answered | None:
    """Apply a text message to whatever the user is answering; None if nothing is pending."""
    async with db.session.begin() as session:
        pending = await users.pending_input(session, user_id)
        if pending is None:
            return None
        reflection_id, field = pending
        reflection = await reflections.get_owned(session, reflection_id, user_id)
        if reflection is None or reflection.status not in (ReflectionStatus.OPEN,
                                                           ReflectionStatus.SAVED):
            await users.stop_expecting(session, user_id, reflection_id)
            return None
        if reflection.last_message_id is not None and message_id <= reflection.last_message_id:
            return Answered(Outcome.REPEATED, reflection)
        idle = utcnow() - reflection.updated_at
        if field == Awaiting.STEP and idle > IDLE_AFTER:
            await _park(session, reflection)
            return Answered(Outcome.PARKED, reflection)
        if field != Awaiting.STEP and idle > EDIT_IDLE_AFTER:
            await _done_editing(session, library, user_id, reflection_id)
            return None
        if field == Awaiting.NOTE:
            await _replace_note(session, reflection, clean_text(text).strip())
            reflection.last_message_id = message_id
            await _touch(session, library, reflection)
            await _done_editing(session, library, user_id, reflection_id)
            return Answered(Outcome.NOTE, reflection)
        answered = _apply(library, reflection, field, clean_text(text).strip(), today)
        if answered.outcome in (Outcome.NEXT, Outcome.EDITED):
            reflection.last_message_id = message_id
            await _touch(session, library, reflection)
            if answered.outcome is Outcome.EDITED:
                await _done_editing(session, library, user_id, reflection_id)
            else:
                await _expect_step(session, reflection, template_of(library, reflection))
        return answered


def _apply(library: Library, reflection: Reflection, field: str, text: str,
           today: date) -> Answered:
    template = template_of(library, reflection)
    if field == Awaiting.STEP:
        stage = stage_of(reflection, template)
        if stage is Stage.STEP:
            step = template.steps[reflection.step]
            if len(text) > step.max_length:
                return Answered(Outcome.TOO_LONG, reflection, limit=step.max_length)
            reflection.answers = {**reflection.answers, step.id: text}
        elif stage is Stage.TIME:
            minutes = parse_duration(text)
            if minutes is None:
                return Answered(Outcome.BAD_DURATION, reflection)
            reflection.minutes = minutes
        reflection.step = _advance(reflection, template)
        return Answered(Outcome.NEXT, reflection)
    if field.startswith(Awaiting.SECTION):
        section = template.step(field.removeprefix(Awaiting.SECTION))
        if section is None:  # the template file changed since the edit began
            return Answered(Outcome.EDITED, reflection)
        step = section
        if len(text) > step.max_length:
            return Answered(Outcome.TOO_LONG, reflection, limit=step.max_length)
        reflection.answers = {**reflection.answers, step.id: text}
    elif field == Awaiting.DATE:
        found = parse_date(text, today)
        if isinstance(found, DateProblem):
            return Answered(Outcome.BAD_DATE, reflection, date_problem=found)
        reflection.activity_date = found
    elif field == Awaiting.MINUTES:
        minutes = parse_duration(text)
        if minutes is None:
            return Answered(Outcome.BAD_DURATION, reflection)
        reflection.minutes = minutes
    elif field == Awaiting.TAGS:
        reflection.tags = parse_tags(text)
    return Answered(Outcome.EDITED, reflection)


class Move(StrEnum):
    DONE = "done"
    REQUIRED = "required"  # this question can't be skipped
    FIRST = "first"  # there is no question before this one
    NOTHING = "nothing"  # no reflection in progress


@dataclass(frozen=True)
class Moved:
    move: Move
    reflection: Reflection | None = None


@none_if_lost_race
async def skip(db: Database, library: Library, user_id: int,
               reflection_id: int | None = None, at_step: int | None = None) -> Moved | None:
    """Move on without a new answer: past an optional question, the time spent, or one
    already answered. Buttons name the reflection and step; /skip means the open one."""
    async with db.session.begin() as session:
        reflection = await _current(session, user_id, reflection_id, at_step)
        if reflection is None:
            return Moved(Move.NOTHING) if reflection_id is None else None
        template = template_of(library, reflection)
        stage = stage_of(reflection, template)
        if stage is Stage.REVIEW:
            return Moved(Move.NOTHING, reflection)
        if stage is Stage.STEP:
            step = template.steps[reflection.step]
            if step.required and not reflection.answers.get(step.id):
                return Moved(Move.REQUIRED, reflection)
        reflection.step = _advance(reflection, template)
        await _touch(session, library, reflection)
        await _expect_step(session, reflection, template)
        return Moved(Move.DONE, reflection)


@none_if_lost_race
async def back(db: Database, library: Library, user_id: int,
               reflection_id: int | None = None, at_step: int | None = None) -> Moved | None:
    async with db.session.begin() as session:
        reflection = await _current(session, user_id, reflection_id, at_step)
        if reflection is None:
            return Moved(Move.NOTHING) if reflection_id is None else None
        if reflection.step == 0:
            return Moved(Move.FIRST, reflection)
        template = template_of(library, reflection)
        reflection.step = min(reflection.step, len(template.steps) + 1) - 1
        await _touch(session, library, reflection)
        await _expect_step(session, reflection, template)
        return Moved(Move.DONE, reflection)


async def _current(session: AsyncSession, user_id: int, reflection_id: int | None,
                   at_step: int | None) -> Reflection | None:
    if reflection_id is None:
        return await reflections.open_of(session, user_id)
    reflection = await reflections.get_owned(session, reflection_id, user_id)
    if reflection is None or reflection.status != ReflectionStatus.OPEN:
        return None
    if at_step is not None and reflection.step != at_step:
        return None  # a button from an earlier question
    return reflection


class Cancelled(StrEnum):
    EDIT = "edit"  # an edit was abandoned; the reflection is as it was
    PARKED = "parked"
    NOTHING = "nothing"


@none_if_lost_race
async def cancel(db: Database, library: Library,
                 user_id: int) -> tuple[Cancelled, Reflection | None] | None:
    """/cancel: stop an edit, or park the reflection in progress. Nothing is lost either way."""
    async with db.session.begin() as session:
        pending = await users.pending_input(session, user_id)
        if pending is not None and pending[1] != Awaiting.STEP:
            await _done_editing(session, library, user_id, pending[0])
            reflection = await reflections.get_owned(session, pending[0], user_id)
            return (Cancelled.EDIT, reflection) if reflection else (Cancelled.NOTHING, None)
        reflection = await reflections.open_of(session, user_id)
        if reflection is None:
            return Cancelled.NOTHING, None
        await _park(session, reflection)
        return Cancelled.PARKED, reflection


@none_if_lost_race
async def use_note(db: Database, library: Library, user_id: int, reflection_id: int,
                   at_step: int) -> Reflection | None:
    """Answer the current question with the captured text, so nothing is typed twice."""
    async with db.session.begin() as session:
        reflection = await _current(session, user_id, reflection_id, at_step)
        if reflection is None:
            return None
        template = template_of(library, reflection)
        text = (await _moment_text(session, reflection)).strip()
        if not text or stage_of(reflection, template) is not Stage.STEP:
            return None
        step = template.steps[reflection.step]
        if len(text) > step.max_length:  # the button is only offered when the note fits
            return None
        reflection.answers = {**reflection.answers, step.id: text}
        reflection.step = _advance(reflection, template)
        await _touch(session, library, reflection)
        await _expect_step(session, reflection, template)
        return reflection


@none_if_lost_race
async def choose_template(db: Database, library: Library, user_id: int, reflection_id: int,
                          template_id: str) -> Reflection | None:
    """Switch template before the first answer (afterwards answers would be lost)."""
    if template_id not in library.templates:
        return None
    async with db.session.begin() as session:
        reflection = await _current(session, user_id, reflection_id, 0)
        if reflection is None or reflection.answers:
            return None
        reflection.template_id = template_id
        await _touch(session, library, reflection)
        await _expect_step(session, reflection, library.templates[template_id])
        return reflection


# --- the summary card and editing ------------------------------------------------------------


async def _editable(session: AsyncSession, library: Library, user_id: int,
                    reflection_id: int) -> Reflection | None:
    """A draft at its summary card, or a saved entry: the two things that can be edited."""
    reflection = await reflections.get_owned(session, reflection_id, user_id)
    if reflection is None:
        return None
    if reflection.status == ReflectionStatus.SAVED:
        return reflection
    at_card = stage_of(reflection, template_of(library, reflection)) is Stage.REVIEW
    return reflection if reflection.status == ReflectionStatus.OPEN and at_card else None


async def editable(db: Database, library: Library, user_id: int,
                   reflection_id: int) -> Reflection | None:
    async with db.session() as session:
        return await _editable(session, library, user_id, reflection_id)


async def stop_editing(db: Database, library: Library, user_id: int,
                       reflection_id: int) -> Reflection | None:
    """Leave an edit menu: the next text message is a new note again."""
    async with db.session.begin() as session:
        reflection = await _editable(session, library, user_id, reflection_id)
        if reflection is not None:
            await _done_editing(session, library, user_id, reflection.id)
        return reflection


@none_if_lost_race
async def expect_edit(db: Database, library: Library, user_id: int, reflection_id: int,
                      field: str) -> Reflection | None:
    """Make the user's next text message the new value of a section, the date, the time or
    the tags."""
    async with db.session.begin() as session:
        reflection = await _editable(session, library, user_id, reflection_id)
        if reflection is None:
            return None
        if field.startswith(Awaiting.SECTION):
            step_id = field.removeprefix(Awaiting.SECTION)
            if template_of(library, reflection).step(step_id) is None:
                return None
        elif field not in EDIT_INPUTS:
            return None
        reflection.updated_at = utcnow()  # the edit prompt's idle clock starts now
        await users.expect_input(session, user_id, reflection.id, field)
        return reflection


@none_if_lost_race
async def set_minutes(db: Database, library: Library, user_id: int, reflection_id: int,
                      minutes: int | None) -> Reflection | None:
    """A time button: answers the time question, or edits the time on the card."""
    async with db.session.begin() as session:
        reflection = await reflections.get_owned(session, reflection_id, user_id)
        answering = (reflection is not None and reflection.status == ReflectionStatus.OPEN
                     and stage_of(reflection, template_of(library, reflection)) is Stage.TIME)
        if not answering:
            reflection = await _editable(session, library, user_id, reflection_id)
        if reflection is None:
            return None
        reflection.minutes = minutes
        await _touch(session, library, reflection)
        if answering:
            reflection.step += 1
            await _expect_step(session, reflection, template_of(library, reflection))
        else:
            await _done_editing(session, library, user_id, reflection.id)
        return reflection


@none_if_lost_race
async def set_date(db: Database, library: Library, user_id: int, reflection_id: int,
                   days_ago: int, today: date) -> Reflection | None:
    if not 0 <= days_ago <= MAX_DAYS_BACK:
        return None
    return await _edit(db, library, user_id, reflection_id,
                       activity_date=today - timedelta(days=days_ago))


@none_if_lost_race
async def set_activity(db: Database, library: Library, user_id: int, reflection_id: int,
                       activity: str) -> Reflection | None:
    if activity not in library.activities:
        return None
    return await _edit(db, library, user_id, reflection_id, activity_type=activity)


@none_if_lost_race
async def add_proposed_tags(db: Database, library: Library, user_id: int, reflection_id: int,
                            language: str) -> Reflection | None:
    async with db.session.begin() as session:
        reflection = await _editable(session, library, user_id, reflection_id)
        if reflection is None:
            return None
        moment_text = await _moment_text(session, reflection)
        extra = proposed_tags(library, reflection, language, moment_text)
        if not extra:
            return None
        reflection.tags = [*reflection.tags, *extra]
        _reindex(reflection, moment_text)
        return reflection


async def _edit(db: Database, library: Library, user_id: int, reflection_id: int,
                **values: object) -> Reflection | None:
    async with db.session.begin() as session:
        reflection = await _editable(session, library, user_id, reflection_id)
        if reflection is None:
            return None
        for name, value in values.items():
            setattr(reflection, name, value)
        await _touch(session, library, reflection)
        await _done_editing(session, library, user_id, reflection.id)
        return reflection


@none_if_lost_race
async def save(db: Database, library: Library, user_id: int,
               reflection_id: int) -> Reflection | None:
    """The summary card's Save: the draft becomes a log entry, its moment is reflected."""
    async with db.session.begin() as session:
        reflection = await _editable(session, library, user_id, reflection_id)
        if reflection is None or reflection.status != ReflectionStatus.OPEN:
            return None
        reflection.status = ReflectionStatus.SAVED
        reflection.saved_at = utcnow()
        await _touch(session, library, reflection)
        if reflection.moment_id is not None:
            await moments.transition(session, reflection.moment_id, user_id,
                                     (MomentStatus.NEW, MomentStatus.KEPT),
                                     MomentStatus.REFLECTED)
        await users.stop_expecting(session, user_id, reflection.id)
        return reflection


@none_if_lost_race
async def discard(db: Database, user_id: int, reflection_id: int) -> Reflection | None:
    """Throw a draft away. Its moment stays in the inbox: only the answers go."""
    async with db.session.begin() as session:
        reflection = await reflections.get_owned(session, reflection_id, user_id)
        if reflection is None or reflection.status not in reflections.DRAFT_STATUSES:
            return None
        if reflection.moment_id is not None:
            await moments.transition(session, reflection.moment_id, user_id,
                                     (MomentStatus.NEW,), MomentStatus.KEPT)
        await users.stop_expecting(session, user_id, reflection.id)
        await session.delete(reflection)
        return reflection


# --- AI help: a draft of the sections from the clinician's note ------------------------------


def draftable(reflection: Reflection) -> bool:
    """Only a fresh reflection is drafted: nothing answered, and not drafted before."""
    return (reflection.status == ReflectionStatus.OPEN and reflection.step == 0
            and not reflection.answers
            and not reflection.ai_assisted)


async def _draftable(session: AsyncSession, user_id: int, reflection_id: int
                     ) -> tuple[Reflection, LearningMoment] | None:
    reflection = await reflections.get_owned(session, reflection_id, user_id)
    if reflection is None or not draftable(reflection) or reflection.moment_id is None:
        return None
    moment = await moments.get_owned(session, reflection.moment_id, user_id)
    return (reflection, moment) if moment is not None else None


async def draft_source(db: Database, user_id: int, reflection_id: int
                       ) -> tuple[Reflection, LearningMoment] | None:
    async with db.session() as session:
        return await _draftable(session, user_id, reflection_id)


@none_if_lost_race
async def apply_draft(db: Database, library: Library, user_id: int, reflection_id: int,
                      draft: Draft) -> Reflection | None:
    """Put the grounded sections in, then ask only what is missing. The reflection is marked
    AI-assisted from here on, and so is its CPD record."""
    async with db.session.begin() as session:
        found = await _draftable(session, user_id, reflection_id)
        if found is None:
            return None
        reflection = found[0]
        template = template_of(library, reflection)
        reflection.answers = dict(draft.sections)
        reflection.follow_ups = dict(draft.questions) or None
        reflection.title = draft.title or None
        reflection.activity_type = draft.activity
        if draft.minutes is not None:
            reflection.minutes = draft.minutes
        reflection.tags = list(dict.fromkeys([*reflection.tags, *draft.tags]))
        reflection.ai_assisted = True
        reflection.step = _advance(reflection, template, after=-1)
        await _touch(session, library, reflection)
        await _expect_step(session, reflection, template)
        return reflection


async def _replace_note(session: AsyncSession, reflection: Reflection, text: str) -> None:
    if reflection.moment_id is None:
        return
    moment = await moments.get_owned(session, reflection.moment_id, reflection.user_id)
    if moment is not None:
        moment.text = text
        moment.edited_at = utcnow()


@none_if_lost_race
async def change_note(db: Database, library: Library, user_id: int, reflection_id: int,
                      new_text: Callable[[str], str] | None = None,
                      local_only: bool | None = None) -> Reflection | None:
    """Before a draft: redact the note (`new_text`), keep it on this server only, or (with
    neither) wait for the user's next message as its new text."""
    async with db.session.begin() as session:
        found = await _draftable(session, user_id, reflection_id)
        if found is None:
            return None
        reflection, moment = found
        if moment.local_only:
            return None  # kept on this server: nothing more to clear
        if new_text is not None:
            await _replace_note(session, reflection, new_text(moment.text))
        if local_only is not None:
            moment.local_only = local_only
        if new_text is None and local_only is None:
            await users.expect_input(session, user_id, reflection.id, Awaiting.NOTE)
        reflection.updated_at = utcnow()
        await _touch(session, library, reflection)
        return reflection
