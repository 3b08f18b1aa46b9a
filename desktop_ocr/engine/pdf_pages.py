"""PDF pages as images for OCR, rendered one at a time with PDFium (pypdfium2).

A document is opened once and each page is loaded, rendered and closed in turn, so a
300-page file never holds more than one page's pixels. PDFium is not thread-safe: every
call into it holds one process-wide lock, so the worker and a window re-rendering a
page for display never meet inside it.

A page that already carries text (a born-digital PDF, or one OCRed before) can be
taken as it is: its characters and their boxes come from PDFium's text layer, mapped to
the rendered pixels, instead of being read again.
"""

from __future__ import annotations

import ctypes
import logging
import threading
import unicodedata
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from desktop_ocr.engine.errors import ImageLoadError
from desktop_ocr.engine.image_loader import LoadedImage
from desktop_ocr.engine.results import Box, TextLine, WordBox
from desktop_ocr.engine.word_boxes import is_unspaced
from desktop_ocr.i18n import Msg

logger = logging.getLogger(__name__)

PDF_SUFFIXES = (".pdf",)
TEXT_LAYER_NOTE = Msg("text taken from the PDF's own text layer (not OCR)")
PDFIUM_LOCK = threading.RLock()

# PDFium's load errors (FPDF_GetLastError) in words a user can act on.
_LOAD_ERRORS = {
    pdfium_c.FPDF_ERR_FILE: "file not found or cannot be opened",
    pdfium_c.FPDF_ERR_FORMAT: "damaged or truncated PDF: its structure cannot be read",
    pdfium_c.FPDF_ERR_PASSWORD: (
        "the PDF is encrypted with a password; open it in a PDF viewer and save a copy "
        "without the password"
    ),
    pdfium_c.FPDF_ERR_SECURITY: "the PDF uses an encryption scheme that cannot be read",
    pdfium_c.FPDF_ERR_PAGE: "damaged PDF: a page cannot be read",
}


def is_pdf_file(path: Path) -> bool:
    """True for a file that starts like a PDF (the header may follow some junk bytes)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError:
        return path.suffix.lower() in PDF_SUFFIXES
    return b"%PDF-" in head or path.suffix.lower() in PDF_SUFFIXES


class PdfPages:
    """The pages of one PDF file; `page(i)` renders page i (0-based) at `dpi`."""

    def __init__(self, path: str | Path, *, dpi: float, text_layer: bool, max_pixels: int) -> None:
        self.path = Path(path)
        self.name = str(path)
        self.dpi = float(dpi)
        self.text_layer = text_layer
        self.max_pixels = max_pixels
        with PDFIUM_LOCK:
            try:
                self._doc = pdfium.PdfDocument(self.path)
            except pdfium.PdfiumError as exc:
                code = getattr(exc, "err_code", None)
                reason = _LOAD_ERRORS.get(code, f"cannot be read as a PDF ({exc})")
                raise ImageLoadError(self.name, reason) from None
            except (OSError, ValueError) as exc:
                raise ImageLoadError(self.name, f"cannot be read ({exc})") from exc
            self.page_count = len(self._doc)
        if self.page_count == 0:
            self.close()
            raise ImageLoadError(self.name, "the PDF has no pages")

    def close(self) -> None:
        with PDFIUM_LOCK:
            doc, self._doc = getattr(self, "_doc", None), None
            if doc is not None:
                doc.close()

    def page(self, index: int) -> tuple[LoadedImage, float, tuple[TextLine, ...] | None]:
        """(pixels, dpi used, the page's own text lines or None) of page `index`."""
        where = f"page {index + 1}/{self.page_count}"
        with PDFIUM_LOCK:
            if self._doc is None:
                raise ImageLoadError(self.name, "the document was closed")
            try:
                page = self._doc[index]
            except (pdfium.PdfiumError, IndexError) as exc:
                raise ImageLoadError(self.name, f"{where} cannot be read ({exc})") from None
            try:
                return self._render(page, where)
            finally:
                page.close()

    def _render(
        self, page: pdfium.PdfPage, where: str
    ) -> tuple[LoadedImage, float, tuple[TextLine, ...] | None]:
        width_pt, height_pt = page.get_size()
        if width_pt <= 0 or height_pt <= 0:
            raise ImageLoadError(self.name, f"{where} has no area ({width_pt}x{height_pt} pt)")
        notes: list[str] = []
        dpi = self.dpi
        pixels = width_pt * height_pt * (dpi / 72.0) ** 2
        if pixels > self.max_pixels:
            dpi = 72.0 * (self.max_pixels / (width_pt * height_pt)) ** 0.5
            notes.append(
                Msg(
                    "{where} is large: rendered at {dpi:.0f} dpi instead of {asked:.0f}",
                    where=where,
                    dpi=dpi,
                    asked=self.dpi,
                )
            )
        try:
            bitmap = page.render(scale=dpi / 72.0, may_draw_forms=True)
            bgr = _to_bgr(bitmap)
        except pdfium.PdfiumError as exc:
            raise ImageLoadError(self.name, f"{where} cannot be rendered ({exc})") from None
        except MemoryError:
            raise ImageLoadError(self.name, f"not enough memory to render {where}") from None
        lines = None
        if self.text_layer:
            lines = _text_layer(page, bgr.shape[1], bgr.shape[0])
            if lines is not None:
                notes.append(TEXT_LAYER_NOTE)
        return LoadedImage(bgr, self.name, tuple(notes)), dpi, lines


def _to_bgr(bitmap: pdfium.PdfBitmap) -> np.ndarray:
    array = bitmap.to_numpy()
    mode = bitmap.mode
    if mode == "BGR":
        return np.ascontiguousarray(array)
    if mode in ("BGRA", "BGRX"):
        return np.ascontiguousarray(array[..., :3])
    if mode == "L":
        return np.ascontiguousarray(np.repeat(array[..., None], 3, axis=2))
    if mode in ("RGB", "RGBA", "RGBX"):
        return np.ascontiguousarray(array[..., 2::-1])
    raise ImageLoadError("<pdf page>", f"unexpected bitmap mode {mode}")


def _text_layer(page: pdfium.PdfPage, width_px: int, height_px: int) -> tuple[TextLine, ...] | None:
    """The page's text as lines with boxes in rendered pixels; None when it has none."""
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        if count <= 0:
            return None
        to_px = _PageToPixels(page, width_px, height_px)
        lines: list[TextLine] = []
        current: list[tuple[str, tuple[float, float, float, float] | None]] = []
        for i in range(count):
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i) or 0xFFFD)
            if char in "\r\n":
                _close_line(current, lines)
                continue
            if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
                if current and current[-1][1] is not None:
                    current.append((" ", None))
                continue
            left, bottom, right, top = textpage.get_charbox(i)
            current.append((char, to_px.rect(left, bottom, right, top)))
        _close_line(current, lines)
    finally:
        textpage.close()
    return tuple(lines) if lines else None


