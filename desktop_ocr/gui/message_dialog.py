"""A small window for a message with copyable details (errors, the CUDA diagnosis).

tk_messageBox blocks in its own event loop and its text cannot be selected; a user
reporting a problem wants to copy the details, and the window must keep polling the
worker meanwhile, so this one is an ordinary Toplevel.
"""

from __future__ import annotations

import logging
import tkinter as tk
from tkinter import ttk

from desktop_ocr.i18n import _

logger = logging.getLogger(__name__)

ICONS = {"info": "ℹ", "warning": "⚠", "error": "✖"}


class MessageDialog(tk.Toplevel):
    """Title, a one-line heading, and a read-only, selectable body with Copy and Close."""

    def __init__(
        self,
        master: tk.Misc,
        *,
        title: str,
        heading: str,
        body: str = "",
        kind: str = "info",
        image: tk.PhotoImage | None = None,
        body_font: str | None = None,
    ) -> None:
        super().__init__(master)
        self.withdraw()
        self.title(title)
        self.transient(master.winfo_toplevel())
        self.heading_text = heading
        self.body_text = body
        frame = ttk.Frame(self, padding=14)
        frame.pack(fill="both", expand=True)
        top = ttk.Frame(frame)
        top.pack(fill="x")
        if image is not None:
            ttk.Label(top, image=image).pack(side="left", anchor="n", padx=(0, 12))
        else:
            ttk.Label(top, text=ICONS.get(kind, ""), style="DialogIcon.TLabel").pack(
                side="left", anchor="n", padx=(0, 10)
            )
        self.heading_label = ttk.Label(
            top, text=heading, wraplength=520, justify="left", style="DialogHeading.TLabel"
        )
        self.heading_label.pack(side="left", fill="x", expand=True)
        self.text: tk.Text | None = None
        if body:
            lines = body.count("\n") + 1
            holder = ttk.Frame(frame)
            holder.pack(fill="both", expand=True, pady=(10, 0))
            self.text = tk.Text(
                holder,
                wrap="word",
                width=80,
                height=min(max(lines + 1, 4), 18),
                relief="flat",
                padx=6,
                pady=6,
                highlightthickness=1,
            )
            if body_font is not None:
                self.text.configure(font=body_font)
            self.text.insert("1.0", body)
            self.text.bind("<Key>", self._read_only)
            scroll = ttk.Scrollbar(holder, orient="vertical", command=self.text.yview)
            self.text.configure(yscrollcommand=scroll.set)
            self.text.pack(side="left", fill="both", expand=True)
            scroll.pack(side="right", fill="y")
        buttons = ttk.Frame(frame)
        buttons.pack(fill="x", pady=(12, 0))
        self.close_button = ttk.Button(buttons, text=_("Close"), command=self.destroy)
        self.close_button.pack(side="right")
        if body:
            ttk.Button(buttons, text=_("Copy"), command=self.copy).pack(side="right", padx=(0, 6))
        self.bind("<Escape>", lambda _e: self.destroy())
        self.bind("<Return>", lambda _e: self.destroy())
        self.protocol("WM_DELETE_WINDOW", self.destroy)
        place_over(self, master)
        self.deiconify()
        self.close_button.focus_set()

    def copy(self) -> None:
        self.clipboard_clear()
        self.clipboard_append(f"{self.heading_text}\n\n{self.body_text}".strip())

    def _read_only(self, event: tk.Event) -> str | None:
        if event.state & 0x4 and event.keysym.lower() in ("c", "a"):
            return None
        if event.keysym in ("Left", "Right", "Up", "Down", "Prior", "Next", "Home", "End"):
            return None
        return "break"


def place_over(dialog: tk.Toplevel, master: tk.Misc, height_share: int = 3) -> None:
    """Centres a dialog across its main window, a `1/height_share` of the way down.

    There may be no window manager to place it (and under one, it is a hint only).
    """
    top = master.winfo_toplevel()
    dialog.update_idletasks()
    x = top.winfo_rootx() + max((top.winfo_width() - dialog.winfo_reqwidth()) // 2, 0)
    y = top.winfo_rooty() + max((top.winfo_height() - dialog.winfo_reqheight()) // height_share, 0)
    dialog.geometry(f"+{x}+{y}")
