"""X11, Windows and macOS: every monitor grabbed with mss, at its full pixel resolution."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from PIL import Image

from desktop_ocr.services.capture.models import (
    CaptureError,
    Monitor,
    MonitorShot,
    Rect,
    Screenshot,
)

logger = logging.getLogger(__name__)

NAME = "mss"


def list_monitors() -> tuple[Monitor, ...]:
    """The monitors as the window system places them (raises CaptureError)."""
    import mss

    try:
        with mss.MSS() as sct:
            return _monitors(sct.monitors)
    except mss.ScreenShotError as exc:
        raise _unavailable(exc) from exc


def grab(monitors: Sequence[Monitor] | None = None) -> Screenshot:
    """Grabs each monitor (or each rectangle of `monitors`, placed as given).

    mss returns the monitor's real pixels: on a Retina Mac a monitor of 1440x900
    points comes back as 2880x1800 pixels, and that ratio is the monitor's scale.
    """
    import mss

    started = time.perf_counter()
    try:
        with mss.MSS() as sct:
            wanted = tuple(monitors) if monitors else _monitors(sct.monitors)
            shots = tuple(_grab_one(sct, monitor) for monitor in wanted)
    except mss.ScreenShotError as exc:
        raise _unavailable(exc) from exc
    ms = (time.perf_counter() - started) * 1000
    logger.debug("grabbed %d monitor(s) in %.1f ms", len(shots), ms)
    return Screenshot(shots, NAME, ms)


def _grab_one(sct: object, monitor: Monitor) -> MonitorShot:
    rect = monitor.rect
    area = {"left": rect.left, "top": rect.top, "width": rect.width, "height": rect.height}
    raw = sct.grab(area)  # type: ignore[attr-defined]
    image = Image.frombytes("RGB", raw.size, raw.bgra, "raw", "BGRX")
    scale = image.width / rect.width if rect.width else 1.0
    if abs(scale - monitor.scale) > 1e-6:
        monitor = Monitor(monitor.index, rect, scale, monitor.name, monitor.primary)
    return MonitorShot(monitor, image)


def _monitors(found: Sequence[dict]) -> tuple[Monitor, ...]:
    """mss lists the union of all monitors first, then each one; identical ones (mirrors) once."""
    singles = list(found[1:]) or list(found[:1])
    monitors: list[Monitor] = []
    seen: set[Rect] = set()
    for entry in singles:
        left, top = int(entry["left"]), int(entry["top"])
        rect = Rect(left, top, int(entry["width"]), int(entry["height"]))
        if rect in seen or rect.width <= 0 or rect.height <= 0:
            continue
        seen.add(rect)
        name = str(entry.get("name") or entry.get("output") or f"monitor {len(monitors) + 1}")
        monitors.append(Monitor(len(monitors), rect, 1.0, name, bool(entry.get("is_primary"))))
    if not monitors:
        raise CaptureError("The window system reports no monitor to capture.")
    return tuple(monitors)


def _unavailable(exc: Exception) -> CaptureError:
    return CaptureError(
        f"The screen could not be grabbed ({exc}).",
        "Check that the display is reachable (DISPLAY on Linux) and try again.",
    )
