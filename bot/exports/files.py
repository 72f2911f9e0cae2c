"""One export, any format: the records stream from the database into a writer thread.

The same function serves `/export`, `/admin_export` and `cpdbot export`, so the files a
clinician, an administrator and an operator get are the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, BinaryIO

from sqlalchemy import Row, func, select

from bot.common import metrics
from bot.common.i18n import translator
from bot.cpd.explain import UNIT_NAMES
from bot.cpd.personal import framework_of, user_target
from bot.cpd.rules import from_hundredths
from bot.evidence.pictures import BOT_DOWNLOAD_LIMIT, FetchFile, Shown, fetch_pictures
from bot.exports.csv_export import write_csv
from bot.exports.parallel import slices, write_csv_in_parts
from bot.exports.pdf_export import write_pdf
from bot.exports.records import (
    Query,
    Text,
    evidence_of,
    period_filter,
    text_writer,
    with_records,
)
from bot.exports.rows import Portfolio, RecordRow
from bot.exports.ua_portfolio import UaPortfolio, write_ua_pdf, write_ua_xlsx
from bot.exports.xapi import write_statements
from bot.exports.xlsx_export import write_xlsx
from bot.library.loader import Library
from storage.engine import Database
from storage.models import CpdRecord, Evidence, LearningMoment, Reflection, User, utcnow


@dataclass(frozen=True)
class Format:
    mime: str
    suffix: str


FORMATS = {
    "pdf": Format("application/pdf", "pdf"),
    "csv": Format("text/csv", "csv"),
    "xlsx": Format("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": Format("application/json", "json"),
    "xapi": Format("application/json", "xapi.json"),
    # Ukraine's personal education portfolio (MoH Order 650, Appendix 4): ua_portfolio.py
    "ua-pdf": Format("application/pdf", "pdf"),
    "ua-xlsx": Format("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      "xlsx"),
}
UA_FORMATS = ("ua-pdf", "ua-xlsx")
UA_FRAMEWORK = "ua_moh"
PERSONAL_ONLY = ("pdf", *UA_FORMATS)  # a portfolio is one clinician's


@dataclass(frozen=True)
class EvidencePictures:
    """How a PDF portfolio gets its evidence's pictures: Telegram's files, within limits."""

    fetch: FetchFile | None
    max_bytes: int = BOT_DOWNLOAD_LIMIT
    max_pictures: int = 100


async def write_export(db: Database, library: Library, query: Query, fmt: str,
                       out: BinaryIO, xapi_base: str = "",
                       evidence: EvidencePictures | None = None) -> int:
    """Write the records of `query` to `out` as `fmt`; returns the number of records.
    `xapi_base` is the deployment's URL that every xAPI IRI starts from (xapi only);
    `evidence` fetches the files a PDF shows (without it they are only named)."""
    with_text = query.text is not Text.NONE
    write: Callable[[Iterator[RecordRow]], int]
    if fmt == "csv":
        parts = await slices(db, query)
        if len(parts) > 1:
            metrics.EXPORTS.labels(fmt).inc()
            return await write_csv_in_parts(db, library, parts, out)
        # A byte-order mark makes Excel read the file as UTF-8, so Cyrillic shows correctly.
        def write(rows: Iterator[RecordRow]) -> int:
            return text_writer(out, "utf-8-sig", lambda text: write_csv(
                rows, text, with_reflection=with_text))
    elif fmt == "xlsx":
        def write(rows: Iterator[RecordRow]) -> int:
            return write_xlsx(rows, out, with_reflection=with_text)
    elif fmt == "xapi":
        if not xapi_base:
            raise ValueError("an xAPI export needs the deployment's base URL")

        def write(rows: Iterator[RecordRow]) -> int:
            return text_writer(out, "utf-8", lambda text: write_statements(
                rows, text, home_page=xapi_base, language=query.language))
    elif fmt == "pdf":
        assert query.user_id is not None
        cover = replace(await _cover(db, library, query),
                        pictures=await _pictures(db, query, evidence))

        def write(rows: Iterator[RecordRow]) -> int:
            return write_pdf(replace(cover, entries=rows), out)
    elif fmt in UA_FORMATS:
        assert query.user_id is not None
        query = replace(query, language="uk")  # the form is Ukrainian, names and all
        form = await _ua_head(db, library, query)
        if fmt == "ua-pdf":
            form = replace(form, pictures=await _pictures(db, query, evidence))
        writer = write_ua_pdf if fmt == "ua-pdf" else write_ua_xlsx

        def write(rows: Iterator[RecordRow]) -> int:
            return writer(replace(form, entries=rows), out)
    elif fmt == "json":
        head = await _user_data(db, query.user_id) if query.user_id is not None else {}

        def write(rows: Iterator[RecordRow]) -> int:
            return _write_json(head, rows, out)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    metrics.EXPORTS.labels(fmt).inc()
    return await with_records(db, library, query, write)


async def _pictures(db: Database, query: Query,
                    evidence: EvidencePictures | None) -> dict[str, Shown]:
    files = [file for found in (await evidence_of(db, query)).values() for file in found]
    if not files:
        return {}
    how = evidence or EvidencePictures(None)
    return await fetch_pictures(files, how.fetch, how.max_bytes, how.max_pictures)


async def _owner_and_sums(db: Database, query: Query
                          ) -> tuple[User | None, Sequence[Row[str, str, int]]]:
    """The portfolio's owner and the credits of the period, by framework and category."""
    async with db.session() as session:
        user = await session.get(User, query.user_id)
        sums = (await session.execute(
            select(CpdRecord.framework_id, CpdRecord.category, func.sum(CpdRecord.credits))
            .where(*period_filter(query))
            .group_by(CpdRecord.framework_id, CpdRecord.category))).all()
    return user, sums


