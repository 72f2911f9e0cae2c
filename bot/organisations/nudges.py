"""An officer's reminder to some of their people: "the members of Cardiology who are behind".

Three steps, each checked against the officer's own organisations in the database:

- `draft`: who would get it (the status roster, minus those who turned organisation messages
  off) and the exact text, shown before anything is sent;
- `confirm`: once. The first press writes every member's copy, in their language with their
  own figures; a second press finds the nudge confirmed and sends nothing more. Audited.
- `deliver`: the reminder sweep sends the copies under its leader lease and through its pacer
  (`bot.reminders.sweep.lead`), so officers' nudges and reminders share Telegram's rate. A copy
  waits out the member's quiet hours (22:00–08:00 for those who set none: nobody wants their
  ministry at 3 a.m.), is dropped if they left or turned organisation messages off meanwhile,
  and is settled before it is sent, so it can't go twice.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update

from bot.common.i18n import N_, pick_language, translator
from bot.cpd.explain import UNIT_NAMES, amount
from bot.cpd.personal import framework_of
from bot.library.loader import Library
from bot.organisations import access, status, tree
from bot.organisations.status import MemberStanding, Status
from bot.reminders import schedules
from bot.reminders.messages import Nudge
from bot.reminders.sweep import Outcome, Report, Rules, Send, send_all
from bot.runtime.pacing import Pacer
from storage import nudges as copies
from storage.credit_records import audit
from storage.engine import Database
from storage.models import Membership, NudgeDelivery, Organisation, OrgNudge, User
from storage.organisations import in_subtree
from storage.reminders import users_of
from storage.vocabulary import DeliveryOutcome, MembershipStatus

KIND = "org"  # the `Nudge.kind` of an officer's nudge: its button turns them off
DEFAULT_QUIET = (22 * 60, 8 * 60)  # for members who set no quiet hours


class Audience(StrEnum):
    BEHIND = "behind"  # behind or at risk
    AT_RISK = "at_risk"
    NOT_DONE = "not_done"
    EVERYONE = "everyone"


AUDIENCE_STATUSES = {
    Audience.BEHIND: frozenset({Status.BEHIND, Status.AT_RISK}),
    Audience.AT_RISK: frozenset({Status.AT_RISK}),
    Audience.NOT_DONE: frozenset({Status.ON_TRACK, Status.BEHIND, Status.AT_RISK}),
    Audience.EVERYONE: frozenset(Status),
}
AUDIENCE_NAMES = {Audience.BEHIND: N_("behind or at risk"), Audience.AT_RISK: N_("at risk"),
                  Audience.NOT_DONE: N_("not done yet"), Audience.EVERYONE: N_("everyone")}


def period_of(today: date) -> tuple[date, date]:
    """The period nudges speak of: the calendar year, as the /org figures do."""
    return date(today.year, 1, 1), date(today.year, 12, 31)


def compose(standing: MemberStanding, library: Library, organisation: str,
            language: str) -> str:
    """One member's copy: who it is from, where they stand this year, and what to do."""
    _ = translator(language).gettext
    unit = _(UNIT_NAMES[framework_of(library, standing.framework_id).unit])
    credits = amount(standing.credits, language)
    if standing.target is None or standing.expected is None:
        where = _("This year you have {credits} {unit} on record.").format(
            credits=credits, unit=unit)
    elif standing.status is Status.DONE:
        where = _("You have reached this year's target: {credits} of {target} {unit}. "
                  "Thank you.").format(credits=credits, target=amount(standing.target,
                                                                      language), unit=unit)
    else:
        where = _("This year you have {credits} of {target} {unit}; an even pace would be "
                  "{expected} by today.").format(
            credits=credits, target=amount(standing.target, language), unit=unit,
            expected=amount(standing.expected, language))
    return "\n".join([
        "📣 " + _("A reminder from the CPD office of {organisation}.").format(
            organisation=organisation),
        "", where,
        _("Tell me what you learned recently: one message here is enough, and I'll help you "
          "turn it into a record.")])


@dataclass(frozen=True)
class Draft:
    nudge: OrgNudge
    organisation: Organisation
    recipients: list[MemberStanding]
    opted_out: int  # would match, but turned organisation messages off
    sample: str  # the first recipient's copy, in the officer's language


async def _matching(db: Database, library: Library, organisation: Organisation,
                    audience: Audience, today: date
                    ) -> tuple[list[MemberStanding], dict[int, User]]:
    start, end = period_of(today)
    standings = await status.roster(db, library, organisation, start, end, today)
    chosen = [one for one in standings if one.status in AUDIENCE_STATUSES[audience]]
    async with db.session() as session:
        people = await users_of(session, [one.user_id for one in chosen])
    return chosen, people


