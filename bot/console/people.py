"""The officer's view of their people: the overview (status counts, credits by month, the
sub-organisations side by side), the roster with its filters, and one member's records.

Every view of members' data is audited; reflective text shows only where the member shares it
with this organisation, read at the moment of the view.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from babel.dates import format_date
from sqlalchemy import select

from bot.common.i18n import N_
from bot.console.guard import (
    HEADERS,
    Console,
    Visit,
    in_organisation,
    not_found,
    page,
    parse_number,
)
from bot.cpd.chart import monthly_chart
from bot.cpd.rules import from_hundredths
from bot.exports.records import Query, Text, sharing_statement, with_records
from bot.exports.rows import RecordRow
from bot.library.loader import Library
from bot.organisations import status, tree
from bot.organisations.status import STATUS_NAMES, MemberStanding, Status
from storage.credit_months import monthly_totals
from storage.credit_records import audit
from storage.engine import Database
from storage.models import Organisation
from storage.organisations import member_pick

PAGE_SIZE = 50
SUBTREE_LIMIT = 5000  # parts of one organisation the pages name; a ministry has hundreds
INACTIVE_DAYS = 30
SORTS = {"name": N_("name"), "status": N_("status"), "credits": N_("credits"),
         "last": N_("last activity")}
STATUS_ORDER = {Status.AT_RISK: 0, Status.BEHIND: 1, Status.ON_TRACK: 2, Status.DONE: 3}


def year_of(today: date) -> tuple[date, date]:
    return date(today.year, 1, 1), date(today.year, 12, 31)


def add_routes(app: web.Application, console: Console) -> None:
    db = console.db

    async def this_year(root: Organisation
                        ) -> tuple[date, date, list[MemberStanding], list[tree.Node]]:
        """The year's standing of every member, and the parts of the organisation."""
        today = console.clock().date()
        start, end = year_of(today)
        standings = await status.roster(db, console.library, root, start, end, today)
        return start, end, standings, await tree.subtree(db, root, limit=SUBTREE_LIMIT)

    async def roster(request: web.Request, visit: Visit, root: Organisation) -> web.Response:
        language = visit.language
        _ = visit.gettext
        today = console.clock().date()
        start, end, standings, parts = await this_year(root)
        chosen = RosterFilter.read(request.query, parts, console.library, root.id)
        shown = chosen.apply(standings, parts, today)
        pages = max(1, math.ceil(len(shown) / PAGE_SIZE))
        number = min(chosen.page, pages)
        async with db.session.begin() as session:
            audit(session, visit.actor, "console_roster",
                  organisation=root.id, shown=len(shown), page=number)

        def link(to: int) -> str:
            return f"?{urlencode(chosen.query(to))}"

        return page(
            "roster.html", language, title=await tree.path_name(db, root), organisation=root,
            **visit.chrome(), start=start, end=end, total=len(standings),
            shown_count=len(shown), rows=shown[(number - 1) * PAGE_SIZE:number * PAGE_SIZE],
            chosen=chosen, parts=parts, page=number, pages=pages,
            places={node.organisation.id: node.organisation.name for node in parts[1:]},
            previous_page=link(number - 1) if number > 1 else None,
            next_page=link(number + 1) if number < pages else None,
            statuses=[(s.value, _(STATUS_NAMES[s])) for s in Status],
            status_names={s: _(STATUS_NAMES[s]) for s in Status},
            sorts=[(key, _(name)) for key, name in SORTS.items()],
            frameworks=[(f.id, f.name.in_(language))
                        for f in console.library.frameworks.values()],
            framework_names={f.id: f.name.in_(language)
                             for f in console.library.frameworks.values()})

    async def member(request: web.Request, visit: Visit, root: Organisation) -> web.Response:
        number = parse_number(request.match_info.get("user"))
        if number is None:
            return not_found(visit)
        language = visit.language
        _ = visit.gettext
        today = console.clock().date()
        start, end = year_of(today)
        standing = next(iter(await status.roster(db, console.library, root, start, end,
                                                 today, number)), None)
        if standing is None:  # not a member of this subtree (or not any more)
            return not_found(visit)
        # Viewers see records and totals; reflective text is for officers (and only shared).
        records = await _records_of(db, console.library, root, standing.user_id, start, end,
                                    language, Text.SHARED if visit.manages else Text.NONE)
        async with db.session.begin() as session:
            shares = standing.user_id in set(
                (await session.execute(sharing_statement(root.path))).scalars())
            audit(session, visit.actor, "member_view",
                  user_id=standing.user_id, organisation=root.id, shown="console member")
        totals: dict[str, Decimal] = {}
        for record in records:
            totals[record.category_name] = totals.get(record.category_name,
                                                      Decimal(0)) + record.credits
        return page("member.html", language, title=standing.name, organisation=root,
                    **visit.chrome(), standing=standing, start=start, end=end,
                    records=records, totals=sorted(totals.items()), shares=shares,
                    status_names={s: _(STATUS_NAMES[s]) for s in Status})

    async def overview(request: web.Request, visit: Visit, root: Organisation) -> web.Response:
        language = visit.language
        _ = visit.gettext
        start, end, standings, parts = await this_year(root)
        paths = {node.organisation.id: node.organisation.path for node in parts}
        depth = parts[0].depth
        side_by_side = []
        for node in parts:
            if node.depth != depth + 1:
                continue
            inside = [one for one in standings
                      if paths.get(one.organisation_id, "").startswith(node.organisation.path)]
            side_by_side.append((node.organisation, len(inside), status.counts(inside)))
        async with db.session.begin() as session:
            audit(session, visit.actor, "console_overview",
                  organisation=root.id)
        return page("overview.html", language, title=await tree.path_name(db, root),
                    organisation=root, **visit.chrome(), start=start, end=end,
                    total=len(standings), counts=status.counts(standings),
                    statuses=list(Status), parts=side_by_side,
                    status_names={s: _(STATUS_NAMES[s]) for s in Status})

    async def chart(request: web.Request, visit: Visit, root: Organisation) -> web.Response:
        language = visit.language
        today = console.clock().date()
        start, end = year_of(today)
        async with db.session() as session:
            sums = dict((await session.execute(monthly_totals(
                start, end, select(member_pick(root.path).c.user_id)))).all())
        months = [date(today.year, month, 1) for month in range(1, 13)]
        values = [from_hundredths(int(sums.get(month) or 0)) for month in months]
        _ = visit.gettext
        png = await asyncio.to_thread(
            monthly_chart, [format_date(month, format="LLL", locale=language)
                            for month in months], [(_("credits"), values)],
            title=_("Members' credits by month, {year}").format(year=today.year),
            unit_label=_("credits"), monthly_target=None, target_label="",
            language=language)
        return web.Response(body=png, content_type="image/png", headers=HEADERS)

    app.router.add_get("/console/org/{org}/overview", in_organisation(console, overview))
    app.router.add_get("/console/org/{org}/chart.png", in_organisation(console, chart))
    app.router.add_get("/console/org/{org}/roster", in_organisation(console, roster))
    app.router.add_get("/console/org/{org}/member/{user}", in_organisation(console, member))


