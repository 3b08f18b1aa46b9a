"""Page sources: every input is a sequence of pages, whatever kind of file it is.

A PDF yields each page rendered at a DPI chosen for OCR, a multi-page TIFF each of its
frames, and any other image one page. The worker, the `ocr` command and a batch run ask
for pages and never look at the file type themselves.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PIL import Image

from desktop_ocr.engine.errors import ImageLoadError
from desktop_ocr.engine.image_loader import (
    DEFAULT_MAX_PIXELS,
    LoadedImage,
    load_image,
    open_image_file,
)
from desktop_ocr.engine.layout import paragraphs_in_order
from desktop_ocr.engine.pdf_pages import PDF_SUFFIXES, PdfPages, is_pdf_file
from desktop_ocr.engine.results import OcrResult, ProviderReport, StageTimings, TextLine

if TYPE_CHECKING:
    from desktop_ocr.engine.pipeline import OcrEngine

logger = logging.getLogger(__name__)

DEFAULT_DPI = 200.0  # 10 pt text becomes about 28 px high: what the recogniser reads best
MIN_DPI, MAX_DPI = 50.0, 600.0
DOCUMENT_SUFFIXES = PDF_SUFFIXES
TIFF_SUFFIXES = (".tif", ".tiff")  # pages; frames of a GIF or WebP are an animation


@dataclass(frozen=True)
class PageOptions:
    """How documents become pages."""

    dpi: float = DEFAULT_DPI  # PDF rendering resolution
    text_layer: bool = True  # take a PDF page's own text instead of OCR when it has some
    max_pixels: int = DEFAULT_MAX_PIXELS
    apply_exif: bool = True


@dataclass(frozen=True)
class Page:
    """One page's pixels and, for a PDF page with text, the text it already has."""

    image: LoadedImage
    number: int  # 1-based
    count: int
    dpi: float | None = None  # pixels per inch, when the source says
    text_lines: tuple[TextLine, ...] | None = None
    load_ms: float = 0.0
    in_document: bool = True  # a page of a PDF or TIFF, named by its number in results

    @property
    def source(self) -> str:
        return self.image.source


class PageSource(Protocol):
    """A file seen as pages; close it when done (or use it as a context manager)."""

    name: str
    page_count: int

    def page(self, index: int) -> Page: ...

    def close(self) -> None: ...


class _Pages:
    """Iteration and `with` support shared by the page sources."""

    name: str
    page_count: int

    def page(self, index: int) -> Page:  # pragma: no cover - every source overrides it
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __iter__(self) -> Iterator[Page]:
        for index in range(self.page_count):
            yield self.page(index)

    def __enter__(self) -> _Pages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ImagePages(_Pages):
    """A plain image: one page."""

    def __init__(self, path: str | Path, options: PageOptions) -> None:
        self.path, self.name, self.options, self.page_count = Path(path), str(path), options, 1

    def page(self, index: int) -> Page:
        _check_index(self, index)
        started = time.perf_counter()
        loaded = load_image(
            self.path, max_pixels=self.options.max_pixels, apply_exif=self.options.apply_exif
        )
        load_ms = (time.perf_counter() - started) * 1000
        return Page(loaded, 1, 1, load_ms=load_ms, in_document=False)


class TiffPages(_Pages):
    """Each frame of a multi-page TIFF as a page."""

    def __init__(self, path: str | Path, options: PageOptions) -> None:
        self.path, self.name, self.options = Path(path), str(path), options
        self._pil: Image.Image | None = open_image_file(self.path, self.name)
        self.page_count = int(getattr(self._pil, "n_frames", 1) or 1)

    def page(self, index: int) -> Page:
        _check_index(self, index)
        if self._pil is None:
            raise ImageLoadError(self.name, "the file was closed")
        started = time.perf_counter()
        where = f"page {index + 1}/{self.page_count}"
        try:
            self._pil.seek(index)
            frame = self._pil.copy()  # this frame alone, decoded
        except (OSError, ValueError, EOFError) as exc:
            raise ImageLoadError(self.name, f"{where} cannot be read ({exc})") from exc
        frame.filename = self.name  # type: ignore[attr-defined]
        loaded = load_image(
            frame, max_pixels=self.options.max_pixels, apply_exif=self.options.apply_exif
        )
        dpi = frame.info.get("dpi", (None,))[0]
        return Page(
            replace(loaded, source=self.name),
            index + 1,
            self.page_count,
            float(dpi) if dpi else None,
            load_ms=(time.perf_counter() - started) * 1000,
        )

    def close(self) -> None:
        if self._pil is not None:
            self._pil.close()
            self._pil = None


class PdfPageSource(_Pages):
    """Each page of a PDF, rendered at the chosen DPI; PDFium does the reading."""

    def __init__(self, path: str | Path, options: PageOptions) -> None:
        self.name, self.options = str(path), options
        self._pdf = PdfPages(
            path, dpi=options.dpi, text_layer=options.text_layer, max_pixels=options.max_pixels
        )
        self.page_count = self._pdf.page_count

    def page(self, index: int) -> Page:
        _check_index(self, index)
        started = time.perf_counter()
        loaded, dpi, lines = self._pdf.page(index)
        if lines is not None:
            numbers = paragraphs_in_order(_boxes(lines))
            lines = tuple(
                replace(line, paragraph=n) for line, n in zip(lines, numbers, strict=True)
            )
        load_ms = (time.perf_counter() - started) * 1000
        return Page(loaded, index + 1, self.page_count, dpi, lines, load_ms)

    def close(self) -> None:
        self._pdf.close()


def _boxes(lines: tuple[TextLine, ...]) -> list:
    return [line.box for line in lines]


def _check_index(source: _Pages, index: int) -> None:
    if not 0 <= index < source.page_count:
        raise ImageLoadError(source.name, f"has no page {index + 1} (it has {source.page_count})")


def is_document_name(path: Path) -> bool:
    """True for the file types that hold pages other than images (PDF)."""
    return path.suffix.lower() in DOCUMENT_SUFFIXES


def open_pages(path: str | Path, options: PageOptions | None = None) -> _Pages:
    """The page source for a file: PDF, multi-frame image or single image.

    Raises ImageLoadError when the file cannot be opened (missing, encrypted, damaged).
    """
    options = options or PageOptions()
    path = Path(path)
    if is_pdf_file(path):
        return PdfPageSource(path, options)
    if path.suffix.lower() in TIFF_SUFFIXES and path.is_file():
        try:
            source = TiffPages(path, options)
        except ImageLoadError:
            return ImagePages(path, options)  # let the image loader name the problem
        if source.page_count > 1:
            return source
        source.close()
    return ImagePages(path, options)


def text_layer_result(page: Page, providers: ProviderReport) -> OcrResult:
    """The result of a page taken as it is: the PDF's own text, no OCR."""
    assert page.text_lines is not None
    timings = StageTimings(load=page.load_ms, total=page.load_ms)
    return OcrResult(
        page.text_lines,
        timings,
        page.image.size,
        providers,
        source=page.source,
        notes=page.image.notes,
        page=page.number,
        page_count=page.count,
        text_layer=True,
    )


def read_page(engine: OcrEngine, page: Page, **use: bool | None) -> OcrResult:
    """A page's result: its own text when it has some, otherwise the engine's OCR."""
    if page.text_lines is not None:
        return text_layer_result(page, engine.providers)
    started = time.perf_counter() - page.load_ms / 1000
    result = engine.run(page.image, load_ms=page.load_ms, started=started, **use)
    if not page.in_document:  # a plain image: no page to name
        return result
    return replace(result, page=page.number, page_count=page.count)