async def draft(db: Database, library: Library, officer_id: int, organisation_id: int,
                audience: Audience, today: date, language: str) -> Draft | None:
    """What a nudge would do; None unless the officer manages the organisation."""
    organisation = await access.scope(db, officer_id, organisation_id, access.MANAGES)
    if organisation is None:
        return None
    chosen, people = await _matching(db, library, organisation, audience, today)
    recipients = [one for one in chosen
                  if one.user_id in people and people[one.user_id].org_messages]
    start, end = period_of(today)
    async with db.session.begin() as session:
        # Previewing again reuses the officer's unsent draft of the same nudge: a preview is
        # a page anyone may reload, and it should not leave a row each time.
        nudge = await session.scalar(select(OrgNudge).where(
            OrgNudge.organisation_id == organisation.id, OrgNudge.sent_by == officer_id,
            OrgNudge.audience == audience, OrgNudge.period_start == start,
            OrgNudge.confirmed_at.is_(None)).order_by(OrgNudge.id.desc()).limit(1))
        if nudge is None:
            nudge = OrgNudge(organisation_id=organisation.id, sent_by=officer_id,
                             audience=audience, period_start=start, period_end=end)
            session.add(nudge)
        nudge.recipients = len(recipients)
        if recipients:  # the sample shows one member's figures: a view of their data
            await session.flush()
            audit(session, f"user:{officer_id}", "member_view", user_id=recipients[0].user_id,
                  organisation=organisation.id, shown="nudge preview", nudge=nudge.id)
    sample = (compose(recipients[0], library, await tree.path_name(db, organisation), language)
              if recipients else "")
    return Draft(nudge, organisation, recipients, len(chosen) - len(recipients), sample)


@dataclass(frozen=True)
class Confirmed:
    organisation: Organisation
    recipients: int
    already: bool  # confirmed before: nothing more was sent


async def confirm(db: Database, library: Library, officer_id: int, nudge_id: int,
                  now: datetime) -> Confirmed | None:
    """Send a drafted nudge, once; None unless it is this officer's, in an organisation they
    still manage. Who gets it is decided again now: the roster may have moved since."""
    async with db.session() as session:
        nudge = await session.get(OrgNudge, nudge_id)
    if nudge is None or nudge.sent_by != officer_id:
        return None
    organisation = await access.scope(db, officer_id, nudge.organisation_id, access.MANAGES)
    if organisation is None:
        return None
    if nudge.confirmed_at is not None:
        return Confirmed(organisation, nudge.recipients, already=True)
    chosen, people = await _matching(db, library, organisation, Audience(nudge.audience),
                                     now.date())
    texts, sender = {}, await tree.path_name(db, organisation)
    for one in chosen:
        person = people.get(one.user_id)
        if person is not None and person.org_messages:
            texts[one.user_id] = compose(one, library, sender, pick_language(
                person.language, person.telegram_language))
    async with db.session.begin() as session:
        won = cast(CursorResult[Any], await session.execute(
            update(OrgNudge).where(OrgNudge.id == nudge_id, OrgNudge.confirmed_at.is_(None))
            .values(confirmed_at=now, recipients=len(texts))))
        if not won.rowcount:  # a second press, or another instance, got there first
            return Confirmed(organisation, nudge.recipients, already=True)
        await copies.add_copies(session, nudge_id, texts, now)
        audit(session, f"user:{officer_id}", "org_nudge", organisation=organisation.id,
              nudge=nudge_id, audience=nudge.audience, recipients=len(texts))
    return Confirmed(organisation, len(texts), already=False)


def confirmed_text(sent: Confirmed, language: str) -> str:
    """What the officer is told after Send, in the bot and the console alike."""
    translation = translator(language)
    if sent.already:
        return translation.gettext("This reminder was sent already.")
    return translation.ngettext(
        "Sending to {count} person of {organisation}: now, or when their quiet hours end.",
        "Sending to {count} people of {organisation}: now, or when their quiet hours end.",
        sent.recipients).format(count=sent.recipients, organisation=sent.organisation.name)


@dataclass(frozen=True)
class Past:
    nudge: OrgNudge
    sent: int  # copies delivered so far


