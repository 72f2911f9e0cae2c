"""End to end: certificates attached to entries as evidence, and the exports that carry them.

The files are real (a JPEG from Pillow, a PDF from fpdf2), sent through the fake Telegram
server and fetched back by the bot with getFile when the export is made, as from Telegram.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fpdf import FPDF
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from storage.engine import Database
from storage.models import Evidence, LearningMoment, Reflection
from tests.e2e.test_credits_e2e import nurse_with_a_conference
from tests.e2e.test_reflection_e2e import save_quick_note
from tests.support.chat import Chat
from tests.support.fake_telegram import ApiCall, FakeTelegram
from tests.support.running import RunningBot


def jpeg(width: int = 1600, height: int = 1200, colour: str = "navy") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG")
    return out.getvalue()


def certificate_pdf(text: str = "Certificate of attendance") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=24)
    pdf.cell(0, 20, text)
    return bytes(pdf.output())


def photo(telegram: FakeTelegram, file_id: str, content: bytes) -> dict[str, Any]:
    telegram.add_file(file_id, content, path=f"photos/{file_id}.jpg")
    return {"photo": [{"file_id": f"{file_id}-small", "file_unique_id": f"s{file_id}",
                       "width": 90, "height": 67, "file_size": 900},
                      {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 1600,
                       "height": 1200, "file_size": len(content)}]}


def document(telegram: FakeTelegram, file_id: str, name: str, content: bytes,
             mime: str = "application/pdf", size: int | None = None) -> dict[str, Any]:
    telegram.add_file(file_id, content, size=size)
    return {"document": {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name,
                         "mime_type": mime, "file_size": size or len(content)}}


async def links_of(db: Database, user_id: int) -> list[tuple[int, str | None]]:
    """(reflection id, file name) of every evidence link the user has, in order."""
    async with db.session() as session:
        rows = await session.execute(
            select(Evidence.reflection_id, LearningMoment.file_name)
            .join(LearningMoment, LearningMoment.id == Evidence.moment_id)
            .where(Evidence.user_id == user_id).order_by(Evidence.id))
        return [(row[0], row[1]) for row in rows]


async def saved_entries(db: Database, user_id: int) -> list[Reflection]:
    async with db.session() as session:
        return list(await session.scalars(select(Reflection).where(
            Reflection.user_id == user_id, Reflection.status == "saved").order_by(Reflection.id)))


def pdf_text_and_images(call: ApiCall) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(call.files["document"]))
    text = " ".join("\n".join(page.extract_text() for page in reader.pages).split())
    return text, sum(len(page.images) for page in reader.pages)


async def press_for_edit(chat: Chat, label: str, on: ApiCall) -> ApiCall:
    """Press a button that edits its message; the edit, once it has arrived."""
    edits = chat.telegram.calls_to("editMessageText")
    before = len(edits)
    await chat.press(label, on, expect=0)
    await chat.telegram.wait_until(lambda: len(chat.telegram.calls_to("editMessageText")) > before,
                                   what=f"the edit after {label!r}")
    return chat.telegram.calls_to("editMessageText")[-1]


async def attach_to(chat: Chat, ack: ApiCall, entry_words: str) -> ApiCall:
    """Under a file's acknowledgement: "Evidence for an entry", then the entry."""
    chooser = await press_for_edit(chat, "📎", ack)
    return await press_for_edit(chat, entry_words, chooser)


async def export(chat: Chat, telegram: FakeTelegram, period: str, fmt: str) -> ApiCall:
    before = len(telegram.sent(chat.id, "sendDocument"))
    [ask] = await chat.say("/export")
    [formats] = await chat.press(period, ask)
    await chat.press(fmt, formats, expect=0)
    sent = await telegram.wait_for_sent(chat.id, before + 1, method="sendDocument")
    return sent[-1]