async def _cover(db: Database, library: Library, query: Query) -> Portfolio:
    _ = translator(query.language).gettext
    user, sums = await _owner_and_sums(db, query)
    framework = framework_of(library, user.framework_id if user else None)
    totals: dict[str, Decimal] = {}
    for framework_id, category, credits in sums:
        owner = framework_of(library, framework_id)
        spec = owner.categories.get(category)
        name = spec.name.in_(query.language) if spec else category
        if owner.id != framework.id:
            name = f"{name} ({owner.name.in_(query.language)})"
        totals[name] = totals.get(name, Decimal(0)) + from_hundredths(int(credits or 0))
    return Portfolio(query.language, (user.first_name if user else None) or "",
                     framework.name.in_(query.language), _(UNIT_NAMES[framework.unit]),
                     query.start, query.end, list(totals.items()),
                     sum(totals.values(), Decimal(0)), iter(()))


async def _ua_head(db: Database, library: Library, query: Query) -> UaPortfolio:
    """The portfolio's header: the clinician, the annual norm, and the points stored for the
    period by CPD type (already capped by the records writer), in the framework's order."""
    user, sums = await _owner_and_sums(db, query)
    framework = library.frameworks.get(UA_FRAMEWORK) or framework_of(
        library, user.framework_id if user else None)
    order = {key: index for index, key in enumerate(framework.categories)}
    totals: dict[str, Decimal] = {}
    for framework_id, category, credits in sorted(sums, key=lambda found: (
            found[0] != framework.id, order.get(found[1], len(order)), found[0], found[1])):
        owner = framework_of(library, framework_id)
        spec = owner.categories.get(category)
        name = spec.name.in_("uk") if spec else category
        if owner.id != framework.id:
            name = f"{name} ({owner.name.in_('uk')})"
        totals[name] = totals.get(name, Decimal(0)) + from_hundredths(int(credits or 0))
    return UaPortfolio((user.first_name if user else None) or "", query.start, query.end,
                       user_target(framework, user) if user else framework.target_for(None),
                       list(totals.items()), sum(totals.values(), Decimal(0)), ())


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _record_json(row: RecordRow) -> dict[str, Any]:
    data = {name: _plain(getattr(row, name)) for name in RecordRow._fields}
    data["reflection"] = ([{"section": title, "text": text} for title, text in row.reflection]
                          if row.reflection is not None else None)
    data["tags"] = list(row.tags)
    # The files' metadata; file_id is this bot's own handle and means nothing elsewhere.
    data["evidence"] = [{key: value for key, value in file._asdict().items()
                         if key != "file_id"} for file in row.evidence]
    return data


def _write_json(head: dict[str, Any], rows: Iterator[RecordRow], out: BinaryIO) -> int:
    """`{...head, "cpd_records": [...]}`, written record by record."""
    document = {"exported_at": utcnow().isoformat(), "generator": "cpdbot", **head}
    opening = json.dumps(document, ensure_ascii=False, indent=1)[:-2]
    out.write((opening + ',\n "cpd_records": [\n').encode())
    count = 0
    for row in rows:
        out.write(((",\n" if count else "") + json.dumps(_record_json(row),
                                                          ensure_ascii=False)).encode())
        count += 1
    out.write(b"\n ]\n}\n")
    return count


async def _user_data(db: Database, user_id: int) -> dict[str, Any]:
    """Everything else the bot keeps about one user: settings, moments, reflections."""
    async with db.session() as session:
        user = await session.get(User, user_id)
        found_moments = (await session.scalars(select(LearningMoment).where(
            LearningMoment.user_id == user_id).order_by(LearningMoment.id))).all()
        found_reflections = (await session.scalars(select(Reflection).where(
            Reflection.user_id == user_id).order_by(Reflection.id))).all()
        found_evidence = (await session.scalars(select(Evidence).where(
            Evidence.user_id == user_id).order_by(Evidence.id))).all()

    def columns(row: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
        return {column.key: _plain(getattr(row, column.key))
                for column in row.__table__.columns if column.key not in skip}

    return {
        "user": columns(user, ("input_reflection_id", "input_field")) if user else None,
        "learning_moments": [columns(moment) for moment in found_moments],
        "reflections": [columns(reflection, ("search_text", "tags_text", "version"))
                        for reflection in found_reflections],
        "evidence": [columns(link) for link in found_evidence],
    }