async def history(db: Database, organisation: Organisation, limit: int = 5) -> list[Past]:
    """The latest confirmed nudges to the organisation and below it, newest first."""
    async with db.session() as session:
        found = (await session.scalars(
            select(OrgNudge).join(Organisation, Organisation.id == OrgNudge.organisation_id)
            .where(in_subtree(organisation), OrgNudge.confirmed_at.is_not(None))
            .order_by(OrgNudge.confirmed_at.desc()).limit(limit))).all()
        counted = await session.execute(
            select(NudgeDelivery.nudge_id, func.count())
            .where(NudgeDelivery.nudge_id.in_([nudge.id for nudge in found]),
                   NudgeDelivery.outcome == DeliveryOutcome.SENT)
            .group_by(NudgeDelivery.nudge_id))
        sent = {nudge_id: count for nudge_id, count in counted}
    return [Past(nudge, sent.get(nudge.id, 0)) for nudge in found]


async def set_org_messages(db: Database, user_id: int, on: bool) -> None:
    async with db.session.begin() as session:
        await session.execute(update(User).where(User.id == user_id).values(org_messages=on))
        audit(session, f"user:{user_id}", "org_messages", user_id=user_id, on=on)


# -- delivery, from the reminder sweep ----------------------------------------------------

async def deliver(db: Database, send: Send, pacer: Pacer, clock: Callable[[], datetime],
                  rules: Rules, carry_on: Callable[[], bool] = lambda: True,
                  token: str | None = None) -> Report:
    """Send the due copies, in rounds of a second's worth, for at most one sweep interval."""
    token = token or uuid.uuid4().hex
    report = Report()
    ends = time.monotonic() + rules.interval.total_seconds()
    while carry_on():
        now = clock()
        claimed = await copies.claim(db, now, now - rules.claim_timeout, rules.batch, token)
        report.claimed += len(claimed)
        if not claimed:
            break
        settled, outgoing = await _plan(db, claimed, now, report)
        await copies.settle(db, token, settled, now)  # before sending: at most once
        outcomes = await send_all(outgoing, send, pacer, report)
        refused = {}
        for copy, outcome in zip(outgoing, outcomes, strict=True):
            if outcome is Outcome.SENT:
                report.sent += 1
            elif outcome is Outcome.BLOCKED:
                report.blocked += 1
                refused[copy.reminder_id] = DeliveryOutcome.BLOCKED.value
                await schedules.blocked(db, copy.chat_id)
            else:
                report.failed += 1
                refused[copy.reminder_id] = DeliveryOutcome.FAILED.value
        await copies.correct(db, refused)
        if len(claimed) < rules.batch or time.monotonic() > ends:
            break
    return report


async def _plan(db: Database, claimed: Sequence[copies.Claimed], now: datetime,
                report: Report) -> tuple[list[copies.Settle], list[Nudge]]:
    user_ids = {copy.user_id for copy in claimed}
    async with db.session() as session:
        people = await users_of(session, user_ids)
        sent_by = await copies.nudges_by_id(session, {copy.nudge_id for copy in claimed})
        places = {nudge.organisation_id for nudge in sent_by.values()}
        roots = {org.id: org for org in (await session.scalars(
            select(Organisation).where(Organisation.id.in_(places)))).all()}
        members: set[tuple[int, int]] = set()
        for root in roots.values():
            found = await session.scalars(
                select(Membership.user_id)
                .join(Organisation, Organisation.id == Membership.organisation_id)
                .where(in_subtree(root), Membership.status == MembershipStatus.ACTIVE,
                       Membership.user_id.in_(user_ids)))
            members.update((root.id, user_id) for user_id in found)
    settled, outgoing = [], []
    for copy in claimed:
        person = people.get(copy.user_id)
        nudge = sent_by.get(copy.nudge_id)
        if person is None or nudge is None or (nudge.organisation_id,
                                                copy.user_id) not in members:
            settled.append(copies.Settle(copy.id, DeliveryOutcome.GONE, copy.due_at))
            report.dropped += 1
        elif not person.org_messages:
            settled.append(copies.Settle(copy.id, DeliveryOutcome.OPTED_OUT, copy.due_at))
            report.silent += 1
        elif schedules.in_quiet_hours(person, now, DEFAULT_QUIET):
            settled.append(copies.Settle(copy.id, None, schedules.quiet_hours_end(
                person, now, DEFAULT_QUIET)))
            report.deferred += 1
        else:
            settled.append(copies.Settle(copy.id, DeliveryOutcome.SENT, copy.due_at))
            outgoing.append(Nudge(copy.id, copy.user_id, KIND, pick_language(
                person.language, person.telegram_language), copy.text))
    return settled, outgoing
