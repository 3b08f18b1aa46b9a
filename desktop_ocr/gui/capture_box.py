"""The settings dialog's Capture box: how captured text is copied, the window, the delay,
and the global shortcut."""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk

from desktop_ocr.i18n import _
from desktop_ocr.services.capture.options import MAX_DELAY_S, CaptureOptions, check_option
from desktop_ocr.services.hotkey import check_combo


class CaptureBox(ttk.Labelframe):
    """The capture options; `values()` checks them with the settings file's own rules."""

    def __init__(
        self, master: tk.Misc, options: CaptureOptions, hotkey_problem: str | None = None
    ) -> None:
        super().__init__(master, text=_("Capture"), padding=10)
        self.copy_as = tk.StringVar(self, value=options.copy_as)
        self.show_window = tk.BooleanVar(self, value=options.show_window)
        self.delay = tk.StringVar(self, value=f"{options.delay_s:g}")
        self.hotkey_enabled = tk.BooleanVar(self, value=options.hotkey_enabled)
        self.hotkey = tk.StringVar(self, value=options.hotkey)
        ttk.Label(self, text=_("Copy the text as")).grid(row=0, column=0, sticky="w", pady=3)
        self.copy_radios: dict[str, ttk.Radiobutton] = {}
        for column, (value, label) in enumerate(
            (("lines", _("Lines")), ("paragraph", _("One paragraph"))), start=1
        ):
            radio = ttk.Radiobutton(self, text=label, value=value, variable=self.copy_as)
            radio.grid(row=0, column=column, sticky="w", padx=(10, 0))
            self.copy_radios[value] = radio
        self.show_check = ttk.Checkbutton(
            self, text=_("Show the window again after a capture"), variable=self.show_window
        )
        self.show_check.grid(row=1, column=0, columnspan=3, sticky="w", pady=3)
        ttk.Label(self, text=_("Delay before the capture (s)")).grid(
            row=2, column=0, sticky="w", pady=3
        )
        self.delay_spin = ttk.Spinbox(
            self, textvariable=self.delay, from_=0, to=MAX_DELAY_S, increment=0.5, width=6
        )
        self.delay_spin.grid(row=2, column=1, columnspan=2, sticky="w", padx=(10, 0))
        self.hotkey_check = ttk.Checkbutton(
            self, text=_("Global shortcut"), variable=self.hotkey_enabled
        )
        self.hotkey_check.grid(row=3, column=0, sticky="w", pady=3)
        self.hotkey_entry = ttk.Entry(self, textvariable=self.hotkey, width=22)
        self.hotkey_entry.grid(row=3, column=1, columnspan=2, sticky="w", padx=(10, 0))
        note = hotkey_problem or _("Works while the app runs; off by default.")
        self.hotkey_note = ttk.Label(
            self, text=note, style="Muted.TLabel", wraplength=440, justify="left"
        )
        self.hotkey_note.grid(row=4, column=0, columnspan=3, sticky="w")

    def values(self) -> CaptureOptions:
        """The options as typed; ValueError names the one that is wrong and why."""
        try:
            delay = float(self.delay.get().strip().replace(",", "."))
        except ValueError:
            raise ValueError(
                _("Delay before the capture: must be a number of seconds; got {text!r}").format(
                    text=self.delay.get()
                )
            ) from None
        try:
            delay = check_option("delay_s", delay)
        except ValueError as exc:
            raise ValueError(_("Delay before the capture: {reason}").format(reason=exc)) from None
        combo = self.hotkey.get().strip()
        if self.hotkey_enabled.get():
            try:
                check_combo(combo)
            except ValueError as exc:
                raise ValueError(_("Global shortcut: {reason}").format(reason=exc)) from None
        return CaptureOptions(
            copy_as=self.copy_as.get(),
            show_window=bool(self.show_window.get()),
            delay_s=delay,
            hotkey_enabled=bool(self.hotkey_enabled.get()),
            hotkey=combo or CaptureOptions().hotkey,
        )

    def destroy(self) -> None:
        super().destroy()
        # Freed on the Tk thread, not by a garbage collection on the OCR thread.
        self.copy_as = self.show_window = self.delay = None  # type: ignore[assignment]
        self.hotkey_enabled = self.hotkey = None  # type: ignore[assignment]