async def _records_of(db: Database, library: Library, root: Organisation, user_id: int,
                      start: date, end: date, language: str, text: Text) -> list[RecordRow]:
    """The member's records of the period as an export of the organisation reads them: text
    only if they share it with this organisation, checked as the rows are read."""
    found: list[RecordRow] = []

    def keep(rows: Any) -> int:
        found.extend(rows)
        return len(found)

    await with_records(db, library, Query(start, end, user_id=user_id, text=text,
                                           language=language, scope=root.path), keep)
    return found


@dataclass(frozen=True)
class RosterFilter:
    """The roster's query string, each value checked: a tampered one falls back to its
    default rather than reaching a query."""

    status: str
    part: int
    framework: str
    q: str
    sort: str
    inactive: bool
    page: int

    @classmethod
    def read(cls, query: Any, parts: list[tree.Node], library: Library,
             root_id: int) -> RosterFilter:
        wanted_status = query.get("status", "")
        part = query.get("part", "")
        ids = {node.organisation.id for node in parts}
        framework = query.get("framework", "")
        page = query.get("page", "1")
        return cls(
            status=wanted_status if wanted_status in set(Status) else "",
            part=number if (number := parse_number(part)) in ids else root_id,
            framework=framework if framework in library.frameworks else "",
            q=query.get("q", "")[:100].strip(),
            sort=query.get("sort", "name") if query.get("sort", "name") in SORTS else "name",
            inactive=query.get("inactive") == "1",
            page=min(max(parse_number(page) or 1, 1), 100_000))

    def apply(self, standings: list[MemberStanding], parts: list[tree.Node],
              today: date) -> list[MemberStanding]:
        paths = {node.organisation.id: node.organisation.path for node in parts}
        within = paths.get(self.part, "")
        needle = self.q.casefold()
        since = today - timedelta(days=INACTIVE_DAYS)
        shown = [one for one in standings
                 if (not self.status or one.status == self.status)
                 and paths.get(one.organisation_id, "").startswith(within)
                 and (not self.framework or one.framework_id == self.framework)
                 and (not needle or needle in one.name.casefold()
                      or needle in (one.staff_number or "").casefold())
                 and (not self.inactive or one.last_activity is None
                      or one.last_activity < since)]
        keys: dict[str, Callable[[MemberStanding], Any]] = {
            "name": lambda one: one.name.casefold(),
            "status": lambda one: (STATUS_ORDER[one.status], one.name.casefold()),
            "credits": lambda one: (-one.credits, one.name.casefold()),
            "last": lambda one: (one.last_activity or date.min, one.name.casefold())}
        return sorted(shown, key=keys[self.sort])

    def query(self, page: int) -> dict[str, str]:
        values = {"status": self.status, "part": str(self.part), "framework": self.framework,
                  "q": self.q, "sort": self.sort, "page": str(page)}
        if self.inactive:
            values["inactive"] = "1"
        return {key: value for key, value in values.items() if value}

