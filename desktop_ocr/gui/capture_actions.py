"""Capture → Region in the window: hide it, let the user pick a region, read it, copy, tell.

The region is read by the window's own worker and lands in the queue with the captured
image, like a pasted one, so its boxes, text and exports work as for files. When its
result comes back the text goes to the clipboard and a notice says what was copied.
The global shortcut, when on, only queues a request that the window's poll picks up.
"""

from __future__ import annotations

import logging
import queue
import time
from typing import TYPE_CHECKING

from desktop_ocr.gui.capture_flow import RegionCapture
from desktop_ocr.gui.capture_notice import Notice
from desktop_ocr.i18n import _
from desktop_ocr.services.capture import CapturedRegion, CaptureError
from desktop_ocr.services.capture.outcome import (
    CaptureOutcome,
    finish_capture,
    region_name,
    region_png,
)
from desktop_ocr.services.hotkey import GlobalHotkey, HotkeyUnavailable, start_hotkey
from desktop_ocr.services.worker import JobDone, JobFailed, WorkerEvent

if TYPE_CHECKING:
    import tkinter as tk

    from desktop_ocr.gui.controller import WindowController
    from desktop_ocr.gui.status_bar import StatusBar
    from desktop_ocr.services.settings_store import Settings
    from desktop_ocr.services.worker import OcrWorker

logger = logging.getLogger(__name__)

# Time for a hidden window to leave the screen before the grab: compositors fade
# windows out over about 150-250 ms.
HIDE_WAIT_MS = 300
REQUEST_POLL_MS = 100  # how often the global shortcut's requests are looked for


