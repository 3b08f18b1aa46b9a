"""The settings dialog's Model box: which pack reads, what it reads, and whether it is here."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from tkinter import ttk

from desktop_ocr.engine.packs import ADD_COMMAND, PACKS, locate_pack
from desktop_ocr.i18n import _


def pack_summary(name: str) -> str:
    """Languages, speed and size of a pack, and the command that adds it when it is missing."""
    pack = PACKS[name]
    lines = [
        _("Reads: {languages}").format(languages=_(pack.languages)),
        _("{hint}; {size:.0f} MB, {licence}").format(
            hint=_(pack.hint), size=pack.size / 1e6, licence=pack.licence
        ),
    ]
    if not locate_pack(pack).installed:
        lines.append(
            _("Not installed: run `{command}`").format(command=ADD_COMMAND.format(name=name))
        )
    return "\n".join(lines)


class PackBox(ttk.Labelframe):
    """A pack chosen by its title; `on_change(old, new)` lets the dialog follow its defaults."""

    def __init__(
        self, master: tk.Misc, *, pack: str, on_change: Callable[[str, str], None]
    ) -> None:
        super().__init__(master, text=_("Model pack"), padding=10)
        self._on_change = on_change
        self._titles = {name: p.title for name, p in PACKS.items()}
        self.chosen = pack
        self.combo = ttk.Combobox(
            self, values=list(self._titles.values()), state="readonly", width=22
        )
        self.combo.set(self._titles[pack])
        self.combo.bind("<<ComboboxSelected>>", self._picked)
        self.combo.grid(row=0, column=0, sticky="w")
        self.summary = ttk.Label(self, style="Muted.TLabel", wraplength=440, justify="left")
        self.summary.grid(row=1, column=0, sticky="w", pady=(6, 0))
        self._show()

    def _picked(self, _event: tk.Event | None = None) -> None:
        shown = self.combo.get()
        name = next(n for n, title in self._titles.items() if title == shown)
        self.choose(name)

    def choose(self, name: str) -> None:
        old, self.chosen = self.chosen, name
        self.combo.set(self._titles[name])
        self._show()
        if old != name:
            self._on_change(old, name)

    def _show(self) -> None:
        self.summary.configure(text=pack_summary(self.chosen))
