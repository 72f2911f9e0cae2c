"""Attach a captured photo or document to a log entry as its evidence, list and detach it.

The file stays a learning moment (it was stored the moment it arrived); attaching only links
it and takes it out of the inbox. Detaching the last link puts it back there, so nothing a
clinician sent is lost by changing their mind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from storage import evidence, moments, reflections
from storage.engine import Database
from storage.models import Evidence, LearningMoment, Reflection
from storage.vocabulary import MomentStatus, ReflectionStatus

EVIDENCE_KINDS = ("photo", "document")
ENTRY_STATUSES = (ReflectionStatus.OPEN, ReflectionStatus.PARKED, ReflectionStatus.SAVED)
CHOICES = 6  # entries offered under a file: the drafts, then the newest saved


@dataclass(frozen=True)
class Attached:
    reflection: Reflection
    moment: LearningMoment
    new: bool  # False: it was attached already


def can_be_evidence(moment: LearningMoment) -> bool:
    return moment.kind in EVIDENCE_KINDS and moment.file_id is not None


async def entries_to_choose(db: Database, user_id: int) -> Sequence[Reflection]:
    """What a file can be attached to: drafts in progress first, then the newest entries."""
    async with db.session() as session:
        return (await session.scalars(
            select(Reflection)
            .where(Reflection.user_id == user_id, Reflection.status.in_(ENTRY_STATUSES))
            .order_by((Reflection.status == ReflectionStatus.SAVED).asc(),
                      Reflection.activity_date.desc(), Reflection.id.desc())
            .limit(CHOICES))).all()


async def attach(db: Database, user_id: int, moment_id: int,
                 reflection_id: int) -> Attached | None:
    """None if either is not the user's, the file is not a photo or document, it was
    dropped, or the entry is deleted."""
    async with db.session.begin() as session:
        moment = await moments.get_owned(session, moment_id, user_id)
        reflection = await reflections.get_owned(session, reflection_id, user_id)
        if (moment is None or reflection is None or not can_be_evidence(moment)
                or moment.status == MomentStatus.DROPPED
                or reflection.status not in ENTRY_STATUSES):
            return None
        new = await evidence.attach(session, user_id, reflection_id, moment_id)
        if moment.status in moments.INBOX_STATUSES:  # a file reflected on stays so
            moment.status = MomentStatus.EVIDENCE
        return Attached(reflection, moment, new)


async def files_of(db: Database, user_id: int, reflection_id: int
                   ) -> tuple[Reflection, Sequence[tuple[Evidence, LearningMoment]]] | None:
    async with db.session() as session:
        reflection = await reflections.get_owned(session, reflection_id, user_id)
        if reflection is None or reflection.status not in ENTRY_STATUSES:
            return None
        return reflection, await evidence.of_reflection(session, user_id, reflection_id)


async def detach(db: Database, user_id: int, evidence_id: int) -> int | None:
    """Unlink one file; returns its entry's id. A file that is evidence for nothing any more
    goes back to the inbox."""
    async with db.session.begin() as session:
        found = await evidence.get_owned(session, evidence_id, user_id)
        if found is None:
            return None
        await evidence.detach(session, found)
        if not await evidence.still_attached(session, found.moment_id):
            await moments.transition(session, found.moment_id, user_id,
                                     (MomentStatus.EVIDENCE,), MomentStatus.KEPT)
        return found.reflection_id
