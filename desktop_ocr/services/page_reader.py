"""Pages of files for the worker: counted when queued, read one by one when their turn comes.

The document being read stays open while its pages follow each other in the queue, so
a 300-page PDF is opened once, not 300 times; any other file closes it.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from desktop_ocr.engine import (
    EngineConfig,
    ImageLoadError,
    LoadedImage,
    OcrEngine,
    OcrResult,
    load_image,
)
from desktop_ocr.engine.pages import PageOptions, open_pages, read_page
from desktop_ocr.i18n import Msg

logger = logging.getLogger(__name__)


def page_options(config: EngineConfig, **changes: object) -> PageOptions:
    """Page settings from the engine config: its `documents` section and image limits."""
    options = PageOptions(
        dpi=float(config.documents.dpi),
        text_layer=config.documents.text_layer,
        max_pixels=config.pipeline.max_image_pixels,
        apply_exif=config.pipeline.apply_exif,
    )
    return dataclasses.replace(options, **changes) if changes else options


def count_pages(path: Path, options: PageOptions) -> int | None:
    """How many pages a file has; None when it cannot be opened (its job says why)."""
    try:
        with open_pages(path, options) as source:
            return source.page_count
    except ImageLoadError:
        return None


class PageReader:
    """Reads page `index` of a file (None: the first page, noting how many there are)."""

    def __init__(self, options: PageOptions) -> None:
        self._options = options
        self._path: Path | None = None
        self._source: object | None = None

    @property
    def options(self) -> PageOptions:
        return self._options

    @options.setter
    def options(self, options: PageOptions) -> None:
        """New settings apply from the next page on: the open document is closed."""
        if options != self._options:
            self.close()
            self._options = options

    def read(
        self, engine: OcrEngine, path: Path, index: int | None
    ) -> tuple[LoadedImage, OcrResult, float | None]:
        """The page's pixels, its result, and the resolution it was read at (when known)."""
        if self._source is None or self._path != path:
            self.close()
            self._source = open_pages(path, self.options)
            self._path = path
        source = self._source
        page = source.page(index if index is not None else 0)  # type: ignore[attr-defined]
        result = read_page(engine, page)
        if index is None:
            count = source.page_count  # type: ignore[attr-defined]
            self.close()
            if count > 1:
                note = Msg(
                    "{count} pages: only the first was read; queue it as a document", count=count
                )
                result = dataclasses.replace(result, notes=(*result.notes, note))
        return page.image, result, page.dpi

    def close(self) -> None:
        if self._source is not None:
            try:
                self._source.close()  # type: ignore[attr-defined]
            except Exception:  # closing must never end the worker
                logger.debug("closing %s failed", self._path, exc_info=True)
        self._source = None
        self._path = None


def render_page(path: Path, config: EngineConfig, index: int, dpi: float | None) -> LoadedImage:
    """The pixels of one page as the worker rendered them (for showing it again)."""
    options = page_options(config, text_layer=False)
    if dpi is not None:
        options = dataclasses.replace(options, dpi=dpi)
    with open_pages(path, options) as pages:
        return pages.page(index).image


def load_preview(
    source: Path | bytes, config: EngineConfig, page: int | None = None, dpi: float | None = None
) -> LoadedImage:
    """Decodes an image (or renders a page) the way the worker did, to show it again.

    The window keeps only a few recent images in memory; older ones are decoded again
    from their source when the user goes back to them. `page` is the 0-based page of a
    PDF or TIFF, `dpi` the resolution a PDF page was read at (the boxes' pixels).
    Raises ImageLoadError.
    """
    opts = config.pipeline
    if isinstance(source, Path) and (page is not None or source.suffix.lower() == ".pdf"):
        return render_page(source, config, page or 0, dpi)
    return load_image(source, max_pixels=opts.max_image_pixels, apply_exif=opts.apply_exif)