class _PageToPixels:
    """Maps page coordinates (points, origin bottom left, any /Rotate) to pixels."""

    def __init__(self, page: pdfium.PdfPage, width_px: int, height_px: int) -> None:
        self.raw = page.raw
        self.size = (width_px, height_px)
        self._x, self._y = ctypes.c_int(), ctypes.c_int()

    def point(self, x: float, y: float) -> tuple[float, float]:
        pdfium_c.FPDF_PageToDevice(
            self.raw, 0, 0, self.size[0], self.size[1], 0, x, y,
            ctypes.byref(self._x), ctypes.byref(self._y),
        )  # fmt: skip
        return float(self._x.value), float(self._y.value)

    def rect(self, left: float, bottom: float, right: float, top: float) -> tuple[float, ...]:
        (ax, ay), (bx, by) = self.point(left, top), self.point(right, bottom)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _quad(x0: float, y0: float, x1: float, y1: float) -> Box:
    x0, y0, x1, y1 = float(x0), float(y0), float(x1), float(y1)
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def _close_line(current: list, lines: list[TextLine]) -> None:
    """Turns the characters gathered for one line into a TextLine, and clears them.

    `current` holds (character, pixel rectangle) pairs, with None for a space.
    """
    items = list(current)
    current.clear()
    while items and items[0][1] is None:
        items.pop(0)
    while items and items[-1][1] is None:
        items.pop()
    if not items:
        return
    rects = np.array([r for _, r in items if r is not None], dtype=np.float64)
    top, bottom = rects[:, 1].min(), rects[:, 3].max()
    box = _quad(rects[:, 0].min(), top, rects[:, 2].max(), bottom)
    words: list[WordBox] = []
    word, parts = "", []

    # Words are as high as their line, as OCR's are: glyph boxes differ in height ("-" or
    # "a" against "l"), and text laid on them would not sit on one baseline.
    def flush() -> None:
        nonlocal word, parts
        if word:
            part = np.array(parts, dtype=np.float64)
            words.append(WordBox(word, _quad(part[:, 0].min(), top, part[:, 2].max(), bottom)))
        word, parts = "", []

    for char, rect in items:
        if rect is None:
            flush()
        elif is_unspaced(char):
            flush()
            words.append(WordBox(char, _quad(rect[0], top, rect[2], bottom)))
        else:
            word += char
            parts.append(rect)
    flush()
    text = "".join(c for c, _ in items)
    chars = tuple(WordBox(c, _quad(*r)) for c, r in items if r is not None)
    lines.append(TextLine(box, text, 1.0, 0, tuple(words), chars))
