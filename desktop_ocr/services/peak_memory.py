"""Peak resident memory of this process over a stretch of work, as exactly as the OS allows.

A benchmark runs several engines one after the other in one process, so the lifetime peak
would credit the second engine with the first one's memory. Linux lets a process reset
its high-water mark (`/proc/self/clear_refs`), which gives a true per-engine peak; other
systems only keep the lifetime peak, and the result says which of the two it is.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


@dataclass(frozen=True)
class PeakMemory:
    """Peak resident set size in bytes; `scope` is 'since reset' or 'process lifetime'."""

    bytes: int
    scope: str

    @property
    def mib(self) -> float:
        return self.bytes / 2**20


def reset_peak() -> bool:
    """Starts a new high-water mark where the OS supports it; True when it did."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        # "5" resets the peak RSS to the current RSS (Linux 4.0 and later).
        _CLEAR_REFS.write_text("5")
    except OSError as exc:
        logger.debug("cannot reset the peak RSS: %s", exc)
        return False
    return True


def peak_memory(was_reset: bool = False) -> PeakMemory | None:
    """The peak RSS so far (since `reset_peak()` when that returned True), or None."""
    scope = "since reset" if was_reset else "process lifetime"
    if sys.platform.startswith("linux"):
        value = _proc_status_kib("VmHWM")
        if value is not None:
            return PeakMemory(value * 1024, scope)
    try:
        import resource
    except ImportError:  # Windows
        return _windows_peak()
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is in bytes on macOS and in KiB elsewhere.
    factor = 1 if sys.platform == "darwin" else 1024
    return PeakMemory(int(usage) * factor, "process lifetime")


def _proc_status_kib(key: str) -> int | None:
    try:
        text = _STATUS.read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(key + ":"):
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                return int(parts[1])
    return None


def _windows_peak() -> PeakMemory | None:
    try:
        import psutil
    except ImportError:
        logger.debug("psutil is not installed; peak memory is not reported on this system")
        return None
    info = psutil.Process().memory_info()
    peak = getattr(info, "peak_wset", None)
    if peak is None:
        return None
    return PeakMemory(int(peak), "process lifetime")
