"""The nouns of screen capture: monitors, what was grabbed, a region, why a grab cannot work."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image


class CaptureError(Exception):
    """The screen cannot be grabbed here; `reason` says why and `fix` what to do.

    Raised instead of returning a black or empty picture, which would be read as
    "no text" and tell the user nothing.
    """

    def __init__(self, reason: str, fix: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.fix = fix

    def message(self) -> str:
        """The reason and the fix, as one text for a dialog, a notice or stderr."""
        return f"{self.reason} {self.fix}".strip()


@dataclass(frozen=True)
class Rect:
    """A rectangle in screen coordinates: the pixels [left, left+width) x [top, top+height)."""

    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def contains(self, x: float, y: float) -> bool:
        return self.left <= x < self.right and self.top <= y < self.bottom

    def intersect(self, other: Rect) -> Rect | None:
        left, top = max(self.left, other.left), max(self.top, other.top)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        if right <= left or bottom <= top:
            return None
        return Rect(left, top, right - left, bottom - top)

    @classmethod
    def from_corners(cls, x0: float, y0: float, x1: float, y1: float) -> Rect:
        """The rectangle between two corners, whichever way the user dragged."""
        left, right = sorted((round(x0), round(x1)))
        top, bottom = sorted((round(y0), round(y1)))
        return cls(left, top, right - left, bottom - top)


@dataclass(frozen=True)
class Monitor:
    """One monitor, where the window system puts it (`rect`, in the units windows are placed in).

    `scale` is image pixels per unit: 1 on X11 and on Windows (the app is DPI-aware, so
    Windows speaks in pixels), 2 on a Retina Mac, where windows are placed in points.
    """

    index: int
    rect: Rect
    scale: float = 1.0
    name: str = ""
    primary: bool = False


@dataclass(frozen=True)
class MonitorShot:
    """The frozen picture of one monitor, at its full pixel resolution."""

    monitor: Monitor
    image: Image.Image  # RGB


@dataclass(frozen=True)
class Screenshot:
    """Every monitor, grabbed at one moment; `backend` names the handler that did it."""

    shots: tuple[MonitorShot, ...]
    backend: str
    grab_ms: float = 0.0

    def shot_at(self, x: float, y: float) -> MonitorShot | None:
        """The monitor under a point in screen coordinates."""
        return next((s for s in self.shots if s.monitor.rect.contains(x, y)), None)


@dataclass(frozen=True)
class CapturedRegion:
    """The pixels of the region the user chose, cut from the frozen screenshot.

    `rect` is the region in screen coordinates as drawn; `image` holds exactly the
    pixels under it (`rect` times the monitor's scale on a Retina screen).
    """

    image: Image.Image  # RGB
    rect: Rect
    monitor: Monitor
    released_at: float  # time.perf_counter() when the mouse button went up
    whole_screen: bool = False
