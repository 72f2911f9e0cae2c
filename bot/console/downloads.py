"""Exports from the console, for officers (viewers export nothing): the subtree's records for
a period as CSV or Excel (the same streaming writers as /admin_export), a PDF compliance
report, and every member's Ukrainian portfolio form (Order 650) in one ZIP. Reflective text
only from members who share it with this organisation. Each download is audited.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from datetime import date, timedelta
from typing import BinaryIO, cast
from urllib.parse import quote

from aiohttp import web

from bot.console.guard import HEADERS, Console, Visit, manages, page, parse_day
from bot.console.people import year_of
from bot.console.report import Compliance, write_compliance
from bot.exports.files import write_export
from bot.exports.records import Query, Text
from bot.organisations import status, tree
from storage.credit_records import audit
from storage.models import Organisation

FORMATS = ("csv", "xlsx", "report", "order650")
LONGEST = timedelta(days=366 * 10)
CHUNK = 256 * 1024
TYPES = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "report": "application/pdf", "order650": "application/zip"}
SUFFIX = {"csv": "csv", "xlsx": "xlsx", "report": "pdf", "order650": "zip"}
_UNSAFE = re.compile(r"[^\w.-]+")


def file_name(*parts: str) -> str:
    """A name any file system takes, whatever script the parts are in."""
    return _UNSAFE.sub("-", "-".join(part for part in parts if part)).strip("-")[:120] \
        or "export"


def attachment(name: str) -> str:
    """Content-Disposition for a download: an ASCII name for old clients, the real one
    (Cyrillic, Georgian) percent-encoded for the rest (RFC 6266)."""
    plain = name.encode("ascii", "ignore").decode() or "export"
    return f'attachment; filename="{plain}"; filename*=UTF-8\'\'{quote(name)}'


def add_routes(app: web.Application, console: Console) -> None:
    db, library = console.db, console.library

    async def form(request: web.Request, visit: Visit, root: Organisation,
                   problem: str | None = None) -> web.Response:
        _ = visit.gettext
        start, end = year_of(console.clock().date())
        return page("exports.html", visit.language, 400 if problem else 200,
                    title=_("Exports"), organisation=root, **visit.chrome(),
                    start=request.query.get("from", start.isoformat())[:10],
                    end=request.query.get("to", end.isoformat())[:10], problem=problem,
                    formats=[("xlsx", _("Excel: every record, with the organisation and "
                                        "staff number")),
                             ("csv", _("CSV: the same, for other systems")),
                             ("report", _("PDF compliance report: totals, status counts, "
                                          "every member")),
                             ("order650", _("Order 650 portfolio forms, one PDF per member, "
                                            "in a ZIP"))])

    async def exports(request: web.Request, visit: Visit, root: Organisation) -> web.Response:
        return await form(request, visit, root)

    async def download(request: web.Request, visit: Visit,
                       root: Organisation) -> web.StreamResponse:
        _ = visit.gettext
        start = parse_day(request.query.get("from", ""))
        end = parse_day(request.query.get("to", ""))
        kind = request.query.get("format", "")
        if kind not in FORMATS:
            return await form(request, visit, root, _("Choose a format."))
        if start is None or end is None or end < start or end - start > LONGEST:
            return await form(request, visit, root, _(
                "The period needs a start and an end, the end not before the start, and at "
                "most ten years between them."))
        query = Query(start, end, text=Text.SHARED, language=visit.language, scope=root.path)
        # In memory up to 16 MB, then on disk: a national export must not fill the memory.
        out = cast(BinaryIO, tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024))
        try:
            if kind in ("csv", "xlsx"):
                count = await write_export(db, library, query, kind, out)
            elif kind == "report":
                count = await _report(console, root, start, end, visit.language, out)
            else:
                count = await _order650(console, root, start, end, out)
            async with db.session.begin() as session:
                audit(session, visit.actor, "admin_export", organisation=root.id,
                      format=kind, start=start.isoformat(), end=end.isoformat(),
                      records=count, via="console")
            name = file_name("cpd", root.name, start.isoformat(), end.isoformat())
            answer = web.StreamResponse(headers={
                **HEADERS, "Content-Type": TYPES[kind],
                "Content-Disposition": attachment(f"{name}.{SUFFIX[kind]}")})
            answer.content_length = out.tell()
            await answer.prepare(request)
            out.seek(0)
            while chunk := out.read(CHUNK):
                await answer.write(chunk)
            await answer.write_eof()
            return answer
        finally:
            out.close()

    app.router.add_get("/console/org/{org}/exports", manages(console, exports))
    app.router.add_get("/console/org/{org}/export", manages(console, download))


async def _report(console: Console, root: Organisation, start: date, end: date,
                  language: str, out: BinaryIO) -> int:
    today = console.clock().date()
    standings = await status.roster(console.db, console.library, root, start, end,
                                    min(max(today, start), end))
    return write_compliance(Compliance(await tree.path_name(console.db, root), start, end,
                                       today, language, standings), out)


async def _order650(console: Console, root: Organisation, start: date, end: date,
                    out: BinaryIO) -> int:
    """One form per member, each as /export makes it for them: the records of the period,
    points by type, and no reflective text (the form has none)."""
    today = console.clock().date()
    standings = await status.roster(console.db, console.library, root, start, end,
                                    min(max(today, start), end))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for standing in sorted(standings, key=lambda one: one.name.casefold()):
            form = io.BytesIO()
            await write_export(console.db, console.library, Query(
                start, end, user_id=standing.user_id, text=Text.NONE, language="uk",
                scope=root.path), "ua-pdf", form)
            # The id first: two members may share a name, and a staff number may be missing.
            archive.writestr(file_name(str(standing.user_id), standing.staff_number or "",
                                       standing.name) + ".pdf", form.getvalue())
    return len(standings)
