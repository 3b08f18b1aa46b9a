"""The list of queued images with each one's state and time, and the queue's buttons.

Names and reasons are often longer than the pane: the columns stretch with it, the
folder tells apart files of the same name, and a tooltip gives the whole path and
reason of the row under the pointer.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import TYPE_CHECKING

from desktop_ocr.gui.dpi import px
from desktop_ocr.gui.job_entry import format_ms
from desktop_ocr.gui.theme import palette
from desktop_ocr.gui.tooltip import Tooltip
from desktop_ocr.i18n import N_, _

if TYPE_CHECKING:
    from desktop_ocr.gui.job_entry import JobEntry

logger = logging.getLogger(__name__)

# state -> (shown word, tag); the tag colours the row.
STATES = {
    "waiting": (N_("waiting"), "waiting"),
    "running": (N_("running…"), "running"),
    "done": (N_("done"), "done"),
    "failed": (N_("failed"), "failed"),
    "cancelled": (N_("cancelled"), "cancelled"),
    "skipped": (N_("skipped"), "skipped"),
}
DETAILED = {"failed": N_("failed: {reason}"), "skipped": N_("skipped: {reason}")}


def state_text(entry: JobEntry) -> str:
    """The State cell: the state, with the reason for a failed or skipped file."""
    if entry.state in DETAILED and entry.reason:
        return _(DETAILED[entry.state]).format(reason=entry.reason)
    return _(STATES[entry.state][0])


class QueuePanel(ttk.Frame):
    """A Treeview of jobs keyed by job id; selecting a row asks to show that job."""

    def __init__(
        self,
        master: tk.Misc,
        *,
        heading_font: object,
        row_height: int,
        on_select: Callable[[int], None],
        on_cancel: Callable[[], None],
        on_clear: Callable[[], None],
    ) -> None:
        super().__init__(master, padding=(6, 4))
        self._on_select = on_select
        self._expected: tuple[str, ...] | None = None
        ttk.Label(self, text=_("Queue"), font=heading_font, anchor="w").grid(
            row=0, column=0, sticky="ew"
        )
        body = ttk.Frame(self)
        body.grid(row=1, column=0, sticky="nsew", pady=(4, 0))
        self.tree = ttk.Treeview(
            body,
            columns=("folder", "state", "time"),
            selectmode="browse",
            style="Queue.Treeview",
            height=8,
        )
        self.tree.heading("#0", text=_("File"), anchor="w")
        self.tree.heading("folder", text=_("Folder"), anchor="w")
        self.tree.heading("state", text=_("State"), anchor="w")
        self.tree.heading("time", text=_("Time"), anchor="e")
        self.tree.column("#0", width=px(150), minwidth=px(80), stretch=True)
        self.tree.column("folder", width=px(80), minwidth=px(40), stretch=True)
        self.tree.column("state", width=px(110), minwidth=px(60), stretch=True)
        self.tree.column("time", width=px(64), minwidth=px(48), stretch=True, anchor="e")
        self._details: dict[str, str] = {}
        self.tooltip = Tooltip(self.tree, self.tooltip_text)
        self.tree.bind("<Configure>", self._fit_columns, add=True)
        colours = palette()
        self.tree.tag_configure("failed", foreground=colours.error)
        self.tree.tag_configure("skipped", foreground=colours.muted)
        self.tree.tag_configure("cancelled", foreground=colours.muted)
        self.tree.tag_configure("running", foreground=colours.running)
        scroll = ttk.Scrollbar(body, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        self.tree.pack(side="left", fill="both", expand=True)
        scroll.pack(side="right", fill="y")
        self.tree.bind("<<TreeviewSelect>>", self._on_tree_select)
        buttons = ttk.Frame(self)
        buttons.grid(row=2, column=0, sticky="ew", pady=(6, 0))
        self.cancel_button = ttk.Button(buttons, text=_("Cancel"), command=on_cancel)
        self.cancel_button.pack(side="left")
        self.clear_button = ttk.Button(buttons, text=_("Clear finished"), command=on_clear)
        self.clear_button.pack(side="left", padx=(6, 0))
        self.columnconfigure(0, weight=1)
        self.rowconfigure(1, weight=1)
        style = ttk.Style(self)
        style.configure("Queue.Treeview", rowheight=row_height)

    def show_entry(self, entry: JobEntry) -> None:
        """Adds the entry's row, or brings it up to date."""
        iid = str(entry.job_id)
        tag = STATES[entry.state][1]
        cells = [entry.folder, state_text(entry)]
        if self.tree.exists(iid):
            time_text = str(self.tree.set(iid, "time"))
            if entry.state == "done" and entry.result is not None:
                time_text = format_ms(entry.result.timings.total)
            elif entry.state == "running":
                time_text = "0.0 s"
            self.tree.item(iid, text=entry.name, values=(*cells, time_text), tags=(tag,))
        else:
            self.tree.insert(
                "", "end", iid=iid, text=entry.name, values=(*cells, ""), tags=(tag,)
            )
        detail = entry.label
        if entry.reason:
            detail += "\n" + state_text(entry)
        self._details[iid] = detail

    def set_time(self, job_id: int, time_text: str) -> None:
        iid = str(job_id)
        if self.tree.exists(iid):
            self.tree.set(iid, "time", time_text)

    def remove(self, job_ids: list[int]) -> None:
        for job_id in job_ids:
            self._details.pop(str(job_id), None)
        existing = [str(j) for j in job_ids if self.tree.exists(str(j))]
        if existing:
            self.tree.delete(*existing)

    def select(self, job_id: int | None) -> None:
        """Selects a row without reporting it as the user's choice."""
        if job_id is None or not self.tree.exists(str(job_id)):
            wanted: tuple[str, ...] = ()
        else:
            wanted = (str(job_id),)
            self.tree.see(str(job_id))
        if tuple(self.tree.selection()) == wanted:
            return
        # <<TreeviewSelect>> arrives later from the event loop; remember to ignore it.
        self._expected = wanted
        self.tree.selection_set(wanted)

    def rows(self) -> list[tuple[str, str, str]]:
        """(name, state text, time text) of every row, top to bottom."""
        out = []
        for iid in self.tree.get_children():
            values = self.tree.item(iid, "values")
            out.append((self.tree.item(iid, "text"), str(values[1]), str(values[2])))
        return out

    def _fit_columns(self, event: tk.Event) -> None:
        """Shares the list's width among the columns, so none is pushed out of sight."""
        width = event.width - px(4)
        time_w = px(64)
        rest = max(width - time_w, px(180))
        self.tree.column("#0", width=int(rest * 0.42))
        self.tree.column("folder", width=int(rest * 0.22))
        self.tree.column("state", width=rest - int(rest * 0.42) - int(rest * 0.22))
        self.tree.column("time", width=time_w)

    def folder_of(self, job_id: int) -> str:
        return str(self.tree.set(str(job_id), "folder"))

    def tooltip_text(self, event: tk.Event) -> str:
        """The whole path (and reason) of the row under the pointer."""
        iid = self.tree.identify_row(event.y)
        return self._details.get(iid, "") if iid else ""

    def _on_tree_select(self, _event: tk.Event) -> None:
        chosen = tuple(self.tree.selection())
        if self._expected is not None and chosen == self._expected:
            self._expected = None
            return
        self._expected = None
        if chosen:
            self._on_select(int(chosen[0]))
