"""The pictures of evidence a PDF portfolio embeds: photos, and the first page of PDFs.

Files are fetched from Telegram when the export is made (the bot keeps only their ids), then
scaled down and re-encoded as JPEG, so a year of certificates fits in one document Telegram
will carry. A file that is too big, can't be fetched or can't be read is named, not embedded,
and the export goes on.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

import pypdfium2
from PIL import Image, ImageOps, UnidentifiedImageError

from bot.evidence.files import EvidenceFile

log = logging.getLogger(__name__)

# Fetches a Telegram file by its file_id; None when Telegram no longer has it.
FetchFile = Callable[[str], Awaitable[bytes | None]]

LONG_SIDE = 1400  # pixels: sharp on a printed A4 page, about 150-300 KB as JPEG
JPEG_QUALITY = 80
BOT_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # what Telegram's getFile hands a bot at most
_FETCHES_AT_ONCE = 4


class Left(StrEnum):
    """Why a file is listed but not shown."""

    TOO_BIG = "too_big"  # over the size limit, or past the number of pictures
    GONE = "gone"  # Telegram no longer hands it out
    UNREADABLE = "unreadable"  # not an image or PDF we can draw


@dataclass(frozen=True)
class Picture:
    jpeg: bytes
    width: int
    height: int


Shown = Picture | Left


def drawable(file: EvidenceFile) -> bool:
    return file.kind == "photo" or (file.mime_type or "").startswith("image/") \
        or file.mime_type == "application/pdf" or file.name.lower().endswith(".pdf")


async def fetch_pictures(files: Iterable[EvidenceFile], fetch: FetchFile | None,
                         max_bytes: int, max_pictures: int) -> dict[str, Shown]:
    """Each file's picture, or why there is none, by file_unique_id. Files that are not
    pictures or PDFs (a .docx certificate) are only listed, so they get no entry here."""
    wanted: dict[str, EvidenceFile] = {}
    for file in files:
        if file.file_unique_id and drawable(file):
            wanted.setdefault(file.file_unique_id, file)
    shown: dict[str, Shown] = {}
    fetched: list[EvidenceFile] = []
    for key, file in wanted.items():
        limit = min(max_bytes, BOT_DOWNLOAD_LIMIT)
        if (file.size or 0) > limit or len(fetched) >= max_pictures:
            shown[key] = Left.TOO_BIG
        elif fetch is None or not file.file_id:
            shown[key] = Left.GONE
        else:
            fetched.append(file)
    gate = asyncio.Semaphore(_FETCHES_AT_ONCE)

    async def one(file: EvidenceFile) -> tuple[str, Shown]:
        assert fetch is not None and file.file_id is not None
        async with gate:
            data = await fetch(file.file_id)
        if data is None:
            return file.file_unique_id, Left.GONE
        if len(data) > max_bytes:
            return file.file_unique_id, Left.TOO_BIG
        return file.file_unique_id, await asyncio.to_thread(picture_of, data)

    shown.update(await asyncio.gather(*map(one, fetched)))
    return shown


def picture_of(data: bytes) -> Shown:
    """A PDF's first page or an image, scaled to LONG_SIDE at most, as JPEG."""
    try:
        image = _first_page(data) if data.startswith(b"%PDF") else _image(data)
    except (OSError, ValueError, UnidentifiedImageError, pypdfium2.PdfiumError,
            Image.DecompressionBombError) as problem:
        log.info("evidence file not drawn: %s", type(problem).__name__)
        return Left.UNREADABLE
    image.thumbnail((LONG_SIDE, LONG_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return Picture(out.getvalue(), image.width, image.height)


def _image(data: bytes) -> Image.Image:
    opened = Image.open(io.BytesIO(data))
    opened.draft("RGB", (LONG_SIDE, LONG_SIDE))  # JPEG decodes at a smaller scale: faster
    image: Image.Image = ImageOps.exif_transpose(opened)  # phone photos are stored sideways
    if image.mode != "RGB":
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    return image


def _first_page(data: bytes) -> Image.Image:
    document = pypdfium2.PdfDocument(data)
    try:
        if len(document) == 0:
            raise ValueError("a PDF with no pages")
        page = document[0]
        width, height = page.get_size()  # points
        scale = min(LONG_SIDE / max(width, height, 1), 4)
        image: Image.Image = page.render(scale=scale).to_pil().convert("RGB")
        return image
    finally:
        document.close()
