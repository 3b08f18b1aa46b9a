"""The recognised lines of the shown image, as text the user can correct before using it.

A Text widget rather than a list, so that a user can select, copy and edit any part
of the text the usual way. Edits stay with the result (the window asks for them before
it shows another image) and are what Copy all and the exports use; the recognised
lines themselves are never changed, so the JSON export keeps them beside the edit.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import TYPE_CHECKING

from desktop_ocr.engine.pdf_pages import TEXT_LAYER_NOTE
from desktop_ocr.engine.results import paragraph_rows
from desktop_ocr.gui.fonts import FontFallback
from desktop_ocr.gui.job_entry import format_ms, origin_text
from desktop_ocr.gui.theme import palette
from desktop_ocr.i18n import _, localize, ngettext

if TYPE_CHECKING:
    from desktop_ocr.engine.results import OcrResult
    from desktop_ocr.gui.job_entry import JobEntry

logger = logging.getLogger(__name__)

LOW_SCORE = 0.7


def result_subtitle(entry: JobEntry) -> str:
    """The line under the result's name: lines, size, time, the config that read it, notes."""
    result = entry.result
    assert result is not None
    width, height = result.image_size
    count = len(result.lines)
    parts = [ngettext("{n} line", "{n} lines", count).format(n=count)]
    if result.text_layer:
        parts.append(_("text from the PDF's own text layer, not OCR"))
    parts += [
        f"{width}×{height} px",
        format_ms(result.timings.total),
        origin_text(entry.config_source, result.pack),
        *(localize(note) for note in result.notes if note != TEXT_LAYER_NOTE),
    ]
    if entry.edited_text is not None:
        parts.append(_("edited"))
    return " · ".join(parts)


def row_lines(rows: list[str], result: OcrResult, edited: bool) -> list[int | None]:
    """The recognised line each row of a shown text stands for; None for a blank row.

    The recognition's own text has a row per line with blank rows between paragraphs. An
    edit keeps the order: its non-blank rows stand for the lines in turn, as far as
    there are lines (the exports pair an edit with the lines the same way).
    """
    if not edited:
        mapped = paragraph_rows(result.lines)
        if len(mapped) == len(rows):
            return mapped
    out: list[int | None] = []
    count = len(result.lines)
    next_line = 0
    for row in rows:
        if row.strip() and next_line < count:
            out.append(next_line)
            next_line += 1
        else:
            out.append(None)
    return out


