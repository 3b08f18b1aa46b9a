"""The benchmark window's tables: the machine, the configs side by side, and every image.

Each column is made as wide as its widest cell, so no figure is cut; a reason too long
for a cell (why CUDA was not granted) is written once, under the table, and the cell
points to it.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Sequence
from tkinter import font as tkfont
from tkinter import ttk

from desktop_ocr.i18n import N_, _
from desktop_ocr.services.benchmark_report import NOT_RUN, ConfigRun, ImageRow
from desktop_ocr.services.machine_info import MachineInfo
from desktop_ocr.services.report_writers import (
    IMAGE_HEADINGS,
    TIMING_ROWS,
    image_cells,
    machine_table,
    timings_rows,
)

logger = logging.getLogger(__name__)

ERROR_COLOUR = "#b00020"
CELL_PADDING = 18
MAX_COLUMN = 520


STATUS_WORDS = {
    "not_granted": N_("CUDA not granted"),
    "cpu_fallback": N_("CPU fallback"),
    "failed": N_("could not start"),
    "not_run": N_("not run"),
}


def short_verdict(run: ConfigRun) -> str:
    """The first cell of a config with a reason: what happened; the reason is in the note."""
    status = STATUS_WORDS.get(run.status, run.status)
    return _("{status} (see the note below)").format(status=_(status))


def make_tree(
    master: tk.Misc,
    columns: Sequence[str],
    headings: Sequence[str],
    widths: Sequence[int],
    rows: int = 8,
) -> ttk.Treeview:
    """A Treeview in a frame of its own with both scroll bars."""
    frame = ttk.Frame(master)
    frame.rowconfigure(0, weight=1)
    frame.columnconfigure(0, weight=1)
    tree = ttk.Treeview(frame, columns=tuple(columns), show="headings", height=rows)
    for column, heading, width in zip(columns, headings, widths, strict=True):
        tree.heading(column, text=heading)
        tree.column(column, width=width, stretch=True, anchor="w")
    scroll = ttk.Scrollbar(frame, orient="vertical", command=tree.yview)
    across = ttk.Scrollbar(frame, orient="horizontal", command=tree.xview)
    tree.configure(yscrollcommand=scroll.set, xscrollcommand=across.set)
    tree.grid(row=0, column=0, sticky="nsew")
    scroll.grid(row=0, column=1, sticky="ns")
    across.grid(row=1, column=0, sticky="ew")
    return tree


def fit_columns(tree: ttk.Treeview, minimum: int = 40) -> None:
    """Makes every column as wide as its heading and its widest cell."""
    font = tkfont.nametofont("TkDefaultFont", root=tree)
    style_font = ttk.Style(tree).lookup("Treeview", "font")
    if style_font:
        try:
            font = tkfont.nametofont(style_font, root=tree)
        except tk.TclError:
            font = tkfont.Font(root=tree, font=style_font)
    for column in tree["columns"]:
        texts = [str(tree.heading(column, "text"))]
        texts += [str(tree.set(iid, column)) for iid in tree.get_children()]
        width = max(font.measure(t) for t in texts) + CELL_PADDING
        # Not stretched: a stretched column is narrowed to fit the widget, cutting cells;
        # the horizontal scroll bar shows what does not fit instead.
        tree.column(
            column, width=min(max(width, minimum), MAX_COLUMN), minwidth=minimum, stretch=False
        )


class BenchmarkTables(ttk.Frame):
    """Machine and timings side by side, with the notes under them."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master)
        self.columnconfigure(0, weight=2)
        self.columnconfigure(1, weight=3)
        self.rowconfigure(1, weight=1)
        ttk.Label(self, text=_("Machine")).grid(row=0, column=0, sticky="w")
        ttk.Label(self, text=_("Timings")).grid(row=0, column=1, sticky="w", padx=(10, 0))
        self.machine_tree = make_tree(
            self, ("what", "value"), (_("Component"), _("Details")), (100, 300)
        )
        self.machine_tree.master.grid(row=1, column=0, sticky="nsew")
        self.timings_tree = make_tree(self, ("what",), ("",), (170,), rows=len(TIMING_ROWS))
        self.timings_tree.master.grid(row=1, column=1, sticky="nsew", padx=(10, 0))
        self.notes_var = tk.StringVar(self, value="")
        self.notes_label = tk.Label(
            self,
            textvariable=self.notes_var,
            anchor="w",
            justify="left",
            foreground=ERROR_COLOUR,
            wraplength=900,
        )
        self.notes_label.grid(row=2, column=0, columnspan=2, sticky="ew", pady=(4, 0))
        self.bind("<Configure>", lambda e: self.notes_label.configure(wraplength=e.width - 10))
        self.runs: list[ConfigRun] = []
        self.show_timings([], 0)

    def show_timings(self, runs: Sequence[ConfigRun], files: int) -> None:
        """The configs side by side; a column not started yet shows dots."""
        self.runs = list(runs)
        headings, rows = timings_rows(runs, files)
        pending = [run.status == NOT_RUN and run.reason is None for run in runs]
        tree = self.timings_tree
        tree.configure(columns=("what", *(f"c{i}" for i in range(len(headings)))))
        tree.heading("what", text="")
        for i, heading in enumerate(headings):
            tree.heading(f"c{i}", text=heading)
            tree.column(f"c{i}", stretch=True, anchor="w")
        tree.delete(*tree.get_children())
        for r, row in enumerate(rows):
            cells = [_(row[0])]
            for run, wait, cell in zip(runs, pending, row[1:], strict=True):
                if wait:
                    cell = "…"
                elif r == 0 and run.reason:
                    cell = short_verdict(run)  # the reason is in the note, once
                cells.append(cell)
            tree.insert("", "end", values=cells)
        if not runs:
            for name in TIMING_ROWS:
                tree.insert("", "end", values=(_(name),))
        fit_columns(tree)
        notes = [f"{run.label}: {run.verdict()}" for run in runs if run.reason]
        self.notes_var.set("\n".join(notes))

    def replace_run(self, run: ConfigRun, files: int) -> None:
        runs = [run if r.label == run.label else r for r in self.runs]
        self.show_timings(runs, files)

    def show_machine(self, machine: MachineInfo) -> None:
        tree = self.machine_tree
        tree.delete(*tree.get_children())
        for what, value in machine_table(machine):
            tree.insert("", "end", values=(what, value))
        fit_columns(tree)

    def destroy(self) -> None:
        super().destroy()
        self.notes_var = None  # type: ignore[assignment]


class ImagesTable(ttk.Frame):
    """One row per image and config, with failures in red."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master)
        self.rowconfigure(0, weight=1)
        self.columnconfigure(0, weight=1)
        headings = (N_("config"), *IMAGE_HEADINGS)
        widths = (80, 36, 200, 80, 44, 64, 64, 64, 70, 100, 80, 260)
        self.tree = make_tree(self, headings, [_(h) for h in headings], widths)
        self.tree.master.grid(row=0, column=0, sticky="nsew")
        self.tree.tag_configure("failed", foreground=ERROR_COLOUR)
        self.rows: list[ImageRow] = []

    def clear(self) -> None:
        self.rows = []
        self.tree.delete(*self.tree.get_children())

    def add(self, row: ImageRow) -> None:
        index = sum(1 for r in self.rows if r.config == row.config) + 1
        self.rows.append(row)
        tags = () if row.ok else ("failed",)
        self.tree.insert("", "end", values=(row.config, *image_cells(index, row)), tags=tags)
        if len(self.rows) in (1, 10) or len(self.rows) % 50 == 0:
            fit_columns(self.tree)
