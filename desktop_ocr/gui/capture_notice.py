"""A small notice in the corner of the screen that goes away by itself: what was copied.

It takes no focus and blocks nothing: the user goes on pasting the text elsewhere while
it shows. A click closes it early, or runs what it offers (showing the window).
"""

from __future__ import annotations

import contextlib
import logging
import tkinter as tk
from collections.abc import Callable

from desktop_ocr.gui.dpi import px
from desktop_ocr.services.capture import Rect

logger = logging.getLogger(__name__)

NOTICE_TITLE = "desktop-ocr notice"
SHOW_MS = 4000
ERROR_SHOW_MS = 12000
MARGIN = 24
WRAP = 420


class Notice:
    """One notice window; `text` is what it says, `kind` is "info" or "error"."""

    def __init__(
        self,
        root: tk.Misc,
        text: str,
        *,
        kind: str = "info",
        near: Rect | None = None,
        show_ms: int | None = None,
        on_click: Callable[[], None] | None = None,
        on_closed: Callable[[], None] | None = None,
    ) -> None:
        self.text = text
        self.kind = kind
        self._on_click = on_click
        self._on_closed = on_closed
        self.top = top = tk.Toplevel(root)
        top.withdraw()
        top.title(NOTICE_TITLE)
        top.overrideredirect(True)
        top.attributes("-topmost", True)
        background = "#5a1d1d" if kind == "error" else "#202020"
        border = "#e06c6c" if kind == "error" else "#3d9cff"
        frame = tk.Frame(
            top, background=background, highlightthickness=1, highlightbackground=border
        )
        frame.pack(fill="both", expand=True)
        self.label = tk.Label(
            frame,
            text=text,
            justify="left",
            wraplength=px(WRAP),
            background=background,
            foreground="white",
            font=("TkDefaultFont", -px(14)),
            padx=px(14),
            pady=px(10),
        )
        self.label.pack()
        for widget in (top, frame, self.label):
            widget.bind("<Button-1>", lambda _e: self._clicked())
        top.update_idletasks()
        area = near or Rect(0, 0, root.winfo_screenwidth(), root.winfo_screenheight())
        width, height = top.winfo_reqwidth(), top.winfo_reqheight()
        x = area.right - width - px(MARGIN)
        y = area.bottom - height - px(MARGIN)
        top.geometry(f"+{max(x, area.left)}+{max(y, area.top)}")
        top.deiconify()
        ms = show_ms if show_ms is not None else ERROR_SHOW_MS if kind == "error" else SHOW_MS
        self._timer = top.after(ms, self.close)
        logger.info("notice: %s", text)

    @property
    def showing(self) -> bool:
        try:
            return bool(self.top.winfo_exists())
        except tk.TclError:
            return False

    def _clicked(self) -> None:
        action = self._on_click
        self.close()
        if action is not None:
            action()

    def close(self) -> None:
        if not self.showing:
            return
        with contextlib.suppress(tk.TclError):
            self.top.after_cancel(self._timer)
        self.top.destroy()
        if self._on_closed is not None:
            self._on_closed()
