"""The list of queued images with each one's state and time, and the queue's buttons."""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk

logger = logging.getLogger(__name__)

# state -> (shown word, tag); the tag colours the row.
STATES = {
    "waiting": ("waiting", "waiting"),
    "running": ("running…", "running"),
    "done": ("done", "done"),
    "failed": ("failed", "failed"),
    "cancelled": ("cancelled", "cancelled"),
    "skipped": ("skipped", "skipped"),
}


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
        ttk.Label(self, text="Queue", font=heading_font, anchor="w").grid(
            row=0, column=0, sticky="ew"
        )
        body = ttk.Frame(self)
        body.grid(row=1, column=0, sticky="nsew", pady=(4, 0))
        self.tree = ttk.Treeview(
            body,
            columns=("state", "time"),
            selectmode="browse",
            style="Queue.Treeview",
            height=8,
        )
        self.tree.heading("#0", text="File", anchor="w")
        self.tree.heading("state", text="State", anchor="w")
        self.tree.heading("time", text="Time", anchor="e")
        self.tree.column("#0", width=170, minwidth=80, stretch=True)
        self.tree.column("state", width=86, minwidth=60, stretch=False)
        self.tree.column("time", width=64, minwidth=48, stretch=False, anchor="e")
        self.tree.tag_configure("failed", foreground="#b42318")
        self.tree.tag_configure("skipped", foreground="#8a8f98")
        self.tree.tag_configure("cancelled", foreground="#8a8f98")
        self.tree.tag_configure("running", foreground="#1d4ed8")
        scroll = ttk.Scrollbar(body, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        self.tree.pack(side="left", fill="both", expand=True)
        scroll.pack(side="right", fill="y")
        self.tree.bind("<<TreeviewSelect>>", self._on_tree_select)
        buttons = ttk.Frame(self)
        buttons.grid(row=2, column=0, sticky="ew", pady=(6, 0))
        self.cancel_button = ttk.Button(buttons, text="Cancel", command=on_cancel)
        self.cancel_button.pack(side="left")
        self.clear_button = ttk.Button(buttons, text="Clear finished", command=on_clear)
        self.clear_button.pack(side="left", padx=(6, 0))
        self.columnconfigure(0, weight=1)
        self.rowconfigure(1, weight=1)
        style = ttk.Style(self)
        style.configure("Queue.Treeview", rowheight=row_height)

    def add(self, job_id: int, name: str, state: str, detail: str = "") -> None:
        word, tag = STATES[state]
        self.tree.insert(
            "", "end", iid=str(job_id), text=name, values=(detail or word, ""), tags=(tag,)
        )

    def update_row(self, job_id: int, state: str, detail: str = "", time_text: str = "") -> None:
        iid = str(job_id)
        if not self.tree.exists(iid):
            return
        word, tag = STATES[state]
        self.tree.item(iid, values=(detail or word, time_text), tags=(tag,))

    def set_time(self, job_id: int, time_text: str) -> None:
        iid = str(job_id)
        if self.tree.exists(iid):
            self.tree.set(iid, "time", time_text)

    def remove(self, job_ids: list[int]) -> None:
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
            out.append((self.tree.item(iid, "text"), str(values[0]), str(values[1])))
        return out

    def _on_tree_select(self, _event: tk.Event) -> None:
        chosen = tuple(self.tree.selection())
        if self._expected is not None and chosen == self._expected:
            self._expected = None
            return
        self._expected = None
        if chosen:
            self._on_select(int(chosen[0]))
