"""The settings dialog: device (CPU or CUDA), CUDA options, and the recognition knobs.

The dialog only turns text into numbers; whether a number is allowed is decided by the
engine's config validation (through the settings store), and its reason is shown next
to the field's name, so the dialog and the YAML files can never disagree.
"""

from __future__ import annotations

import logging
import tkinter as tk
import typing
from collections.abc import Callable
from dataclasses import dataclass
from tkinter import ttk
from typing import Any

from desktop_ocr.engine.config import CudaOptions, EngineConfig
from desktop_ocr.engine.errors import ConfigError
from desktop_ocr.gui.appearance_box import AppearanceBox
from desktop_ocr.gui.message_dialog import place_over
from desktop_ocr.i18n import N_, _
from desktop_ocr.services.settings_store import (
    base_values,
    build_engine_config,
    overrides_from_values,
)

logger = logging.getLogger(__name__)

MIB = 1024 * 1024
DEFAULT_DEVICE = "cpu"  # what a user who never opened the settings runs


def _choices(name: str) -> tuple[str, ...]:
    """The allowed words of a CudaOptions field, read from its type."""
    return tuple(typing.get_args(typing.get_type_hints(CudaOptions)[name]))


@dataclass(frozen=True)
class Field:
    """One setting in the dialog: its config key, its label and how it is typed in."""

    key: str
    label: str
    kind: str  # int, float, mib, bool or choice
    hint: str = ""
    choices: tuple[str, ...] = ()
    spin: tuple[float, float, float] | None = None  # from, to, increment
    cuda: bool = False


FIELDS: tuple[Field, ...] = (
    Field(
        "cuda.device_id",
        N_("GPU number"),
        "int",
        N_("0 is the first GPU"),
        spin=(0, 64, 1),
        cuda=True,
    ),
    Field(
        "cuda.gpu_mem_limit",
        N_("GPU memory limit (MiB)"),
        "mib",
        N_("0 = no limit"),
        spin=(0, 1 << 20, 256),
        cuda=True,
    ),
    Field(
        "cuda.arena_extend_strategy",
        N_("Memory arena growth"),
        "choice",
        choices=_choices("arena_extend_strategy"),
        cuda=True,
    ),
    Field(
        "cuda.cudnn_conv_algo_search",
        N_("cuDNN convolution search"),
        "choice",
        N_("HEURISTIC is quick to start"),
        choices=_choices("cudnn_conv_algo_search"),
        cuda=True,
    ),
    Field(
        "cuda.do_copy_in_default_stream",
        N_("Copy data in the default CUDA stream"),
        "bool",
        cuda=True,
    ),
    Field(
        "runtime.intra_op_threads",
        N_("CPU threads"),
        "int",
        N_("0 = automatic"),
        spin=(0, 256, 1),
    ),
    Field(
        "det.limit_side_len",
        N_("Detection size limit (px)"),
        "int",
        N_("images are scaled to this side for detection"),
        spin=(32, 10000, 32),
    ),
    Field(
        "pipeline.text_score",
        N_("Text score threshold"),
        "float",
        N_("0 to 1; lines scoring less are dropped"),
        spin=(0.0, 1.0, 0.05),
    ),
    Field("pipeline.use_cls", N_("Use the angle classifier (reads upside-down lines)"), "bool"),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}


class FieldError(Exception):
    """A field's text is not a value of its kind."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def display_value(field: Field, value: Any) -> Any:
    if field.kind == "mib":
        mib = int(value) / MIB
        return str(int(mib)) if mib.is_integer() else f"{mib:.2f}"
    if field.kind == "float":
        return f"{float(value):g}"
    if field.kind == "bool":
        return bool(value)
    return str(value)


def parse_value(field: Field, raw: Any) -> Any:
    """The typed value of a field's text; FieldError says what was expected."""
    if field.kind == "bool":
        return bool(raw)
    text = str(raw).strip()
    if field.kind == "choice":
        return text
    if field.kind in ("int", "mib"):
        try:
            number = int(text)
        except ValueError:
            raise FieldError(
                field.key,
                _("{label}: must be a whole number; got {text!r}").format(
                    label=_(field.label), text=text
                ),
            ) from None
        if field.kind == "mib":
            if number < 0:
                raise FieldError(
                    field.key,
                    _("{label}: must be 0 (no limit) or more").format(label=_(field.label)),
                )
            return number * MIB
        return number
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise FieldError(
            field.key,
            _("{label}: must be a number; got {text!r}").format(label=_(field.label), text=text),
        ) from None


