"""The window's icon and its size and place on screen, restored from the settings."""

from __future__ import annotations

import logging
import sys
import tkinter as tk
from tkinter import ttk

from desktop_ocr.i18n import _
from desktop_ocr.resources import asset_path

logger = logging.getLogger(__name__)

DEFAULT_SIZE = (1280, 800)


def load_icon(root: tk.Tk) -> tk.PhotoImage | None:
    """Sets the window icon; returns the image, which must be kept alive while shown."""
    try:
        icon = tk.PhotoImage(master=root, file=str(asset_path("icon.png")))
    except (FileNotFoundError, tk.TclError) as exc:
        logger.info("no window icon: %s", exc)
        return None
    root.iconphoto(True, icon)
    if sys.platform == "win32":
        try:
            root.iconbitmap(default=str(asset_path("icon.ico")))
        except (FileNotFoundError, tk.TclError) as exc:
            logger.info("no .ico icon: %s", exc)
    return icon


def fitted_geometry(geometry: str | None, screen: tuple[int, int], scale: float = 1.0) -> str:
    """A saved Tk geometry made to fit the screen; a place off every screen is dropped.

    With no saved size, the default is scaled for the screen's density and capped to it.
    """
    screen_w, screen_h = screen
    default = f"{round(DEFAULT_SIZE[0] * scale)}x{round(DEFAULT_SIZE[1] * scale)}"
    geometry = geometry or default
    try:
        size, _sep, _place = geometry.partition("+")
        width, height = (int(v) for v in size.split("x"))
    except ValueError:
        geometry, size = default, default
        width, height = (int(v) for v in default.split("x"))
    if width > screen_w or height > screen_h:
        return f"{min(width, screen_w)}x{min(height, screen_h)}"
    if "+" in geometry:
        # A position on a monitor that is gone would hide the window.
        try:
            x, y = (int(v) for v in geometry.split("+")[1:3])
        except ValueError:
            x, y = 0, 0
        if not (0 <= x < screen_w - 100 and 0 <= y < screen_h - 100):
            return size
    return geometry


def restore_geometry(root: tk.Tk, geometry: str | None, scale: float = 1.0) -> None:
    screen = (root.winfo_screenwidth(), root.winfo_screenheight())
    root.geometry(fitted_geometry(geometry, screen, scale))


# Shares of the window's width the panes start with: the queue, the image (the text pane
# takes the rest).
PANE_SHARES = (0.28, 0.44)


def place_sashes(root: tk.Misc, panes: ttk.Panedwindow, shares: tuple[float, ...]) -> None:
    """Puts the sashes at the same shares of the width at every screen scale.

    Left alone, the first layout gives each pane its requested width, which depends on
    when the window is first mapped and on the scale (on a 2x screen the queue took half
    the window).
    """
    root.update_idletasks()
    width = panes.winfo_width()
    if width <= 1:
        return
    position = 0
    for index, share in enumerate(shares):
        position += int(width * share)
        panes.sashpos(index, position)


def drop_unavailable_note(reason: str | None) -> str:
    """What the empty image pane says when files cannot be dropped on the window."""
    if reason is None:
        return ""
    return _(
        "Drag-and-drop is unavailable on this system ({reason}); "
        "use Open images or Open folder instead."
    ).format(reason=reason)
