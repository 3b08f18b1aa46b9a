"""The settings dialog: device (CPU or CUDA), CUDA options, and the recognition knobs.

The dialog only turns text into numbers; whether a number is allowed is decided by the
engine's config validation (through the settings store), and its reason is shown next
to the field's name, so the dialog and the YAML files can never disagree.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import Any

from desktop_ocr.engine.errors import ConfigError
from desktop_ocr.engine.packs import DEFAULT_PACK
from desktop_ocr.gui.appearance_box import AppearanceBox
from desktop_ocr.gui.capture_box import CaptureBox
from desktop_ocr.gui.message_dialog import place_over
from desktop_ocr.gui.pack_box import PackBox
from desktop_ocr.gui.settings_fields import (
    FIELDS,
    FIELDS_BY_KEY,
    Field,
    FieldError,
    display_value,
    parse_value,
)
from desktop_ocr.i18n import _
from desktop_ocr.services.settings_store import (
    base_values,
    build_engine_config,
    overrides_from_values,
)

logger = logging.getLogger(__name__)

DEFAULT_DEVICE = "cpu"  # what a user who never opened the settings runs


class SettingsDialog(tk.Toplevel):
    """Modal settings window; Apply validates, saves through the callback and closes."""

    def __init__(
        self,
        master: tk.Misc,
        *,
        values: dict[str, Any],
        on_apply: Callable[..., None],
        appearance: dict[str, str | None] | None = None,
        capture: Callable[[tk.Misc], CaptureBox] | None = None,  # makes the Capture box
    ) -> None:
        super().__init__(master)
        self.withdraw()
        self.title(_("Settings"))
        self.transient(master.winfo_toplevel())
        self.resizable(False, False)
        self._on_apply = on_apply
        self._bases: dict[tuple[str, str], dict[str, Any]] = {}
        self.device = tk.StringVar(self, value=str(values.get("device", "cpu")))
        self._device_shown = self.device.get()
        self.vars: dict[str, tk.Variable] = {}
        self.widgets: dict[str, ttk.Widget] = {}
        self._cuda_widgets: list[ttk.Widget] = []

        outer = ttk.Frame(self, padding=14)
        outer.pack(fill="both", expand=True)
        # Three tabs, so that the dialog fits a 768 px high screen with its buttons in view:
        # what reads (device, pack, CUDA), how it reads (recognition, documents), and the
        # window itself (appearance, capture).
        self.notebook = ttk.Notebook(outer)
        self.notebook.pack(fill="both", expand=True)
        engine_tab = ttk.Frame(self.notebook, padding=10)
        reading_tab = ttk.Frame(self.notebook, padding=10)
        window_tab = ttk.Frame(self.notebook, padding=10)
        self.notebook.add(engine_tab, text=_("Engine"))
        self.notebook.add(reading_tab, text=_("Reading"))
        self.notebook.add(window_tab, text=_("Window"))
        self.tabs = {"engine": engine_tab, "reading": reading_tab, "window": window_tab}
        self._build_device(engine_tab)
        self.pack_box = PackBox(
            engine_tab, pack=str(values.get("models.pack") or ""), on_change=self._pack_changed
        )
        self.pack_box.pack(fill="x", pady=(10, 0))
        cuda_box = ttk.Labelframe(engine_tab, text="CUDA", padding=10)
        cuda_box.pack(fill="x", pady=(10, 0))
        rec_box = ttk.Labelframe(reading_tab, text=_("Recognition"), padding=10)
        rec_box.pack(fill="x")
        doc_box = ttk.Labelframe(reading_tab, text=_("Documents (PDF)"), padding=10)
        doc_box.pack(fill="x", pady=(10, 0))
        prefs = appearance or {}
        self.appearance = AppearanceBox(
            window_tab,
            theme=prefs.get("theme"),
            language=prefs.get("language"),
            file_dialog=prefs.get("file_dialog"),
        )
        self.appearance.pack(fill="x")
        self.capture = capture(window_tab) if capture is not None else None
        if self.capture is not None:
            self.capture.pack(fill="x", pady=(10, 0))
        rows = {id(cuda_box): 0, id(rec_box): 0, id(doc_box): 0}
        for field in FIELDS:
            parent = cuda_box if field.cuda else doc_box if field.documents else rec_box
            self._build_field(parent, rows[id(parent)], field, values[field.key])
            rows[id(parent)] += 1
        for box in (cuda_box, rec_box, doc_box):
            box.columnconfigure(1, weight=1)

        self.error_label = ttk.Label(
            outer, text="", style="Error.TLabel", wraplength=460, justify="left"
        )
        self.error_label.pack(fill="x", pady=(10, 0))
        buttons = ttk.Frame(outer)
        buttons.pack(fill="x", pady=(8, 0))
        self.apply_button = ttk.Button(
            buttons, text=_("Apply"), command=self.apply, default="active"
        )
        self.apply_button.pack(side="right")
        ttk.Button(buttons, text=_("Cancel"), command=self.destroy).pack(side="right", padx=(0, 6))
        ttk.Button(buttons, text=_("Restore defaults"), command=self.restore_defaults).pack(
            side="left"
        )
        self.bind("<Return>", lambda _e: self.apply())
        self.bind("<KP_Enter>", lambda _e: self.apply())
        self.bind("<Escape>", lambda _e: self.destroy())
        self.protocol("WM_DELETE_WINDOW", self.destroy)
        self._update_cuda_state()
        place_over(self, master, height_share=4)
        self.deiconify()
        self.wait_visibility()
        self.grab_set()
        self.notebook.focus_set()

    # -- layout --------------------------------------------------------------------------

    def _build_device(self, parent: ttk.Frame) -> None:
        box = ttk.Labelframe(parent, text=_("Device"), padding=10)
        box.pack(fill="x")
        self.cpu_radio = ttk.Radiobutton(
            box, text="CPU", value="cpu", variable=self.device, command=self._device_changed
        )
        self.cuda_radio = ttk.Radiobutton(
            box,
            text=_("CUDA (NVIDIA GPU)"),
            value="cuda",
            variable=self.device,
            command=self._device_changed,
        )
        self.cpu_radio.grid(row=0, column=0, sticky="w")
        self.cuda_radio.grid(row=0, column=1, sticky="w", padx=(16, 0))
        ttk.Label(
            box,
            text=_("If CUDA cannot start here, the CPU is used and the status bar says why."),
            style="Muted.TLabel",
            wraplength=440,
        ).grid(row=1, column=0, columnspan=2, sticky="w", pady=(6, 0))

    def _build_field(self, parent: ttk.Labelframe, row: int, field: Field, value: Any) -> None:
        shown = display_value(field, value)
        widget: ttk.Widget
        if field.kind == "bool":
            var: tk.Variable = tk.BooleanVar(self, value=shown)
            widget = ttk.Checkbutton(parent, text=_(field.label), variable=var)
            widget.grid(row=row, column=0, columnspan=3, sticky="w", pady=3)
        else:
            var = tk.StringVar(self, value=shown)
            ttk.Label(parent, text=_(field.label)).grid(row=row, column=0, sticky="w", pady=3)
            if field.kind == "choice":
                widget = ttk.Combobox(
                    parent, textvariable=var, values=field.choices, state="readonly", width=18
                )
            elif field.spin is not None:
                low, high, step = field.spin
                widget = ttk.Spinbox(
                    parent,
                    textvariable=var,
                    from_=low,
                    to=high,
                    increment=step,
                    width=10,
                    format="%.2f" if field.kind == "float" else "",
                )
            else:
                widget = ttk.Entry(parent, textvariable=var, width=12)
            widget.grid(row=row, column=1, sticky="w", padx=(10, 0), pady=3)
            if field.hint:
                ttk.Label(parent, text=_(field.hint), style="Muted.TLabel").grid(
                    row=row, column=2, sticky="w", padx=(8, 0)
                )
            var.trace_add("write", lambda *_a, key=field.key: self._clear_error(key))
        self.vars[field.key] = var
        self.widgets[field.key] = widget
        if field.cuda:
            self._cuda_widgets.append(widget)

    def destroy(self) -> None:
        super().destroy()
        # Free the Tcl variables now, on the Tk thread, not in a later garbage collection
        # that could run on the OCR thread.
        self.vars.clear()
        self.device = None  # type: ignore[assignment]
        self.pack_box = None  # type: ignore[assignment]

    # -- behaviour -----------------------------------------------------------------------

    def _base(self, device: str, pack: str | None = None) -> dict[str, Any]:
        pack = pack or self.pack_box.chosen
        if (device, pack) not in self._bases:
            self._bases[device, pack] = base_values(device, pack)
        return self._bases[device, pack]

    def _device_changed(self) -> None:
        """Fields the user left at the old device's default take the new device's default."""
        old, new = self._device_shown, self.device.get()
        self._device_shown = new
        self._update_cuda_state()
        if old != new:
            self._follow_defaults(self._base(old), self._base(new))

    def _pack_changed(self, old: str, new: str) -> None:
        device = self.device.get()
        self._follow_defaults(self._base(device, old), self._base(device, new))

    def _follow_defaults(self, old_base: dict[str, Any], new_base: dict[str, Any]) -> None:
        for field in FIELDS:
            try:
                current = parse_value(field, self.vars[field.key].get())
            except FieldError:
                continue
            if current == old_base[field.key]:
                self.vars[field.key].set(display_value(field, new_base[field.key]))

    def _update_cuda_state(self) -> None:
        enabled = self.device.get() == "cuda"
        for widget in self._cuda_widgets:
            if isinstance(widget, ttk.Combobox):
                widget.configure(state="readonly" if enabled else "disabled")
            else:
                widget.state(["!disabled"] if enabled else ["disabled"])

    def restore_defaults(self) -> None:
        """Every field, the device and the pack included, back to the defaults (the CPU's)."""
        self.device.set(DEFAULT_DEVICE)
        self._device_shown = DEFAULT_DEVICE
        self._update_cuda_state()
        self.pack_box.choose(DEFAULT_PACK)
        base = self._base(DEFAULT_DEVICE)
        for field in FIELDS:
            self.vars[field.key].set(display_value(field, base[field.key]))
        self._show_error(None, "")

    def read_values(self) -> dict[str, Any]:
        """The typed values of every field (raises FieldError)."""
        values: dict[str, Any] = {"device": self.device.get(), "models.pack": self.pack_box.chosen}
        for field in FIELDS:
            values[field.key] = parse_value(field, self.vars[field.key].get())
        return values

    def apply(self) -> bool:
        """Validates; on success hands the overrides and config over and closes."""
        try:
            values = self.read_values()
        except FieldError as exc:
            self._show_error(exc.key, str(exc))
            return False
        overrides = overrides_from_values(values)
        try:
            config = build_engine_config(overrides)
        except ConfigError as exc:
            field = FIELDS_BY_KEY.get(exc.key or "")
            label = _(field.label) if field else (exc.key or _("settings"))
            self._show_error(exc.key, f"{label}: {exc.reason}")
            return False
        try:
            extra = {"capture": self.capture.values()} if self.capture is not None else {}
        except ValueError as exc:
            self._show_error(None, str(exc))
            return False
        self._on_apply(overrides, config, self.appearance.values(), **extra)
        self.destroy()
        return True

    def _show_error(self, key: str | None, message: str) -> None:
        self.error_label.configure(text=message)
        for field_key, widget in self.widgets.items():
            if isinstance(widget, (ttk.Entry, ttk.Spinbox, ttk.Combobox)):
                widget.state(["invalid"] if field_key == key else ["!invalid"])
        if key in self.widgets:
            self._show_tab_of(self.widgets[key])
            self.widgets[key].focus_set()
        if message:
            logger.info("settings refused: %s", message)

    def _show_tab_of(self, widget: tk.Misc) -> None:
        """Brings forward the tab that holds `widget`, so that a refused field is seen."""
        path = str(widget)
        for tab in self.tabs.values():
            if path.startswith(str(tab) + "."):
                self.notebook.select(tab)
                return

    def _clear_error(self, key: str) -> None:
        widget = self.widgets.get(key)
        if widget is not None and "invalid" in widget.state():
            widget.state(["!invalid"])
            self.error_label.configure(text="")
