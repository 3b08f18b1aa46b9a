"""Tooltips: the full text of something shown cut short, after the pointer rests on it."""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable

logger = logging.getLogger(__name__)

DELAY_MS = 500


class Tooltip:
    """Shows `text()` near the pointer while it rests on `widget`; nothing when empty."""

    def __init__(self, widget: tk.Misc, text: Callable[[tk.Event], str]) -> None:
        self.widget = widget
        self._text = text
        self._after: str | None = None
        self.window: tk.Toplevel | None = None
        self.label: tk.Label | None = None
        self.shown_text = ""
        widget.bind("<Enter>", self._schedule, add=True)
        widget.bind("<Motion>", self._moved, add=True)
        widget.bind("<Leave>", self.hide, add=True)
        widget.bind("<ButtonPress>", self.hide, add=True)

    def _moved(self, event: tk.Event) -> None:
        if self.window is not None and self._text(event) != self.shown_text:
            self.hide()
        self._schedule(event)

    def _schedule(self, event: tk.Event) -> None:
        if self._after is not None:
            self.widget.after_cancel(self._after)
        x, y = event.x_root, event.y_root
        self._after = self.widget.after(DELAY_MS, lambda: self.show_at(event, x, y))

    def show_at(self, event: tk.Event, x: int, y: int) -> None:
        """Shows the tip for `event` at root position (x, y)."""
        self._after = None
        text = self._text(event)
        if not text or not self.widget.winfo_exists():
            return
        if self.window is None:
            self.window = tk.Toplevel(self.widget)
            self.window.wm_overrideredirect(True)
            self.label = tk.Label(
                self.window,
                justify="left",
                background="#fffbe6",
                foreground="#1f2328",
                relief="solid",
                borderwidth=1,
                padx=6,
                pady=3,
                wraplength=640,
            )
            self.label.pack()
        assert self.label is not None
        self.label.configure(text=text)
        self.shown_text = text
        self.window.update_idletasks()
        width = self.window.winfo_reqwidth()
        screen_w = self.widget.winfo_screenwidth()
        left = max(0, min(x + 12, screen_w - width - 4))
        top = y + 18
        if top + self.window.winfo_reqheight() > self.widget.winfo_screenheight():
            top = y - self.window.winfo_reqheight() - 8
        self.window.wm_geometry(f"+{left}+{top}")
        self.window.deiconify()
        self.window.lift()

    def hide(self, _event: tk.Event | None = None) -> None:
        if self._after is not None:
            self.widget.after_cancel(self._after)
            self._after = None
        if self.window is not None:
            self.window.destroy()
            self.window, self.label = None, None
        self.shown_text = ""
