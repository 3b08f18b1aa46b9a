"""The progress line of a running batch (rate and time left) and its closing summary.

The rate is measured over the last half minute, not since the start, so the engines'
loading time and a slow first folder do not skew the time left for hours.
"""

from __future__ import annotations

import shutil
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from desktop_ocr.services.batch import BatchProgress, BatchSummary
from desktop_ocr.services.batch_plan import MANIFEST_NAME

RATE_WINDOW_S = 30.0
MAX_FAILURES_LISTED = 20


class RateMeter:
    """Items per second over a sliding window of recent completions."""

    def __init__(self, window_s: float = RATE_WINDOW_S) -> None:
        self.window_s = window_s
        self._marks: deque[tuple[float, int]] = deque()

    def add(self, now: float, count: int) -> None:
        self._marks.append((now, count))
        while len(self._marks) > 2 and now - self._marks[1][0] >= self.window_s:
            self._marks.popleft()

    def rate(self) -> float | None:
        if len(self._marks) < 2:
            return None
        (t0, c0), (t1, c1) = self._marks[0], self._marks[-1]
        if t1 <= t0 or c1 <= c0:
            return None
        return (c1 - c0) / (t1 - t0)


class BatchProgressBar:
    """One redrawn line on a terminal; on a pipe or a log file, a line every few seconds."""

    WIDTH = 24
    PIPE_EVERY_S = 5.0

    def __init__(
        self,
        stream: TextIO,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.enabled = enabled
        self.tty = enabled and stream.isatty()
        self.clock = clock
        self.meter = RateMeter()
        self._last_line = float("-inf")
        self._drawn = False

    def update(self, event: BatchProgress) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if event.phase == "planned":
            self._line(f"{event.total} to read")
            return
        if event.phase == "finished":
            self.finish()
            return
        self.meter.add(now, event.done + event.failed)
        text = self.status_text(event)
        if self.tty:
            columns = shutil.get_terminal_size((80, 20)).columns
            self.stream.write("\r" + text[: columns - 1].ljust(columns - 1))
            self.stream.flush()
            self._drawn = True
        elif now - self._last_line >= self.PIPE_EVERY_S or event.done + event.failed == event.total:
            self._line(text)

    def status_text(self, event: BatchProgress) -> str:
        finished = event.done + event.failed
        total = max(event.total, 1)
        filled = int(self.WIDTH * min(finished, total) / total)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        rate = self.meter.rate()
        speed = f"{rate:.1f} img/s" if rate else "-- img/s"
        left = _duration((event.total - finished) / rate) + " left" if rate else "--:-- left"
        failed = f", {event.failed} failed" if event.failed else ""
        return f"[{bar}] {finished}/{event.total} {speed} {left}{failed}"

    def note(self, text: str) -> None:
        if self.enabled:
            self._line(text)

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False

    def _line(self, text: str) -> None:
        self.finish()
        self.stream.write(text.rstrip() + "\n")
        self.stream.flush()
        self._last_line = self.clock()


def summary_text(summary: BatchSummary, out_dir: Path) -> str:
    """The closing lines: counts, speed, peak memory, where things are, what failed."""
    lines = [
        f"done {summary.done}, failed {summary.failed}, skipped "
        f"{summary.up_to_date + summary.skipped} ({summary.up_to_date} up to date, "
        f"{summary.skipped} not images or unreadable folders)"
        + (f", not read {summary.not_read} (stopped)" if summary.not_read else ""),
        f"read {summary.read} in {summary.read_s:.1f} s: "
        f"{summary.images_per_s:.2f} images/s with {summary.runner}",
        _memory_line(summary),
        f"results and {MANIFEST_NAME} in {out_dir} (run {summary.run_id})",
    ]
    if summary.failures:
        lines.append("failed:")
        for source, reason in summary.failures[:MAX_FAILURES_LISTED]:
            lines.append(f"  {reason if reason.startswith(source) else f'{source}: {reason}'}")
        more = len(summary.failures) - MAX_FAILURES_LISTED
        if more > 0:
            lines.append(f"  ... and {more} more (see {out_dir / MANIFEST_NAME})")
    return "\n".join(lines) + "\n"


def _memory_line(summary: BatchSummary) -> str:
    mib = 2**20
    own = f"{summary.peak_bytes / mib:.0f} MB" if summary.peak_bytes else "unknown"
    text = f"peak memory: this process {own}"
    peaks = list(summary.worker_peaks.values())
    if peaks:
        text += (
            f"; each worker at most {max(peaks) / mib:.0f} MB, "
            f"{len(peaks)} worker(s) together at most {sum(peaks) / mib:.0f} MB"
        )
    return text


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    if hours:
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{rest // 60}:{rest % 60:02d}"
