"""One capture from the user's request to the chosen region: wait, grab, show the overlay.

The grab runs on a thread of its own (a Wayland portal may show a consent dialog and
take seconds); its outcome comes back through a queue polled with `after()`, so Tk is
only touched from the main thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import tkinter as tk
from collections.abc import Callable

from desktop_ocr.gui.capture_overlay import RegionOverlay
from desktop_ocr.services.capture import (
    CapturedRegion,
    CaptureError,
    Monitor,
    Screenshot,
    grab_screen,
)

logger = logging.getLogger(__name__)

POLL_MS = 15


class RegionCapture:
    """Grabs the screen after `delay_s` and lets the user pick a region of it.

    Exactly one of the callbacks runs: `on_region` with the region, `on_cancel` when the
    user backed out, `on_unavailable` with the reason the screen could not be grabbed.
    """

    def __init__(
        self,
        root: tk.Misc,
        *,
        on_region: Callable[[CapturedRegion], None],
        on_cancel: Callable[[], None],
        on_unavailable: Callable[[CaptureError], None],
        delay_s: float = 0.0,
        monitors: tuple[Monitor, ...] | None = None,
        on_overlay: Callable[[RegionOverlay], None] | None = None,
    ) -> None:
        self.root = root
        self.delay_s = delay_s
        self._monitors = monitors
        self._on_region = on_region
        self._on_cancel = on_cancel
        self._on_unavailable = on_unavailable
        self._on_overlay = on_overlay
        self._results: queue.SimpleQueue[Screenshot | CaptureError] = queue.SimpleQueue()
        self.overlay: RegionOverlay | None = None
        self.active = False
        self._after: str | None = None  # the pending wait or poll, cancelled by stop()

    def start(self, extra_wait_ms: int = 0) -> None:
        """Starts the capture; `extra_wait_ms` lets a hidden window vanish from the screen."""
        if self.active:
            return
        self.active = True
        self._after = self.root.after(int(self.delay_s * 1000) + extra_wait_ms, self._grab)

    def _grab(self) -> None:
        size = (self.root.winfo_vrootwidth(), self.root.winfo_vrootheight())
        monitors = self._monitors
        threading.Thread(
            target=lambda: self._results.put(_grab(monitors, size)), name="grab", daemon=True
        ).start()
        self._after = self.root.after(POLL_MS, self._wait_for_grab)

    def _wait_for_grab(self) -> None:
        try:
            outcome = self._results.get_nowait()
        except queue.Empty:
            self._after = self.root.after(POLL_MS, self._wait_for_grab)
            return
        self._after = None
        if isinstance(outcome, CaptureError):
            self.active = False
            logger.info("capture unavailable: %s", outcome.message())
            self._on_unavailable(outcome)
            return
        logger.debug("grabbed with %s in %.0f ms", outcome.backend, outcome.grab_ms)
        self.overlay = RegionOverlay(self.root, outcome, self._region_chosen)
        if self._on_overlay is not None:
            self._on_overlay(self.overlay)

    def _region_chosen(self, region: CapturedRegion | None) -> None:
        self.active = False
        self.overlay = None
        if region is None:
            self._on_cancel()
        else:
            self._on_region(region)

    def cancel(self) -> None:
        if self.overlay is not None:
            self.overlay.cancel()

    def stop(self) -> None:
        """Ends the capture without a word: its window is closing."""
        if self._after is not None:
            self.root.after_cancel(self._after)
            self._after = None
        if self.overlay is not None:
            self.overlay.close()
            self.overlay = None
        self.active = False


def _grab(monitors: tuple[Monitor, ...] | None, size: tuple[int, int]) -> Screenshot | CaptureError:
    try:
        return grab_screen(monitors=monitors, logical_size=size)
    except CaptureError as exc:
        return exc
    except Exception as exc:  # a grab thread must always answer
        logger.exception("the screen grab failed")
        return CaptureError(f"The screen could not be grabbed ({type(exc).__name__}: {exc}).")
