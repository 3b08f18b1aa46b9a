"""The recognised lines of the shown image: selectable text, one line per detected box.

A Text widget rather than a list, so that a user can select and copy any part of the
text the usual way; it is kept read-only by refusing edits, not by disabling it,
because a disabled Text takes no focus and so no keyboard copy.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable, Sequence
from tkinter import ttk

from desktop_ocr.engine.results import TextLine

logger = logging.getLogger(__name__)

LOW_SCORE = 0.7
SELECTED_BACKGROUND = "#ffe2c7"
LOW_SCORE_COLOUR = "#8a6d00"

# Keys that move, select or copy; every other key press would edit, so it is refused.
_ALLOWED_KEYS = {
    "Left",
    "Right",
    "Up",
    "Down",
    "Home",
    "End",
    "Prior",
    "Next",
    "Tab",
    "ISO_Left_Tab",
    "Shift_L",
    "Shift_R",
    "Control_L",
    "Control_R",
    "Escape",
}


class TextPanel(ttk.Frame):
    """A header, the lines, and the Copy all / Export buttons."""

    def __init__(
        self,
        master: tk.Misc,
        *,
        font: object,
        heading_font: object,
        on_select: Callable[[int | None], None],
        on_copy_all: Callable[[], None],
        export_menu: Callable[[tk.Misc], tk.Menu],
    ) -> None:
        super().__init__(master, padding=(6, 4))
        self._on_select = on_select
        self.header = ttk.Label(self, text="Text", font=heading_font, anchor="w")
        self.header.grid(row=0, column=0, sticky="ew")
        self.subheader = ttk.Label(self, text="", anchor="w", style="Muted.TLabel")
        self.subheader.grid(row=1, column=0, columnspan=2, sticky="ew", pady=(0, 4))
        body = ttk.Frame(self)
        body.grid(row=2, column=0, columnspan=2, sticky="nsew")
        self.text = tk.Text(
            body,
            wrap="word",
            font=font,
            undo=False,
            width=28,
            height=10,
            relief="flat",
            borderwidth=0,
            padx=8,
            pady=6,
            cursor="xterm",
            spacing1=2,
            spacing3=4,
            highlightthickness=1,
            exportselection=True,
        )
        scroll = ttk.Scrollbar(body, orient="vertical", command=self.text.yview)
        self.text.configure(yscrollcommand=scroll.set)
        self.text.pack(side="left", fill="both", expand=True)
        scroll.pack(side="right", fill="y")
        self.text.tag_configure("current_line", background=SELECTED_BACKGROUND)
        self.text.tag_configure("low", foreground=LOW_SCORE_COLOUR)
        self.text.tag_configure("note", foreground="#666666")
        self.text.tag_raise("sel")
        self.text.bind("<Key>", self._on_key)
        self.text.bind("<<Paste>>", lambda _e: "break")
        self.text.bind("<<Cut>>", lambda _e: "break")
        self.text.bind("<<Clear>>", lambda _e: "break")
        self.text.bind("<ButtonRelease-1>", self._on_click, add=True)
        buttons = ttk.Frame(self)
        buttons.grid(row=3, column=0, columnspan=2, sticky="ew", pady=(6, 0))
        self.copy_button = ttk.Button(buttons, text="Copy all", command=on_copy_all)
        self.copy_button.pack(side="left")
        self.export_button = ttk.Menubutton(buttons, text="Export")
        self.export_button["menu"] = export_menu(self.export_button)
        self.export_button.pack(side="left", padx=(6, 0))
        self.columnconfigure(0, weight=1)
        self.rowconfigure(2, weight=1)
        self._count = 0
        self._selected: int | None = None

    # -- content -------------------------------------------------------------------------

    def show_lines(self, title: str, subtitle: str, lines: Sequence[TextLine]) -> None:
        self._set_header(title, subtitle)
        self._clear()
        for i, line in enumerate(lines):
            tags = [f"line{i}"]
            if line.score < LOW_SCORE:
                tags.append("low")
            self.text.insert("end", line.text, tuple(tags))
            if i < len(lines) - 1:
                self.text.insert("end", "\n", (f"line{i}",))
        if not lines:
            self.text.insert("end", "No text was found in this image.", ("note",))
        self._count = len(lines)

    def show_note(self, title: str, subtitle: str, note: str) -> None:
        self._set_header(title, subtitle)
        self._clear()
        self.text.insert("end", note, ("note",))

    def select(self, index: int | None) -> None:
        """Highlights line `index` (None: none) and scrolls to it, without telling anyone."""
        self.text.tag_remove("current_line", "1.0", "end")
        self._selected = index if index is not None and 0 <= index < self._count else None
        if self._selected is not None:
            row = self._selected + 1
            self.text.tag_add("current_line", f"{row}.0", f"{row}.0 lineend +1c")
            self.text.see(f"{row}.0")

    @property
    def selected(self) -> int | None:
        return self._selected

    @property
    def content(self) -> str:
        """The text as shown (lines joined by newlines)."""
        return self.text.get("1.0", "end-1c")

    def line_at(self, x: int, y: int) -> int | None:
        """The recognised line under a point of the Text widget, or None."""
        if not self._count:
            return None
        index = self.text.index(f"@{x},{y}")
        row = int(index.split(".")[0]) - 1
        bbox = self.text.dlineinfo(f"{row + 1}.0")
        if bbox is not None and y > bbox[1] + bbox[3] and row == self._count - 1:
            return None  # below the last line
        return row if 0 <= row < self._count else None

    # -- internals -----------------------------------------------------------------------

    def _set_header(self, title: str, subtitle: str) -> None:
        self.header.configure(text=title)
        self.subheader.configure(text=subtitle)

    def _clear(self) -> None:
        self.text.delete("1.0", "end")
        self._count = 0
        self._selected = None

    def _on_key(self, event: tk.Event) -> str | None:
        if event.keysym in _ALLOWED_KEYS:
            return None
        control = bool(event.state & 0x4)
        if control and event.keysym.lower() in ("c", "a", "insert"):
            if event.keysym.lower() == "a":
                self.text.tag_add("sel", "1.0", "end-1c")
                return "break"
            return None
        return "break"

    def _on_click(self, event: tk.Event) -> None:
        if self.text.tag_ranges("sel"):
            return  # the user is selecting text, not picking a line
        index = self.line_at(event.x, event.y)
        self.select(index)
        self._on_select(index)
