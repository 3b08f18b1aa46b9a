"""One function to grab the screen: the handler for this platform, picked at run time.

Where a grab cannot work (no display, Wayland without the portal, macOS without the
Screen Recording permission) it raises CaptureError with the reason and the fix,
and a picture that came back entirely black is refused the same way: read as an
image it would say "no text" and hide the real problem.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from desktop_ocr.services.capture.models import CaptureError, Monitor, Screenshot

logger = logging.getLogger(__name__)

NO_DISPLAY = CaptureError(
    "There is no screen to capture: neither DISPLAY nor WAYLAND_DISPLAY is set "
    "(a headless machine, a service, or a remote shell without X forwarding).",
    "Start the capture from the desktop session itself, or read image files with "
    "`desktop-ocr ocr`.",
)


def display_server() -> str:
    """'windows', 'macos', 'wayland', 'x11' or 'none': what a grab has to go through.

    A Wayland session also sets DISPLAY for X11 apps (Xwayland), but those see only
    their own windows, so Wayland wins.
    """
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    if os.environ.get("WAYLAND_DISPLAY") or os.environ.get("XDG_SESSION_TYPE") == "wayland":
        return "wayland"
    if os.environ.get("DISPLAY"):
        return "x11"
    return "none"


def grab_screen(
    *,
    monitors: Sequence[Monitor] | None = None,
    logical_size: tuple[int, int] | None = None,
) -> Screenshot:
    """Every monitor at this moment; raises CaptureError with what to do.

    `monitors` grabs those rectangles instead of the monitors the system lists (each
    placed where given); `logical_size` is the desktop's size in window units, which a
    Wayland portal picture (in pixels) is scaled to.
    """
    server = display_server()
    if server == "none":
        raise NO_DISPLAY
    if server == "wayland":
        from desktop_ocr.services.capture.handlers import portal

        shot = portal.grab(logical_size)
    else:
        if server == "macos":
            from desktop_ocr.services.capture.handlers.macos_permission import (
                check_screen_recording,
            )

            check_screen_recording()
        from desktop_ocr.services.capture.handlers import mss_screens

        shot = mss_screens.grab(monitors)
    refuse_black(shot, server)
    return shot


def refuse_black(shot: Screenshot, server: str) -> None:
    """Raises CaptureError when every pixel of every monitor is black."""
    if any(_has_light(s.image) for s in shot.shots):
        return
    hint = {
        "wayland": "The desktop may have blanked the picture for privacy.",
        "macos": "macOS does this without the Screen Recording permission: allow it in "
        "System Settings > Privacy & Security > Screen Recording.",
        "x11": "The X server may be a virtual one with nothing drawn on it, or the display "
        "belongs to another session.",
        "windows": "Windows does this on the secure desktop (a lock screen or a UAC prompt).",
    }.get(server, "")
    raise CaptureError(
        f"The screen came back entirely black ({shot.backend}), so there is nothing to read.",
        f"{hint} Check what is on the screen and try again.".strip(),
    )


def _has_light(image: object) -> bool:
    extrema = image.getextrema()  # type: ignore[attr-defined]
    return any(high > 0 for _low, high in extrema)
