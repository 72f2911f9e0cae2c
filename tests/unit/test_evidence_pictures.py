"""The pictures a PDF portfolio shows of its evidence: scaled, upright, and never a failure."""

from __future__ import annotations

import io
import os

from PIL import Image

from bot.evidence.files import EvidenceFile
from bot.evidence.pictures import LONG_SIDE, Left, Picture, fetch_pictures, picture_of
from tests.e2e.test_evidence_e2e import certificate_pdf, jpeg


def file(key: str, kind: str = "photo", mime: str | None = "image/jpeg",
         size: int | None = 1000, name: str = "x.jpg") -> EvidenceFile:
    return EvidenceFile(name, kind, mime, size, f"id-{key}", key, "2026-05-01T09:00:00Z")


def noise(width: int, height: int) -> bytes:
    """A JPEG that doesn't compress: random pixels."""
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(out, "JPEG")
    return out.getvalue()


def opened(picture: object) -> Image.Image:
    assert isinstance(picture, Picture)
    image = Image.open(io.BytesIO(picture.jpeg))
    assert image.format == "JPEG" and image.size == (picture.width, picture.height)
    return image


def test_a_photo_is_scaled_to_the_long_side() -> None:
    image = opened(picture_of(jpeg(4000, 3000)))
    assert image.size == (LONG_SIDE, LONG_SIDE * 3 // 4)
    assert opened(picture_of(jpeg(300, 200))).size == (300, 200)  # never enlarged


def test_a_phone_photo_stored_sideways_comes_out_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "teal").save(out, "JPEG", exif=exif)
    assert opened(picture_of(out.getvalue())).size == (600, 800)


def test_a_transparent_png_gets_a_white_background() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (100, 100), (255, 0, 0, 0)).save(out, "PNG")
    image = opened(picture_of(out.getvalue())).convert("RGB")
    red, green, blue = image.getpixel((50, 50))  # type: ignore[misc]
    assert min(red, green, blue) > 240


def test_the_first_page_of_a_pdf_is_drawn() -> None:
    image = opened(picture_of(certificate_pdf()))
    assert max(image.size) == LONG_SIDE and image.size[1] > image.size[0]  # A4, upright
    darkest, _lightest = image.convert("L").getextrema()
    assert isinstance(darkest, int) and darkest < 100  # the text is there, not a blank page


def test_broken_files_are_unreadable_not_errors() -> None:
    for data in (b"", b"not an image", b"%PDF-1.7 truncated", jpeg()[:200],
                 b"\x89PNG\r\n\x1a\n" + b"\0" * 50):
        assert picture_of(data) is Left.UNREADABLE, data[:20]


async def test_fetching_keeps_to_the_limits_and_names_what_it_leaves() -> None:
    fetched: list[str] = []
    store = {"id-a": jpeg(100, 100), "id-pdf": certificate_pdf(), "id-liar": noise(600, 600)}

    async def fetch(file_id: str) -> bytes | None:
        fetched.append(file_id)
        return store.get(file_id)

    files = [file("a"), file("a"),  # the same file on two entries: fetched once
             file("pdf", "document", "application/pdf", name="cert.pdf"),
             file("big", size=30 * 1024 * 1024),
             file("gone"),
             file("docx", "document", "application/msword", name="notes.doc"),
             file("liar", size=10)]  # says 10 bytes; the download is bigger than the limit
    shown = await fetch_pictures(files, fetch, max_bytes=100_000, max_pictures=10)
    assert isinstance(shown["a"], Picture) and isinstance(shown["pdf"], Picture)
    assert shown["big"] is Left.TOO_BIG and shown["gone"] is Left.GONE
    assert shown["liar"] is Left.TOO_BIG
    assert "docx" not in shown  # listed by name only
    assert sorted(fetched) == ["id-a", "id-gone", "id-liar", "id-pdf"]

    few = await fetch_pictures([file("a"), file("pdf", mime="application/pdf")], fetch,
                               max_bytes=100_000, max_pictures=1)
    assert isinstance(few["a"], Picture) and few["pdf"] is Left.TOO_BIG
    offline = await fetch_pictures([file("a")], None, max_bytes=100_000, max_pictures=1)
    assert offline == {"a": Left.GONE}