class TextPanel(ttk.Frame):
    """A header, the lines, and the Copy all / Export buttons."""

    def __init__(
        self,
        master: tk.Misc,
        *,
        font: object,
        cjk_font: object,
        heading_font: object,
        on_select: Callable[[int | None], None],
        on_copy_all: Callable[[], None],
        export_menu: Callable[[tk.Misc], tk.Menu],
    ) -> None:
        super().__init__(master, padding=(6, 4))
        self._on_select = on_select
        self.header = ttk.Label(self, text=_("Text"), font=heading_font, anchor="w")
        self.header.grid(row=0, column=0, sticky="ew")
        self.subheader = ttk.Label(
            self, text="", anchor="w", justify="left", style="Muted.TLabel"
        )
        # The line under the name wraps rather than losing its end (the config's name).
        self.subheader.bind(
            "<Configure>", lambda e: self.subheader.configure(wraplength=max(e.width, 50))
        )
        self.subheader.grid(row=1, column=0, columnspan=2, sticky="ew", pady=(0, 4))
        body = ttk.Frame(self)
        body.grid(row=2, column=0, columnspan=2, sticky="nsew")
        self.text = tk.Text(
            body,
            wrap="word",
            font=font,
            undo=True,
            maxundo=200,
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
        colours = palette()
        self.text.tag_configure("current_line", background=colours.selection)
        self.text.tag_configure("low", foreground=colours.low_score)
        self.text.tag_configure("note", foreground=colours.muted)
        self.text.tag_raise("sel")
        self.text.bind("<Control-a>", self._select_all)
        self.text.bind("<Control-A>", self._select_all)
        self.text.bind("<ButtonRelease-1>", self._on_click, add=True)
        self.fallback = FontFallback(self.text, cjk_font)
        buttons = ttk.Frame(self)
        buttons.grid(row=3, column=0, columnspan=2, sticky="ew", pady=(6, 0))
        self.copy_button = ttk.Button(buttons, text=_("Copy all"), command=on_copy_all)
        self.copy_button.pack(side="left")
        self.export_button = ttk.Menubutton(buttons, text=_("Export"))
        self.export_button["menu"] = export_menu(self.export_button)
        self.export_button.pack(side="left", padx=(6, 0))
        self.columnconfigure(0, weight=1)
        self.rowconfigure(2, weight=1)
        self._count = 0
        self._selected: int | None = None
        self.shown_job: int | None = None  # the job whose text is shown (and editable)

    # -- content -------------------------------------------------------------------------

    def show_result(self, entry: JobEntry) -> None:
        """The entry's text (the user's edit, if any) under its name; editable."""
        result = entry.result
        assert result is not None
        self._set_header(entry.name, result_subtitle(entry))
        self._clear()
        self.text.configure(state="normal")
        rows = entry.text.split("\n") if entry.text else []
        recognised = result.lines
        mapped = row_lines(rows, result, edited=entry.edited_text is not None)
        for i, (text, index) in enumerate(zip(rows, mapped, strict=True)):
            # A row's line travels with it as a tag, so the mapping survives the user's
            # edits; the blank rows between paragraphs carry none.
            tags: tuple[str, ...] = () if index is None else (f"line{index}",)
            line = recognised[index] if index is not None else None
            if line is not None and line.text == text and line.score < LOW_SCORE:
                tags += ("low",)
            self.text.insert("end", text, tags)
            if i < len(rows) - 1:
                self.text.insert("end", "\n", tags[:1])
        self.fallback.apply()
        self._count = len(recognised)
        if not result.lines and entry.edited_text is None:
            self.text.insert("end", _("No text was found in this image."), ("note",))
            self.text.configure(state="disabled")
        else:
            self.shown_job = entry.job_id
        self.text.edit_reset()
        self.text.edit_modified(False)

    def show_note(self, title: str, subtitle: str, note: str) -> None:
        self._set_header(title, subtitle)
        self._clear()
        self.text.configure(state="normal")
        self.text.insert("end", note, ("note",))
        self.text.configure(state="disabled")

    @property
    def modified(self) -> bool:
        """True when the user changed the shown text since it was shown or kept."""
        return self.shown_job is not None and bool(self.text.edit_modified())

    @modified.setter
    def modified(self, value: bool) -> None:
        self.text.edit_modified(value)

    def paste_text_if_editing(self) -> bool:
        """Ctrl+V in the text pastes text there; True when it did (else an image is wanted)."""
        if self.shown_job is None or self.focus_get() is not self.text:
            return False
        try:
            clip = self.text.clipboard_get()
        except tk.TclError:
            return False  # no text on the clipboard: perhaps an image
        if not clip or clip.lstrip().startswith(("file://", "/")):
            return False  # copied files: queue them
        self.text.event_generate("<<Paste>>")
        self.fallback.apply()
        return True

    def select(self, index: int | None) -> None:
        """Highlights line `index` (None: none) and scrolls to it, without telling anyone."""
        self.text.tag_remove("current_line", "1.0", "end")
        self._selected = index if index is not None and 0 <= index < self._count else None
        ranges = self.text.tag_ranges(f"line{index}") if self._selected is not None else ()
        if ranges:
            self.text.tag_add("current_line", ranges[0], ranges[-1])
            self.text.see(ranges[0])

    @property
    def selected(self) -> int | None:
        return self._selected

    @property
    def content(self) -> str:
        """The text as shown (rows joined by newlines)."""
        return self.text.get("1.0", "end-1c")

    def line_at(self, x: int, y: int) -> int | None:
        """The recognised line under a point of the Text widget, or None (a blank row)."""
        if not self._count:
            return None
        row = int(self.text.index(f"@{x},{y}").split(".")[0])
        bbox = self.text.dlineinfo(f"{row}.0")
        last = int(self.text.index("end-1c").split(".")[0])
        if bbox is not None and y > bbox[1] + bbox[3] and row == last:
            return None  # below the last row
        return self.row_line(row)

    def row_line(self, row: int) -> int | None:
        """The recognised line that row `row` (1-based, as Tk counts) shows, or None."""
        for tag in self.text.tag_names(f"{row}.0"):
            if tag.startswith("line") and tag[4:].isdigit():
                return int(tag[4:])
        return None

    # -- internals -----------------------------------------------------------------------

    def _set_header(self, title: str, subtitle: str) -> None:
        self.header.configure(text=title)
        self.subheader.configure(text=subtitle)

    def _clear(self) -> None:
        self.text.configure(state="normal")
        self.text.delete("1.0", "end")
        self._count = 0
        self._selected = None
        self.shown_job = None

    def _select_all(self, _event: tk.Event) -> str:
        self.text.tag_add("sel", "1.0", "end-1c")
        return "break"

    def _on_click(self, event: tk.Event) -> None:
        if self.text.tag_ranges("sel"):
            return  # the user is selecting text, not picking a line
        index = self.line_at(event.x, event.y)
        self.select(index)
        self._on_select(index)
