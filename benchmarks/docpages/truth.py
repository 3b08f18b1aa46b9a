"""Exact truth from the PDF's own text layer (pypdfium2), and the page rendered to pixels.

Every character pdfium reads off the page is matched, in order, against the lines the
layout drew: a line whose text the PDF does not hold stops the generator, so the truth can
never disagree with what was printed. Spaces are the exception: pdfium infers them from
gaps between glyphs and marks some drawn ones as inferred, so they come from the layout.
A line's box is the union of its glyphs' tight boxes, so it hugs the ink, not the font's
ascent and descent.

Read back the other way, `pdf_texts` is what a PDF reader extracts from any PDF, and
`edit_distance` how far a text is from its truth.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from benchmarks.docpages.layout import LaidLine

Quad = list[list[float]]


@dataclass
class RenderedPage:
    """A page as RGB pixels, with each drawn line's box in those pixels."""

    rgb: np.ndarray
    boxes: list[Quad]  # one per LaidLine, clockwise from top-left
    texts: list[str]  # the characters the PDF holds for each line, spaces left out


def read_page(pdf_bytes: bytes, lines: Sequence[LaidLine], dpi: int) -> RenderedPage:
    """Renders page 1 at `dpi` and takes each line's text and glyph box from its text layer."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        page = pdf[0]
        scale = dpi / 72.0
        page_h = page.get_height()
        text_page = page.get_textpage()
        # pdfium infers spaces from gaps and reports some drawn spaces as inferred, so a
        # line's spaces come from the layout; every other character is checked here.
        expected = [(i, ch) for i, laid in enumerate(lines) for ch in laid.text if not ch.isspace()]
        got: list[list[str]] = [[] for _ in lines]
        extents: list[list[float]] = [[np.inf, np.inf, -np.inf, -np.inf] for _ in lines]
        k = 0
        for index in range(text_page.count_chars()):
            ch = text_page.get_text_range(index, 1)
            if ch.isspace() or pdfium_c.FPDFText_IsGenerated(text_page, index) == 1:
                continue
            if k >= len(expected) or ch != expected[k][1]:
                want = expected[k] if k < len(expected) else None
                raise RuntimeError(f"text layer disagrees at char {k}: {ch!r}, expected {want}")
            line_no = expected[k][0]
            got[line_no].append(ch)
            left, bottom, right, top = text_page.get_charbox(index)
            box = extents[line_no]
            box[0], box[1] = min(box[0], left), min(box[1], bottom)
            box[2], box[3] = max(box[2], right), max(box[3], top)
            k += 1
        if k != len(expected):
            raise RuntimeError(f"text layer ends after {k} of {len(expected)} characters")
        boxes = []
        for left, bottom, right, top in extents:
            x0, x1 = left * scale, right * scale
            y0, y1 = (page_h - top) * scale, (page_h - bottom) * scale
            boxes.append([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
        bitmap = page.render(scale=scale, may_draw_forms=False)
        rgb = np.array(bitmap.to_pil().convert("RGB"))
        text_page.close()
        page.close()
    finally:
        pdf.close()
    return RenderedPage(rgb, boxes, ["".join(chars) for chars in got])


def pdf_texts(path: Path) -> list[str]:
    """Each page's text as a PDF reader extracts it (PDFium's text layer, content order)."""
    doc = pdfium.PdfDocument(path)
    try:
        texts = []
        for page in doc:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        doc.close()


def normalise(text: str) -> str:
    """What is compared: NFKC, no whitespace (line breaks and spacing do not count)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def edit_distance(text: str, truth: str) -> float:
    """Normalised edit distance (0: same, 1: nothing in common) after `normalise`."""
    from rapidfuzz.distance import Levenshtein

    a, b = normalise(text), normalise(truth)
    if not a and not b:
        return 0.0
    return Levenshtein.distance(a, b) / max(len(a), len(b))
