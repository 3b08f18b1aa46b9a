"""High-DPI screens: Tk's scaling from the screen's density, and pixel sizes scaled to match.

Tk sizes fonts given in points by its `tk scaling` (pixels per point), which it reads
from the X server's screen size; desktops set the density the user chose as Xft.dpi
instead, and Windows draws a program that does not declare itself DPI-aware blurred
and enlarged. So: Windows is told the app is DPI-aware, Xft.dpi (or
DESKTOP_OCR_SCALE) sets Tk's scaling, fonts given in pixels are scaled by the same
factor, and the window's own pixel sizes go through `px()`.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tkinter as tk
from tkinter import font as tkfont

logger = logging.getLogger(__name__)

SCALE_ENV = "DESKTOP_OCR_SCALE"
BASE_DPI = 96.0
_factor = 1.0


def px(pixels: float) -> int:
    """A size in pixels at 96 dpi, as pixels on this screen."""
    return round(pixels * _factor)


def factor() -> float:
    return _factor


def declare_dpi_aware() -> None:
    """Windows: draw at the screen's real density (call before the Tk root is made)."""
    if sys.platform != "win32":
        return
    try:
        import ctypes

        ctypes.windll.shcore.SetProcessDpiAwareness(1)  # type: ignore[attr-defined]
    except (AttributeError, OSError) as exc:
        logger.info("DPI awareness not set: %s", exc)


def xft_dpi() -> float | None:
    """The density an X desktop asks for (Xft.dpi), when it sets one."""
    if shutil.which("xrdb") is None or not os.environ.get("DISPLAY"):
        return None
    try:
        out = subprocess.run(
            ["xrdb", "-query"], capture_output=True, text=True, timeout=5, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in out.splitlines():
        name, _sep, value = line.partition(":")
        if name.strip() == "Xft.dpi":
            try:
                return float(value.strip())
            except ValueError:
                return None
    return None


def screen_dpi(root: tk.Misc) -> float:
    """DESKTOP_OCR_SCALE × 96, else Xft.dpi, else what the screen reports."""
    override = os.environ.get(SCALE_ENV)
    if override:
        try:
            return max(float(override), 0.5) * BASE_DPI
        except ValueError:
            logger.warning("%s=%r is not a number; ignored", SCALE_ENV, override)
    if root.tk.call("tk", "windowingsystem") == "x11":
        xft = xft_dpi()
        if xft:
            return xft
    return float(root.winfo_fpixels("1i"))


def apply_scaling(root: tk.Misc) -> float:
    """Sets Tk's scaling and the pixel factor from the screen's density; returns the factor.

    The factor goes in quarter steps and never below 1: a screen that reports 90 dpi is
    drawn as at 96, not a little smaller.
    """
    global _factor
    dpi = screen_dpi(root)
    root.tk.call("tk", "scaling", dpi / 72.0)
    _factor = max(1.0, round(dpi / BASE_DPI * 4) / 4)
    logger.info("screen %.0f dpi: scale %.2f", dpi, _factor)
    return _factor


def scale_pixel_fonts(root: tk.Misc) -> None:
    """Fonts given in pixels (negative sizes; themes use them) grow with the factor."""
    if _factor == 1.0:
        return
    for name in tkfont.names(root):
        font = tkfont.nametofont(name, root=root)
        size = int(font.cget("size"))
        if size < 0:
            font.configure(size=round(size * _factor))
