"""macOS: without the Screen Recording permission a grab returns only the wallpaper.

The system does not fail the grab, it quietly leaves out every other app's windows,
so the permission is asked of CoreGraphics before grabbing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

from desktop_ocr.services.capture.models import CaptureError

logger = logging.getLogger(__name__)

FIX = (
    "Allow it in System Settings > Privacy & Security > Screen Recording (tick the app, or "
    "the terminal it runs from), then quit and start it again."
)


def check_screen_recording() -> None:
    """Raises CaptureError when the permission is missing (and asks for it once)."""
    path = ctypes.util.find_library("CoreGraphics")
    if path is None:
        return
    try:
        graphics = ctypes.cdll.LoadLibrary(path)
        preflight = graphics.CGPreflightScreenCaptureAccess
    except (OSError, AttributeError) as exc:  # macOS before 10.15 needs no permission
        logger.info("screen recording permission not checked: %s", exc)
        return
    preflight.restype = ctypes.c_bool
    if preflight():
        return
    request = getattr(graphics, "CGRequestScreenCaptureAccess", None)
    if request is not None:
        request.restype = ctypes.c_bool
        request()  # shows the system's prompt the first time
    raise CaptureError(
        "macOS has not given this app the Screen Recording permission, so a capture "
        "would show only the desktop background.",
        FIX,
    )
