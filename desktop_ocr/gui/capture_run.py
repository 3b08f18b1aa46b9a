"""`desktop-ocr capture` without the main window: one capture, read by a worker of its own.

The worker starts building the engine at once, so the models load while the user is
still dragging; the process ends when the notice has gone.
"""

from __future__ import annotations

import logging
import queue
import time
import tkinter as tk
from collections.abc import Callable

from desktop_ocr.engine import OcrResult
from desktop_ocr.gui.capture_flow import RegionCapture
from desktop_ocr.gui.capture_notice import Notice
from desktop_ocr.gui.capture_overlay import RegionOverlay
from desktop_ocr.i18n import _
from desktop_ocr.services.capture import CapturedRegion, CaptureError, Monitor
from desktop_ocr.services.capture.options import CaptureOptions
from desktop_ocr.services.capture.outcome import (
    CaptureOutcome,
    finish_capture,
    region_name,
    region_png,
)
from desktop_ocr.services.worker import JobDone, JobFailed, OcrWorker

logger = logging.getLogger(__name__)

POLL_MS = 5


class CaptureRun:
    """One capture from the grab to the notice; `finished` once all is over.

    Afterwards `outcome` holds what was copied (or why nothing was), `unavailable` why
    the screen could not be grabbed, and `cancelled` whether the user backed out.
    """

    def __init__(
        self,
        root: tk.Misc,
        worker: OcrWorker,
        options: CaptureOptions,
        *,
        copy: bool = True,
        notice: bool = True,
        monitors: tuple[Monitor, ...] | None = None,
        on_overlay: Callable[[RegionOverlay], None] | None = None,
        on_finished: Callable[[CaptureRun], None] | None = None,
    ) -> None:
        self.root = root
        self.worker = worker
        self.options = options
        self.copy = copy
        self.show_notice = notice
        self._on_finished = on_finished
        self.capture = RegionCapture(
            root,
            on_region=self._read,
            on_cancel=self._cancelled,
            on_unavailable=self._unavailable,
            delay_s=options.delay_s,
            monitors=monitors,
            on_overlay=on_overlay,
        )
        self.region: CapturedRegion | None = None
        self.outcome: CaptureOutcome | None = None
        self.result: OcrResult | None = None  # the lines read, with their boxes and timings
        self.unavailable: CaptureError | None = None
        self.cancelled = False
        self.notice: Notice | None = None
        self.finished = False
        self._job_id: int | None = None

    def start(self) -> None:
        self.capture.start()

    # -- after the overlay ----------------------------------------------------------------

    def _read(self, region: CapturedRegion) -> None:
        self.region = region
        job = self.worker.submit(region_png(region), region_name(region))
        self._job_id = job.job_id
        self.root.after(POLL_MS, self._poll)

    def _poll(self) -> None:
        while True:
            try:
                event = self.worker.events.get_nowait()
            except queue.Empty:
                break
            if isinstance(event, JobDone) and event.job_id == self._job_id:
                self._read_done(event)
                return
            if isinstance(event, JobFailed) and event.job_id == self._job_id:
                self._read_failed(event.reason)
                return
        self.root.after(POLL_MS, self._poll)

    def _read_done(self, event: JobDone) -> None:
        assert self.region is not None
        self.result = event.result
        self.outcome = finish_capture(
            event.result, self.options, self.region.released_at, copy=self.copy
        )
        # Nothing found is news; text that could not be copied is a fault.
        kind = "error" if self.outcome.problem and self.outcome.text else "info"
        self._tell(self.outcome.notice(), kind)

    def _read_failed(self, reason: str) -> None:
        assert self.region is not None
        ms = (time.perf_counter() - self.region.released_at) * 1000
        reason = _("The region could not be read: {reason}").format(reason=reason)
        self.outcome = CaptureOutcome("", 0, ms, False, reason)
        self._tell(self.outcome.notice(), "error")

    def _cancelled(self) -> None:
        self.cancelled = True
        self._finish()

    def _unavailable(self, problem: CaptureError) -> None:
        self.unavailable = problem
        self._tell(problem.message(), "error")

    # -- the notice and the end -----------------------------------------------------------

    def _tell(self, text: str, kind: str) -> None:
        if not self.show_notice:
            self._finish()
            return
        near = self.region.monitor.rect if self.region is not None else None
        self.notice = Notice(self.root, text, kind=kind, near=near, on_closed=self._finish)

    def _finish(self) -> None:
        if self.finished:
            return
        self.finished = True
        if self._on_finished is not None:
            self._on_finished(self)
