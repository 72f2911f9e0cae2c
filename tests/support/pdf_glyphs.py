"""What a PDF draws: the characters whose glyphs in its embedded fonts have an outline."""

from __future__ import annotations

import io
import re
from typing import Any

from fontTools.ttLib import TTFont
from pypdf import PdfReader


def _to_unicode(cmap: bytes) -> list[tuple[int, str]]:
    """(character id, character) pairs from a ToUnicode CMap's bfchar and bfrange sections."""
    text = cmap.decode("latin-1")
    pairs = [(int(cid, 16), chr(int(code, 16))) for block in re.findall(
        r"beginbfchar(.*?)endbfchar", text, re.S) for cid, code in re.findall(
        r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block)]
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for first, last, code in re.findall(
                r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            pairs += [(cid, chr(int(code, 16) + cid - int(first, 16)))
                      for cid in range(int(first, 16), int(last, 16) + 1)]
    return pairs


def drawn_characters(data: bytes) -> set[str]:
    """The characters whose glyph in the PDF's embedded fonts has an outline: what a reader
    sees drawn, not just the text layer (a missing glyph keeps its text but draws a box)."""
    drawn: set[str] = set()
    pages: list[Any] = list(PdfReader(io.BytesIO(data)).pages)  # pypdf's objects, untyped
    for page in pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            embedded = TTFont(io.BytesIO(
                descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()))
            glyphs = embedded["glyf"]
            order = embedded.getGlyphOrder()
            to_gid = descendant.get("/CIDToGIDMap")
            table = to_gid.get_object().get_data() if to_gid is not None and \
                not isinstance(to_gid.get_object(), str) else b""
            for cid, char in _to_unicode(font["/ToUnicode"].get_object().get_data()):
                gid = int.from_bytes(table[2 * cid:2 * cid + 2], "big") if table else cid
                glyph = glyphs[order[gid]] if gid < len(order) else None
                if glyph is not None and glyph.numberOfContours != 0:
                    drawn.add(char)
    return drawn
