"""Where documents plug into the batch: how many pages a file holds, and a page's result.

A plain image is one work item. A document (a PDF, a multi-page TIFF) is one work item per
page, so that pages spread over workers and a resumed batch redoes only the pages it has
not finished. The batch asks these functions only: `page_count` while it plans (in the
process that runs the batch) and `read_page` in the workers, which use the same page
sources as the window's worker and `desktop-ocr ocr` (engine/pages.py).
"""

from __future__ import annotations

from pathlib import Path

from desktop_ocr.engine import LoadedImage, OcrEngine, OcrResult
from desktop_ocr.engine.pages import (
    PageOptions,
    PdfPageSource,
    TiffPages,
    open_pages,
)
from desktop_ocr.engine.pages import read_page as read_source_page
from desktop_ocr.services.page_reader import page_options

# The document a worker process read last: its next item is most often the next page.
_open: tuple[Path, PageOptions, object] | None = None


def page_count(path: Path) -> int | None:
    """The number of pages of a document, or None for a file that is read as one image.

    Raises ImageLoadError for a document that cannot be opened (encrypted, damaged).
    """
    with open_pages(path) as source:
        if isinstance(source, (PdfPageSource, TiffPages)):
            return source.page_count
    return None


def _source(engine: OcrEngine, path: Path, text_layer: bool) -> object:
    global _open
    config = engine.config
    options = page_options(config, text_layer=text_layer and config.documents.text_layer)
    if _open is None or _open[0] != path or _open[1] != options:
        if _open is not None:
            _open[2].close()  # type: ignore[attr-defined]
            _open = None
        _open = (path, options, open_pages(path, options))
    return _open[2]


def read_page(engine: OcrEngine, path: Path, index: int) -> OcrResult:
    """The result of page `index` (0-based): its own text layer, or the engine's OCR.

    Raises ImageLoadError, which the batch records as that page's failure.
    """
    source = _source(engine, path, text_layer=True)
    return read_source_page(engine, source.page(index))  # type: ignore[attr-defined]


def load_page(engine: OcrEngine, path: Path, index: int) -> LoadedImage:
    """The image of page `index` (0-based) of the document at `path`, as the engine reads it."""
    return _source(engine, path, text_layer=False).page(index).image  # type: ignore[attr-defined]
