"""A benchmark on a thread of its own, for a window that polls its events."""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass

from desktop_ocr.services.benchmark import BenchmarkProgress, run_benchmark
from desktop_ocr.services.benchmark_report import (
    BenchmarkReport,
    BenchmarkSettings,
    NoImagesError,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BenchmarkFailed:
    """The benchmark could not run at all (no images, or an unexpected error)."""

    message: str


JobEvent = BenchmarkProgress | BenchmarkReport | BenchmarkFailed


class BenchmarkJob:
    """Runs a benchmark on its own thread and hands its events over through a queue.

    A window polls `poll()` from its own loop, so the benchmark never blocks it and never
    touches the window's toolkit from the wrong thread.
    """

    def __init__(self, settings: BenchmarkSettings) -> None:
        self.settings = settings
        self._events: queue.Queue[JobEvent] = queue.Queue()
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._work, name="benchmark", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        """Stops after the image in progress; the report keeps every row measured so far."""
        self._cancel.set()

    @property
    def cancelling(self) -> bool:
        return self._cancel.is_set()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def poll(self, limit: int = 500) -> list[JobEvent]:
        """The events that arrived since the last call, oldest first (never blocks)."""
        events: list[JobEvent] = []
        while len(events) < limit:
            try:
                events.append(self._events.get_nowait())
            except queue.Empty:
                break
        return events

    def _work(self) -> None:
        try:
            report = run_benchmark(self.settings, self._events.put, self._cancel)
        except (NoImagesError, ValueError) as exc:
            self._events.put(BenchmarkFailed(str(exc)))
        except Exception as exc:  # reported to the window, not lost in a thread
            logger.exception("benchmark failed")
            self._events.put(BenchmarkFailed(f"the benchmark stopped: {type(exc).__name__}: {exc}"))
        else:
            self._events.put(report)
