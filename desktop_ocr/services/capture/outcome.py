"""After the region was read: the text for the clipboard, copying it, what to tell the user."""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass

from desktop_ocr.engine import OcrResult
from desktop_ocr.i18n import N_, _
from desktop_ocr.services.capture.models import CapturedRegion
from desktop_ocr.services.capture.options import CaptureOptions
from desktop_ocr.services.capture.text import capture_text, notice_text
from desktop_ocr.services.clipboard_text import ClipboardError, copy_text

logger = logging.getLogger(__name__)

NO_TEXT = N_("No text was found in the region; the clipboard was left as it was.")


@dataclass(frozen=True)
class CaptureOutcome:
    """What a capture ended with: the text copied, or the problem, and how long it took."""

    text: str
    line_count: int
    ms: float  # from the mouse release to the text on the clipboard
    copied: bool
    problem: str | None = None

    def notice(self) -> str:
        if self.problem:
            return _(self.problem) if self.problem == NO_TEXT else self.problem
        return notice_text(self.text, self.line_count, self.ms)


def region_png(region: CapturedRegion) -> bytes:
    """The region as PNG bytes for the worker: lossless, and quick to write at level 1."""
    buffer = io.BytesIO()
    region.image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def region_name(region: CapturedRegion) -> str:
    """A name for the queue: when and where, e.g. 'capture 14:03:07 600x200 at 120,340'."""
    rect = region.rect
    width, height = region.image.size
    where = "screen" if region.whole_screen else f"{width}x{height} at {rect.left},{rect.top}"
    return f"capture {time.strftime('%H:%M:%S')} {where}"


def finish_capture(
    result: OcrResult,
    options: CaptureOptions,
    released_at: float,
    *,
    copy: bool = True,
    paragraphs: tuple[int, ...] = (),
) -> CaptureOutcome:
    """Copies the text read (unless `copy` is false) and says what happened.

    No text leaves the clipboard alone: replacing what the user had with nothing would
    lose it for no gain.
    """
    text = capture_text([line.text for line in result.lines], options.copy_as, paragraphs)
    count = sum(1 for line in result.lines if line.text.strip())
    if not text:
        ms = (time.perf_counter() - released_at) * 1000
        return CaptureOutcome("", 0, ms, False, NO_TEXT)
    if copy:
        try:
            copy_text(text)
        except ClipboardError as exc:
            ms = (time.perf_counter() - released_at) * 1000
            return CaptureOutcome(text, count, ms, False, str(exc))
    ms = (time.perf_counter() - released_at) * 1000
    logger.info("capture: %d lines in %.0f ms", count, ms)
    return CaptureOutcome(text, count, ms, copy)
