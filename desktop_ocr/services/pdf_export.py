"""Searchable PDFs: each page image with an invisible text layer on the words' boxes.

Written with reportlab (BSD licence, as the app's Apache-2.0 allows; it draws images and
positioned text and handles CID fonts, so no PDF syntax is written here). The text is
set in render mode 3 (invisible) in Adobe's STSong-Light, a CID font that every PDF
reader knows by name with the Unicode CMap UniGB-UCS2-H (PDF 1.7, 9.7.5): no font file
is embedded, yet the codes are Unicode, so viewers select, search and copy Chinese,
Latin and other text alike. Each run of text is stretched (horizontal scaling) to its
box, so a selection covers what the page shows.

The file is built in a temporary file beside the target and moved over it only when
complete, so it is written whole or not at all.
"""

from __future__ import annotations

import io
import logging
import math
from pathlib import Path

import cv2
import numpy as np
from reportlab import rl_config
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from desktop_ocr import __version__
from desktop_ocr.engine.image_loader import LoadedImage
from desktop_ocr.engine.results import Box, OcrResult, TextLine, WordBox
from desktop_ocr.services.atomic_file import AtomicBinaryFile

logger = logging.getLogger(__name__)

FONT = "STSong-Light"
DEFAULT_IMAGE_DPI = 200.0  # for images that do not say their resolution
JPEG_QUALITY = 80
_DESCENT = 0.12  # share of a box's height below the baseline

rl_config.useA85 = 0  # binary streams: ASCII85 would make every image a quarter larger


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


class SearchablePdfWriter:
    """Adds pages one at a time; `close()` writes the file, `discard()` drops it."""

    def __init__(self, path: str | Path, *, title: str | None = None) -> None:
        _register_font()
        self.path = Path(path)
        self.pages = 0
        self._file = AtomicBinaryFile(self.path)
        self._canvas = canvas.Canvas(self._file.handle, pageCompression=1)
        self._canvas.setProducer(f"desktop-ocr {__version__}")
        self._canvas.setCreator("desktop-ocr")
        if title:
            self._canvas.setTitle(title)

    def add_page(self, image: LoadedImage, result: OcrResult, dpi: float | None = None) -> None:
        """One page: the pixels the result's boxes refer to, and its text on top."""
        dpi = dpi or DEFAULT_IMAGE_DPI
        height_px, width_px = image.bgr.shape[:2]
        scale = 72.0 / dpi
        width_pt, height_pt = width_px * scale, height_px * scale
        page = self._canvas
        page.setPageSize((width_pt, height_pt))
        ok, jpeg = cv2.imencode(".jpg", image.bgr, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if not ok:
            raise ValueError(f"{image.source}: the page image cannot be encoded")
        page.drawImage(ImageReader(io.BytesIO(jpeg.tobytes())), 0, 0, width_pt, height_pt)
        text = page.beginText()
        text.setTextRenderMode(3)
        for line in result.lines:
            for run_text, quad, vertical in _runs(line):
                _place(text, run_text, _to_points(quad, scale, height_pt), vertical)
        page.drawText(text)
        page.showPage()
        self.pages += 1

    def close(self) -> Path:
        """Finishes the PDF and moves it into place."""
        try:
            self._canvas.save()
        except BaseException:
            self._file.discard()
            raise
        path = self._file.commit()
        logger.info("wrote a searchable PDF of %d page(s) to %s", self.pages, path)
        return path

    def discard(self) -> None:
        self._file.discard()

    def __enter__(self) -> SearchablePdfWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()


def _runs(line: TextLine) -> list[tuple[str, Box, bool]]:
    """The pieces of a line to place: runs of words with no space between them.

    A run ends with the space that follows it in the line's text, so extracted text
    keeps its spaces; CJK characters in a row make one run, so they stay together.
    """
    vertical = _is_vertical(line.box)
    if vertical or not line.words:
        return [(line.text, line.box, vertical)] if line.text.strip() else []
    runs: list[tuple[str, Box, bool]] = []
    pos = 0
    group: list[WordBox] = []
    for word in line.words:
        found = line.text.find(word.text, pos)
        if found < 0:  # words that do not match the text: place the whole line instead
            return [(line.text, line.box, False)]
        if group and found > pos:  # a space before this word: the group is a run
            runs.append(_run(group, " "))
            group = []
        group.append(word)
        pos = found + len(word.text)
    if group:
        runs.append(_run(group, ""))
    return runs


def _run(words: list[WordBox], tail: str) -> tuple[str, Box, bool]:
    first, last = words[0].box, words[-1].box
    return "".join(w.text for w in words) + tail, (first[0], last[1], last[2], first[3]), False


def _is_vertical(box: Box) -> bool:
    p = np.asarray(box, dtype=np.float64)
    width = np.linalg.norm(p[1] - p[0])
    height = np.linalg.norm(p[3] - p[0])
    return bool(height >= 1.5 * max(width, 1e-6))


def _to_points(quad: Box, scale: float, height_pt: float) -> np.ndarray:
    p = np.asarray(quad, dtype=np.float64) * scale
    p[:, 1] = height_pt - p[:, 1]
    return p


def _place(text: object, content: str, quad: np.ndarray, vertical: bool) -> None:
    """Sets `content` along a box (PDF points): baseline, size, slant and stretch."""
    content = "".join(c if ord(c) <= 0xFFFF else "\ufffd" for c in content)
    if not content.strip():
        return
    top_left, top_right, bottom_right, bottom_left = quad
    if vertical:  # a column read top down: the baseline runs down its left edge
        start, end, side = top_left, bottom_left, top_right - top_left
    else:
        start, end, side = bottom_left, bottom_right, top_left - bottom_left
    size = float(np.linalg.norm(side))
    if size <= 0.5:
        return
    origin = start + side * _DESCENT
    length = float(np.linalg.norm(end - start))
    if length <= 0.5:
        return
    font_size = size * (1.0 - _DESCENT)
    natural = pdfmetrics.stringWidth(content.rstrip(" "), FONT, font_size)
    stretch = 100.0 * length / natural if natural > 0 else 100.0
    angle = math.atan2(end[1] - start[1], end[0] - start[0])
    cos, sin = math.cos(angle), math.sin(angle)
    text.setFont(FONT, font_size)  # type: ignore[attr-defined]
    text.setHorizScale(stretch)  # type: ignore[attr-defined]
    text.setTextTransform(cos, sin, -sin, cos, float(origin[0]), float(origin[1]))  # type: ignore[attr-defined]
    text.textOut(content)  # type: ignore[attr-defined]