class WindowCapture:
    """Capture → Region and the global shortcut; mixed into MainWindow, which sets the
    attributes, calls `start_capturing` once built, and provides show_job, show_message
    and _draw_changes."""

    root: tk.Tk
    controller: WindowController
    worker: OcrWorker
    status: StatusBar
    settings: Settings
    _closed: bool

    def start_capturing(self) -> None:
        """Sets up the capture state and starts the global shortcut if it is on."""
        self.capture: RegionCapture | None = None
        self.capture_jobs: dict[int, CapturedRegion] = {}  # jobs waiting for their text
        self.capture_outcome: CaptureOutcome | None = None  # the last capture's
        self.capture_notice: Notice | None = None
        self.hotkey: GlobalHotkey | None = None
        self.hotkey_problem: str | None = None
        self._capture_requests: queue.SimpleQueue[float] = queue.SimpleQueue()
        self._restore = "normal"
        self.apply_hotkey()
        self._requests_poll = self.root.after(REQUEST_POLL_MS, self._poll_capture_requests)

    @property
    def capturing(self) -> bool:
        return self.capture is not None and self.capture.active

    # -- starting -------------------------------------------------------------------------

    def capture_region(self) -> None:
        """Hides the window, grabs the screen after the delay, and shows the overlay."""
        if self.capturing:
            return
        root = self.root
        options = self.settings.capture
        self._restore = root.state()
        shown = self._restore in ("normal", "zoomed")
        if self.capture_notice is not None:
            self.capture_notice.close()
        root.withdraw()
        self.capture = RegionCapture(
            root,
            on_region=self._read,
            on_cancel=self._cancelled,
            on_unavailable=self._unavailable,
            delay_s=options.delay_s,
        )
        self.capture.start(extra_wait_ms=HIDE_WAIT_MS if shown else 0)

    # -- after the overlay ----------------------------------------------------------------

    def _read(self, region: CapturedRegion) -> None:
        data = region_png(region)
        name = region_name(region)
        job = self.worker.submit(data, name=name)
        self.capture_jobs[job.job_id] = region
        self.controller.add_waiting(job.job_id, name, data)
        self.controller.follow = True  # show the capture's result when it comes
        self.status.set_message(_("Reading the captured region…"))
        self._show_window_after()
        self._draw_changes()

    def _cancelled(self) -> None:
        self._put_window_back()
        self.status.set_message(_("Capture cancelled; nothing was copied."))

    def _unavailable(self, problem: CaptureError) -> None:
        self._put_window_back()
        self.status.set_message(_("The screen could not be captured."), warning=True)
        self.show_message(
            _("The screen could not be captured"),
            problem.message(),
            kind="error",
            title=_("Capture"),
        )

    def capture_event(self, event: WorkerEvent) -> None:
        """A capture's result: copy its text and say so (other events are the window's)."""
        if not isinstance(event, (JobDone, JobFailed)) or event.job_id not in self.capture_jobs:
            return
        region = self.capture_jobs.pop(event.job_id)
        if isinstance(event, JobDone):
            options = self.settings.capture
            outcome = finish_capture(event.result, options, region.released_at)
        else:
            ms = (time.perf_counter() - region.released_at) * 1000
            reason = _("The region could not be read: {reason}").format(reason=event.reason)
            outcome = CaptureOutcome("", 0, ms, False, reason)
        self.capture_outcome = outcome
        kind = "error" if outcome.problem and outcome.text else "info"
        text = outcome.notice()
        if self.root.state() == "withdrawn":
            text += "\n" + _("Click here to show the window.")
        self.capture_notice = Notice(
            self.root,
            text,
            kind=kind,
            near=region.monitor.rect,
            on_click=lambda: self._show_capture(event.job_id),
        )
        self.status.set_message(outcome.notice(), warning=outcome.problem is not None)

    # -- the window's place -----------------------------------------------------------------

    def _show_window_after(self) -> None:
        """Back as it was, or left hidden when the user keeps it out of the way (a click
        on the notice, or the next capture from the global shortcut, brings it back)."""
        if self.settings.capture.show_window:
            self._put_window_back()

    def _put_window_back(self) -> None:
        root = self.root
        if self._restore == "iconic":
            root.iconify()
        elif self._restore != "withdrawn":
            root.deiconify()
            if self._restore == "zoomed":
                root.state("zoomed")

    def _show_capture(self, job_id: int) -> None:
        self.root.deiconify()
        self.root.lift()
        if job_id in self.controller.jobs:
            self.show_job(job_id)

    # -- the global shortcut ----------------------------------------------------------------

    def apply_hotkey(self) -> None:
        """Starts, stops or changes the global shortcut as the settings say."""
        options = self.settings.capture
        wanted = options.hotkey if options.hotkey_enabled else None
        if self.hotkey is not None and self.hotkey.combo == wanted:
            return
        if self.hotkey is not None:
            self.hotkey.stop()
            self.hotkey = None
        self.hotkey_problem = None
        if wanted is None:
            return
        try:
            self.hotkey = start_hotkey(wanted, self._hotkey_pressed)
        except HotkeyUnavailable as exc:
            self.hotkey_problem = str(exc)
            logger.warning("global shortcut unavailable: %s", exc)
            self.status.set_message(
                _("The global capture shortcut is unavailable: {reason}").format(reason=exc),
                warning=True,
            )

    def _hotkey_pressed(self) -> None:
        """On pynput's thread: only a note for the window's thread to pick up."""
        self._capture_requests.put(time.perf_counter())

    def _poll_capture_requests(self) -> None:
        """Starts a capture the global shortcut asked for (its thread only queues requests)."""
        if self._closed:
            return
        asked = False
        while True:
            try:
                self._capture_requests.get_nowait()
            except queue.Empty:
                break
            asked = True
        if asked:
            self.capture_region()
        self._requests_poll = self.root.after(REQUEST_POLL_MS, self._poll_capture_requests)

    def stop_capturing(self) -> None:
        """Ends the shortcut, the overlay and the notice (the window is closing)."""
        self.root.after_cancel(self._requests_poll)
        if self.hotkey is not None:
            self.hotkey.stop()
            self.hotkey = None
        if self.capture is not None:
            self.capture.stop()
        if self.capture_notice is not None:
            self.capture_notice.close()
