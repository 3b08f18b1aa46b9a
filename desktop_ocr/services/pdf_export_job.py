"""A searchable PDF of results, written on a thread of its own from the pages' sources.

A window keeps only a few page images in memory, so each page is rendered (or decoded)
again from its file, one at a time, while the PDF grows: a 300-page document never holds
more than one page's pixels, and the window goes on answering. The file appears whole
when the last page is in, or not at all (a failure or a cancel leaves the old file).
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

from desktop_ocr.engine import EngineConfig, ImageLoadError, OcrResult
from desktop_ocr.i18n import Msg
from desktop_ocr.services.atomic_file import WriteError, write_failure_reason
from desktop_ocr.services.exporters import ExportItem
from desktop_ocr.services.page_reader import load_preview
from desktop_ocr.services.pdf_export import SearchablePdfWriter

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfPage:
    """One page to write: its result, where its pixels come from, and the user's edit."""

    name: str  # how the user knows it, for messages: `scan.pdf — page 3/12`
    source: Path | bytes  # a file, or the bytes of a pasted image
    result: OcrResult
    page: int | None = None  # 0-based page of a PDF or TIFF
    dpi: float | None = None  # the resolution the page was read at
    edited_text: str | None = None


@dataclass(frozen=True)
class PdfProgress:
    written: int
    total: int


@dataclass(frozen=True)
class PdfWritten:
    path: Path
    pages: int


@dataclass(frozen=True)
class PdfFailed:
    """The PDF was not written; `reason` names the file chosen (and the page, if one)."""

    path: Path
    reason: str


PdfEvent = PdfProgress | PdfWritten | PdfFailed


def edited_result(page: PdfPage) -> OcrResult:
    """The result with the user's edit on its lines, when the edit kept a row per line.

    An edited line is placed over its whole box (its word boxes belong to the old text);
    an edit that joined or split lines has no boxes to go in, so the recognition is used.
    """
    item = ExportItem(page.name, result=page.result, edited_text=page.edited_text)
    pairs = item.lines()
    if page.edited_text is None or any(line is None for _text, line in pairs):
        return page.result
    lines = tuple(
        line if line.text == text else dataclasses.replace(line, text=text, words=(), chars=())
        for text, line in pairs
        if line is not None
    )
    return dataclasses.replace(page.result, lines=lines)


class PdfExportJob:
    """Writes `pages` to `path` on a thread; read its events from `events`."""

    def __init__(
        self, path: str | Path, pages: list[PdfPage], config: EngineConfig, title: str = ""
    ) -> None:
        self.path = Path(path)
        self.pages = list(pages)
        self.config = config
        self.title = title
        self.events: queue.SimpleQueue[PdfEvent] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pdf-export", daemon=True)

    def start(self) -> PdfExportJob:
        self._thread.start()
        return self

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def cancel(self, timeout: float | None = None) -> bool:
        """Stops after the page being written, leaving no file; True when it has stopped."""
        self._stop.set()
        if self._thread.ident is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            event = self._write()
        except Exception as exc:  # the thread must always say how it ended
            logger.exception("writing %s failed", self.path)
            event = PdfFailed(self.path, f"{self.path}: {type(exc).__name__}: {exc}")
        self.events.put(event)

    def _write(self) -> PdfEvent:
        total = len(self.pages)
        try:
            writer = SearchablePdfWriter(self.path, title=self.title or None)
        except OSError as exc:
            return PdfFailed(self.path, _write_reason(self.path, exc))
        page: PdfPage | None = None
        try:
            for written, page in enumerate(self.pages, 1):
                if self._stop.is_set():
                    writer.discard()
                    return PdfFailed(self.path, Msg("{path}: cancelled", path=self.path))
                image = load_preview(page.source, self.config, page.page, page.dpi)
                if image.size != page.result.image_size:
                    raise ImageLoadError(page.name, Msg("has changed since it was read"))
                writer.add_page(image, edited_result(page), page.dpi)
                self.events.put(PdfProgress(written, total))
            path = writer.close()
        except ImageLoadError as exc:
            writer.discard()
            name = page.name if page is not None else exc.source
            reason = Msg(
                "{path}: not written, {name}: {reason}",
                path=self.path,
                name=name,
                reason=exc.reason,
            )
            return PdfFailed(self.path, reason)
        except OSError as exc:
            writer.discard()
            return PdfFailed(self.path, _write_reason(self.path, exc))
        except BaseException:
            writer.discard()
            raise
        return PdfWritten(path, total)


def _write_reason(path: Path, exc: OSError) -> str:
    """The reason, naming the file the user chose and never the temporary one."""
    if isinstance(exc, WriteError):
        return str(exc)
    reason = write_failure_reason(exc, path.parent)
    return Msg("cannot write {path}: {reason}", path=path, reason=reason)
