"""The CPD office's own work, for officers: invite links (make, see, withdraw, a staff list
back with personal links), reminders to members (who, preview, send once; past ones), and the
audit log of the organisation. Every form carries the session's CSRF token; a form without it
changes nothing.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import select

from bot.common.i18n import N_
from bot.console.downloads import attachment, file_name
from bot.console.guard import (
    HEADERS,
    Console,
    OrganisationPage,
    Visit,
    form_is_ours,
    manages,
    page,
    parse_day,
    parse_number,
    stale_form,
)
from bot.console.people import SUBTREE_LIMIT
from bot.cpd.record_import import ImportFileError, check_size, read_table
from bot.organisations import members, nudges, staff, tree
from bot.organisations.members import InviteProblem
from bot.organisations.nudges import AUDIENCE_NAMES, Audience
from storage.credit_records import audit
from storage.models import AuditEvent, Invite, Organisation, OrgNudge
from storage.organisations import in_subtree
from storage.vocabulary import Role

INVITE_STATES = {InviteProblem.EXPIRED: N_("expired"), InviteProblem.USED_UP: N_("used up"),
                 InviteProblem.REVOKED: N_("withdrawn"), InviteProblem.UNKNOWN: N_("unknown")}
AUDIT_PAGE = 100
MAX_UPLOAD = 1_000_000  # the server takes bodies of about 1 MB; a staff list of 5,000 is ~200 kB


def add_routes(app: web.Application, console: Console) -> None:
    db, library = console.db, console.library

    async def subtree_ids(root: Organisation) -> dict[int, tree.Node]:
        return {node.organisation.id: node for node in await tree.subtree(db, root, SUBTREE_LIMIT)}

    # -- invite links ----------------------------------------------------------------------

    async def invites(request: web.Request, visit: Visit, root: Organisation,
                      notice: str | None = None) -> web.Response:
        _ = visit.gettext
        parts = await subtree_ids(root)
        async with db.session() as session:
            found = (await session.scalars(
                select(Invite).join(Organisation, Organisation.id == Invite.organisation_id)
                .where(in_subtree(root), Invite.staff_number.is_(None),
                       Invite.role == Role.MEMBER)  # not a superadmin's officer links
                .order_by(Invite.id.desc()).limit(50))).all()
        now = console.clock()
        rows = [(invite, parts[invite.organisation_id].path_name,
                 members.link(console.bot_username(), invite.code),
                 members.problem_of(invite, now)) for invite in found
                if invite.organisation_id in parts]
        return page("invites.html", visit.language, title=_("Invite links"),
                    organisation=root, **visit.chrome(), rows=rows,
                    parts=list(parts.values()), notice=notice,
                    problem_names={key: _(name) for key, name in INVITE_STATES.items()})

    async def new_invite(request: web.Request, visit: Visit,
                         root: Organisation) -> web.Response:
        form = await request.post()
        if not form_is_ours(visit, form):
            return stale_form(visit)
        parts = await subtree_ids(root)
        place = parse_number(form.get("part")) or root.id
        days, uses = parse_number(form.get("days")), parse_number(form.get("uses"))
        if place not in parts:
            place = root.id
        await members.create_invite(db, place, visit.actor, created_by=visit.user_id,
                                    days=min(days, 3650) if days else None,
                                    max_uses=min(uses, 100_000) if uses else None)
        raise web.HTTPSeeOther(f"/console/org/{root.id}/invites", headers=HEADERS)

    async def withdraw(request: web.Request, visit: Visit, root: Organisation) -> web.Response:
        form = await request.post()
        if not form_is_ours(visit, form):
            return stale_form(visit)
        number = parse_number(form.get("invite"))
        if number is not None:  # another organisation's invite is refused inside
            await members.revoke_invite(db, number, root, visit.actor)
        raise web.HTTPSeeOther(f"/console/org/{root.id}/invites", headers=HEADERS)

    async def staff_list(request: web.Request, visit: Visit,
                         root: Organisation) -> web.StreamResponse:
        if (request.content_length or 0) > MAX_UPLOAD:
            return await invites(request, visit, root, visit.gettext(
                "The file is too big: a staff list is at most 1 MB."))
        form = await request.post()
        if not form_is_ours(visit, form):
            return stale_form(visit)
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return await invites(request, visit, root, visit.gettext("Choose a file first."))
        data = upload.file.read(MAX_UPLOAD + 1)
        try:
            check_size(len(data), visit.language)
            # Parsing and writing a file are CPU work: off the loop that serves Telegram.
            table = await asyncio.to_thread(read_table, data, upload.filename or "",
                                            visit.language)
            rows = staff.read_staff(table, visit.language)
        except ImportFileError as problem:
            return await invites(request, visit, root, str(problem))
        made = await staff.personal_invites(db, root.id, rows, visit.actor, visit.user_id)
        xlsx = data[:2] == b"PK"
        back = await asyncio.to_thread(
            staff.with_links, table, staff.links_for(console.bot_username(), made), xlsx)
        name = file_name((upload.filename or "staff").rsplit(".", 1)[0], "links")
        return web.Response(body=back, headers={
            **HEADERS, "Content-Type": "application/vnd.openxmlformats-officedocument."
            "spreadsheetml.sheet" if xlsx else "text/csv; charset=utf-8",
            "Content-Disposition": attachment(f"{name}.{'xlsx' if xlsx else 'csv'}")})

    # -- reminders to members --------------------------------------------------------------

    async def nudge(request: web.Request, visit: Visit, root: Organisation) -> web.Response:
        _ = visit.gettext
        parts = await subtree_ids(root)
        part = parse_number(request.query.get("part")) or root.id
        wanted = request.query.get("audience", "")
        drafted = None
        if wanted in set(Audience) and part in parts:
            drafted = await nudges.draft(db, library, visit.user_id, part, Audience(wanted),
                                         console.clock().date(), visit.language)
        past = await nudges.history(db, root, limit=20)
        return page("nudge.html", visit.language, title=_("Remind members"),
                    organisation=root, **visit.chrome(), parts=list(parts.values()),
                    part=part if part in parts else root.id, audience=wanted,
                    audiences=[(one.value, _(AUDIENCE_NAMES[one])) for one in Audience],
                    audience_names={one.value: _(AUDIENCE_NAMES[one]) for one in Audience},
                    drafted=drafted, past=past, part_names={
                        key: node.path_name for key, node in parts.items()})

    async def send_nudge(request: web.Request, visit: Visit,
                         root: Organisation) -> web.Response:
        form = await request.post()
        if not form_is_ours(visit, form):
            return stale_form(visit)
        number = parse_number(form.get("nudge"))
        parts = await subtree_ids(root)
        async with db.session() as session:
            drafted = await session.get(OrgNudge, number) if number is not None else None
        sent = (await nudges.confirm(db, library, visit.user_id, drafted.id, console.clock())
                if drafted is not None and drafted.organisation_id in parts else None)
        _ = visit.gettext
        if sent is None:
            text = _("That reminder is not one of yours to send.")
        else:
            text = nudges.confirmed_text(sent, visit.language)
        return page("message.html", visit.language, title=_("Remind members"),
                    organisation=root, **visit.chrome(), text=text)

    # -- the audit log ---------------------------------------------------------------------

    async def audit_log(request: web.Request, visit: Visit, root: Organisation) -> web.Response:
        _ = visit.gettext
        parts = await subtree_ids(root)
        action = request.query.get("action", "")[:24]
        actor = request.query.get("actor", "")[:24]
        start = parse_day(request.query.get("from", ""))
        end = parse_day(request.query.get("to", ""))
        page_number = min(parse_number(request.query.get("page")) or 1, 10_000)
        organisation = AuditEvent.detail["organisation"].as_integer()
        where: list[Any] = [organisation.in_(list(parts))]
        if action:
            where.append(AuditEvent.action == action)
        if parse_number(actor) is not None:
            where.append(AuditEvent.actor == f"user:{actor}")
        if start:
            where.append(AuditEvent.at >= datetime.combine(start, time(), UTC))
        if end:
            where.append(AuditEvent.at < datetime.combine(end + timedelta(days=1), time(), UTC))
        async with db.session() as session:
            actions = sorted((await session.scalars(
                select(AuditEvent.action).where(organisation.in_(list(parts)))
                .distinct())).all())
            found = (await session.scalars(
                select(AuditEvent).where(*where).order_by(AuditEvent.id.desc())
                .offset((page_number - 1) * AUDIT_PAGE).limit(AUDIT_PAGE + 1))).all()
        async with db.session.begin() as session:
            audit(session, visit.actor, "console_audit", organisation=root.id)
        return page("audit.html", visit.language, title=_("Audit log"), organisation=root,
                    **visit.chrome(), events=found[:AUDIT_PAGE], actions=actions,
                    chosen={"action": action, "actor": actor,
                            "from": start.isoformat() if start else "",
                            "to": end.isoformat() if end else ""},
                    page=page_number, more=len(found) > AUDIT_PAGE,
                    part_names={key: node.path_name for key, node in parts.items()})

    pages: list[tuple[str, str, OrganisationPage]] = [
        ("GET", "invites", invites), ("GET", "nudge", nudge), ("GET", "audit", audit_log),
        ("POST", "invites/new", new_invite), ("POST", "invites/withdraw", withdraw),
        ("POST", "invites/staff", staff_list), ("POST", "nudge/send", send_nudge)]
    for method, path, handler in pages:
        app.router.add_route(method, f"/console/org/{{org}}/{path}", manages(console, handler))

