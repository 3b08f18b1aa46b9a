"""One row of the window's queue, and how the window names what read it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_ocr.engine.packs import PACKS
from desktop_ocr.engine.results import OcrResult, page_name
from desktop_ocr.i18n import _


def format_ms(ms: float) -> str:
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms"


def origin_text(config_source: str | None, pack: str | None = None) -> str:
    """What read an image, as the window names it: the model pack and the config file.

    Two configs on one machine can read the same image differently, so every result and
    the status bar say which pack and file produced it.
    """
    config = Path(config_source).name if config_source else _("current settings")
    model = PACKS[pack].title if pack in PACKS else pack
    return f"{model} · {config}" if model else config


@dataclass
class JobEntry:
    """One row of the queue and what is known about it."""

    job_id: int
    name: str  # shown in the queue: the file name, or "Pasted image 2"
    source: Path | bytes | None  # None for skipped files
    state: str
    reason: str | None = None
    result: OcrResult | None = None
    started: float | None = None
    config_source: str | None = None  # the config file of the engine that read it
    edited_text: str | None = None  # the user's edit of the text, when it differs
    page: int | None = None  # 0-based page of a PDF or TIFF queued page by page
    pages: int | None = None  # how many pages that document has
    dpi: float | None = None  # the resolution the page was read at, when known

    @property
    def label(self) -> str:
        """The full name, for headers, tooltips and exports."""
        if not isinstance(self.source, Path):
            return self.name
        if self.page is not None and self.pages:
            return page_name(str(self.source), self.page + 1, self.pages)
        return str(self.source)

    @property
    def document_id(self) -> int:
        """The same for every page of one queued document: its first page's job id.

        The worker numbers the pages of a document one after the other.
        """
        return self.job_id - self.page if self.page is not None else self.job_id

    @property
    def folder(self) -> str:
        """The folder the file is in, to tell apart files of the same name."""
        return self.source.parent.name if isinstance(self.source, Path) else ""

    @property
    def text(self) -> str:
        """The text as the user wants it: their edit, or else the recognised lines in
        reading order, a blank line between paragraphs."""
        if self.edited_text is not None:
            return self.edited_text
        return self.result.page_text if self.result is not None else ""