class SettingsDialog(tk.Toplevel):
    """Modal settings window; Apply validates, saves through the callback and closes."""

    def __init__(
        self,
        master: tk.Misc,
        *,
        values: dict[str, Any],
        on_apply: Callable[[dict[str, Any], EngineConfig, dict[str, str | None]], None],
        appearance: dict[str, str | None] | None = None,
    ) -> None:
        super().__init__(master)
        self.withdraw()
        self.title(_("Settings"))
        self.transient(master.winfo_toplevel())
        self.resizable(False, False)
        self._on_apply = on_apply
        self._bases: dict[str, dict[str, Any]] = {}
        self.device = tk.StringVar(self, value=str(values.get("device", "cpu")))
        self._device_shown = self.device.get()
        self.vars: dict[str, tk.Variable] = {}
        self.widgets: dict[str, ttk.Widget] = {}
        self._cuda_widgets: list[ttk.Widget] = []

        outer = ttk.Frame(self, padding=14)
        outer.pack(fill="both", expand=True)
        self._build_device(outer)
        cuda_box = ttk.Labelframe(outer, text="CUDA", padding=10)
        cuda_box.pack(fill="x", pady=(10, 0))
        rec_box = ttk.Labelframe(outer, text=_("Recognition"), padding=10)
        rec_box.pack(fill="x", pady=(10, 0))
        prefs = appearance or {}
        self.appearance = AppearanceBox(
            outer, theme=prefs.get("theme"), language=prefs.get("language")
        )
        self.appearance.pack(fill="x", pady=(10, 0))
        rows = {id(cuda_box): 0, id(rec_box): 0}
        for field in FIELDS:
            parent = cuda_box if field.cuda else rec_box
            self._build_field(parent, rows[id(parent)], field, values[field.key])
            rows[id(parent)] += 1
        cuda_box.columnconfigure(1, weight=1)
        rec_box.columnconfigure(1, weight=1)

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
        self.widgets["runtime.intra_op_threads"].focus_set()

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

    # -- behaviour -----------------------------------------------------------------------

    def _base(self, device: str) -> dict[str, Any]:
        if device not in self._bases:
            self._bases[device] = base_values(device)
        return self._bases[device]

    def _device_changed(self) -> None:
        """Fields the user left at the old device's default take the new device's default."""
        old, new = self._device_shown, self.device.get()
        self._device_shown = new
        self._update_cuda_state()
        if old == new:
            return
        old_base, new_base = self._base(old), self._base(new)
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
        """Every field, the device included, back to the defaults (the CPU's)."""
        self.device.set(DEFAULT_DEVICE)
        self._device_shown = DEFAULT_DEVICE
        self._update_cuda_state()
        base = self._base(DEFAULT_DEVICE)
        for field in FIELDS:
            self.vars[field.key].set(display_value(field, base[field.key]))
        self._show_error(None, "")

    def read_values(self) -> dict[str, Any]:
        """The typed values of every field (raises FieldError)."""
        values: dict[str, Any] = {"device": self.device.get()}
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
        self._on_apply(overrides, config, self.appearance.values())
        self.destroy()
        return True

    def _show_error(self, key: str | None, message: str) -> None:
        self.error_label.configure(text=message)
        for field_key, widget in self.widgets.items():
            if isinstance(widget, (ttk.Entry, ttk.Spinbox, ttk.Combobox)):
                widget.state(["invalid"] if field_key == key else ["!invalid"])
        if key in self.widgets:
            self.widgets[key].focus_set()
        if message:
            logger.info("settings refused: %s", message)

    def _clear_error(self, key: str) -> None:
        widget = self.widgets.get(key)
        if widget is not None and "invalid" in widget.state():
            widget.state(["!invalid"])
            self.error_label.configure(text="")