async def test_a_nurse_attaches_certificates_and_the_order_650_form_shows_them(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    nurse = await nurse_with_a_conference(telegram, db, 7101)
    [entry] = await saved_entries(db, 7101)

    # The certificate photo first, then "Evidence for an entry" under it.
    [photo_ack] = await nurse.send(**photo(telegram, "cert1", jpeg()),
                                   caption="сертифікат конференції")
    chooser = await press_for_edit(nurse, "📎", photo_ack)
    assert "Відповідь на це питання" in " ".join(nurse.labels(chooser))
    attached = await press_for_edit(nurse, "Відповідь", chooser)
    assert attached.params["text"].startswith("📎")
    assert await links_of(db, 7101) == [(entry.id, None)]

    # Then the PDF from the entry itself: open it, "Attach", send the file.
    [log] = await nurse.say("/log")
    [opened] = await nurse.press("1", log)
    assert "\n📎 \u2068photo-" in opened.params["text"]  # the photo is named on the entry
    [files] = await nurse.press("📎", opened)
    assert "photo-" in files.params["text"]
    [reply] = await nurse.send(**document(telegram, "cert2", "Сертифікат БПР.pdf",
                                          certificate_pdf()))
    assert "Сертифікат БПР.pdf" in reply.params["text"]
    # And a third whose file Telegram has lost by the time the export is made.
    [files] = await nurse.press("📎", reply)
    await nurse.send(**document(telegram, "cert3", "довідка.pdf", certificate_pdf("Lost")))
    del telegram.files["cert3"]
    assert [name for _, name in await links_of(db, 7101)] == [None, "Сертифікат БПР.pdf",
                                                             "довідка.pdf"]

    pdf = await export(nurse, telegram, "Поточний рік БПР", "Освітнє портфоліо (PDF)")
    text, images = pdf_text_and_images(pdf)
    assert "Річна норма балів БПР 30" in text
    assert "Сертифікат БПР.pdf" in text and "photo-" in text
    assert "Додаток. Копії документів, що підтверджують" in text
    assert "довідка.pdf: Telegram більше не зберігає цей файл" in text
    assert images == 2  # the photo and the first page of the PDF, scaled
    assert {call.params["file_id"] for call in telegram.calls_to("getFile")} >= {
        "cert1", "cert2", "cert3"}

    xlsx = await export(nurse, telegram, "Поточний рік БПР", "Освітнє портфоліо (Excel)")
    rows = list(load_workbook(io.BytesIO(xlsx.files["document"])).worksheets[0].values)
    start = next(index for index, row in enumerate(rows) if row[0] == "№ з/п")
    assert "Сертифікат БПР.pdf" in rows[start + 1][7] and "довідка.pdf" in rows[start + 1][7]

    listing = await export(nurse, telegram, "Поточний рік БПР", "JSON")
    data = json.loads(listing.files["document"])
    [record] = data["cpd_records"]
    assert [(file["name"], file["kind"], file["mime_type"]) for file in record["evidence"]][1:] \
        == [("Сертифікат БПР.pdf", "document", "application/pdf"),
            ("довідка.pdf", "document", "application/pdf")]
    assert all("file_id" not in file and file["size"] for file in record["evidence"])
    assert len(data["evidence"]) == 3


async def test_evidence_is_listed_in_csv_and_shown_in_the_pdf_portfolio(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 7201)
    await save_quick_note(chat, "Sepsis course", "Lactate again at two hours")
    [entry] = await saved_entries(db, 7201)
    [ack] = await chat.send(**document(telegram, "big", "scan.pdf", b"%PDF-1.4 ...",
                                       size=25 * 1024 * 1024))
    await attach_to(chat, ack, "Lactate")
    [ack] = await chat.send(**document(telegram, "doc", "notes.docx", b"PK\x03\x04 docx",
                                       mime="application/vnd.openxmlformats-officedocument"
                                            ".wordprocessingml.document"))
    await attach_to(chat, ack, "Lactate")
    [ack] = await chat.send(**photo(telegram, "tall", jpeg(900, 3000, "maroon")))
    await attach_to(chat, ack, "Lactate")
    assert len(await links_of(db, 7201)) == 3

    pdf = await export(chat, telegram, "This CPD year", "PDF")
    text, images = pdf_text_and_images(pdf)
    assert "Evidence" in text
    assert "scan.pdf: over the size limit, so it is listed, not shown." in text
    assert "notes.docx" in text
    assert images == 1  # only the photo: the big file and the .docx are named
    reader = PdfReader(io.BytesIO(pdf.files["document"]))
    [picture] = [image.image for page in reader.pages for image in page.images]
    assert picture is not None and max(picture.size) <= 1400
    assert picture.size[1] > picture.size[0]  # the tall photo stays tall
    assert "big" not in {call.params["file_id"] for call in telegram.calls_to("getFile")}

    table = await export(chat, telegram, "This CPD year", "CSV")
    [row] = list(csv.DictReader(io.StringIO(table.files["document"].decode("utf-8-sig"))))
    assert row["evidence"].startswith("scan.pdf; notes.docx; photo-")
    assert int(row["record_id"]) and entry.id


async def test_evidence_is_only_ever_the_owners_and_removing_it_loses_nothing(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    owner, stranger = Chat(telegram, 7301), Chat(telegram, 7302)
    await save_quick_note(owner, "Owner's course", "Something learned")
    await save_quick_note(stranger, "Stranger's course", "Something else")
    [mine] = await saved_entries(db, 7301)
    [theirs] = await saved_entries(db, 7302)
    [ack] = await owner.send(**photo(telegram, "p1", jpeg(200, 200)))
    async with db.session() as session:
        moment = await session.scalar(select(LearningMoment).where(
            LearningMoment.user_id == 7301, LearningMoment.kind == "photo"))
    assert moment is not None

    # Forged and foreign presses: my file on their entry, their file on mine, made-up codes.
    for data in (f"ev:a:{moment.id}:{theirs.id}", f"ev:c:{moment.id}", f"ev:l:{mine.id}",
                 f"ev:a:{moment.id}", "ev:z:1", f"ev:x:{mine.id}"):
        await stranger.press_data(data, ack, expect=0)
        assert stranger.alert == "This button has expired.", data
    assert await stranger.settle() == []
    assert await links_of(db, 7301) == [] and await links_of(db, 7302) == []
    # A text note can't be evidence.
    [note_ack] = await owner.say("A plain thought")
    assert not [label for label in owner.labels(note_ack) if "📎" in label]

    await attach_to(owner, ack, "Something learned")
    assert await links_of(db, 7301) == [(mine.id, None)]
    [inbox] = await owner.say("/inbox")
    assert "🖼" not in inbox.params["text"]  # evidence leaves the inbox

    # Text sent while the entry waits for a file is a note, kept as one.
    [log] = await owner.say("/log")
    [opened] = await owner.press("1", log)
    [files] = await owner.press("📎", opened)
    assert "1. \u2068photo-" in files.params["text"]
    [kept] = await owner.say("Remember to book the ALS course")
    assert kept.params["text"].startswith("✅")

    # Removing the file puts it back in the inbox: nothing the clinician sent is lost.
    emptied = await press_for_edit(owner, "✖", files)
    assert await links_of(db, 7301) == []
    assert "No files yet." in emptied.params["text"]
    async with db.session() as session:
        back = await session.get(LearningMoment, moment.id)
    assert back is not None and back.status == "kept"


async def test_a_file_sent_for_an_entry_that_was_deleted_meanwhile_is_kept(
        bot: RunningBot, telegram: FakeTelegram, db: Database) -> None:
    chat = Chat(telegram, 7401)
    await save_quick_note(chat, "Audit meeting", "Closed the loop")
    [log] = await chat.say("/log")
    [opened] = await chat.press("1", log)
    await chat.press("📎", opened)
    [entry] = await saved_entries(db, 7401)
    async with db.session.begin() as session:
        stored = await session.get(Reflection, entry.id)
        assert stored is not None
        stored.status, stored.deleted_at = "deleted", datetime.now(ZoneInfo("UTC"))
    [ack] = await chat.send(**photo(telegram, "late", jpeg(100, 100)))
    assert ack.params["text"].startswith("✅")  # an ordinary capture, in the inbox
    assert await links_of(db, 7401) == []
