"""The benchmark window's form: which folder, which devices, how many warm-up images and runs."""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Mapping, Sequence
from pathlib import Path
from tkinter import ttk

from desktop_ocr.engine import EngineConfig
from desktop_ocr.gui import file_dialogs
from desktop_ocr.i18n import _
from desktop_ocr.services.benchmark_report import (
    DEVICE_CONFIGS,
    BenchmarkSettings,
    ConfigChoice,
    device_choice,
)

logger = logging.getLogger(__name__)


class BenchmarkForm(ttk.LabelFrame):
    """The "What to time" box; `settings()` turns it into BenchmarkSettings or says why not."""

    def __init__(
        self,
        master: tk.Misc,
        *,
        folder: str | Path | None,
        devices: Sequence[str],
        warmup: int,
        repeat: int,
        configs: Mapping[str, EngineConfig | Path | str],
    ) -> None:
        super().__init__(master, text=_("What to time"), padding=8)
        self.configs = dict(configs)
        self.folder_var = tk.StringVar(self, value=str(folder) if folder else "")
        self.device_vars = {d: tk.BooleanVar(self, value=d in devices) for d in DEVICE_CONFIGS}
        self.warmup_var = tk.IntVar(self, value=warmup)
        self.repeat_var = tk.IntVar(self, value=repeat)
        self.fallback_var = tk.BooleanVar(self, value=False)

        self.columnconfigure(1, weight=1)
        ttk.Label(self, text=_("Folder:")).grid(row=0, column=0, sticky="w")
        self.folder_entry = ttk.Entry(self, textvariable=self.folder_var)
        self.folder_entry.grid(row=0, column=1, sticky="ew", padx=6)
        self.browse_button = ttk.Button(self, text=_("Browse…"), command=self.browse)
        self.browse_button.grid(row=0, column=2)

        options = ttk.Frame(self)
        options.grid(row=1, column=0, columnspan=3, sticky="w", pady=(8, 0))
        ttk.Label(options, text=_("Devices:")).pack(side="left")
        self.device_checks: dict[str, ttk.Checkbutton] = {}
        for device, (label, name) in DEVICE_CONFIGS.items():
            check = ttk.Checkbutton(
                options,
                text=f"{label} ({self._config_name(device, name)})",
                variable=self.device_vars[device],
            )
            check.pack(side="left", padx=(6, 10))
            self.device_checks[device] = check
        counts = ttk.Frame(self)
        counts.grid(row=2, column=0, columnspan=3, sticky="w", pady=(6, 0))
        ttk.Label(counts, text=_("Warm-up images:")).pack(side="left")
        self.warmup_spin = ttk.Spinbox(
            counts, from_=0, to=100, width=4, textvariable=self.warmup_var
        )
        self.warmup_spin.pack(side="left")
        ttk.Label(counts, text=_("Runs per image (the median is kept):")).pack(
            side="left", padx=(12, 4)
        )
        self.repeat_spin = ttk.Spinbox(
            counts, from_=1, to=50, width=4, textvariable=self.repeat_var
        )
        self.repeat_spin.pack(side="left")
        self.fallback_check = ttk.Checkbutton(
            counts,
            text=_("If CUDA is not granted, time its CPU fallback"),
            variable=self.fallback_var,
        )
        self.fallback_check.pack(side="left", padx=(12, 0))

    def _config_name(self, device: str, default: str) -> str:
        chosen = self.configs.get(device)
        if chosen is None:
            return default
        if isinstance(chosen, EngineConfig):
            return Path(chosen.source).name if chosen.source else _("current settings")
        return Path(chosen).name

    def browse(self) -> None:
        file_dialogs.choose_folder(
            self,
            title=_("Folder of images to time"),
            initialdir=self.folder_var.get() or None,
            on_chosen=self.folder_var.set,
        )

    def set_enabled(self, enabled: bool) -> None:
        state = "normal" if enabled else "disabled"
        for widget in (
            self.folder_entry,
            self.browse_button,
            self.warmup_spin,
            self.repeat_spin,
            self.fallback_check,
            *self.device_checks.values(),
        ):
            widget.configure(state=state)

    def settings(self) -> BenchmarkSettings:
        """What the form asks for; ValueError says what to fix."""
        text = self.folder_var.get().strip()
        if not text:
            raise ValueError(_("Choose a folder of images first."))
        folder = Path(text).expanduser()
        if not folder.exists():
            raise ValueError(_("{folder} does not exist.").format(folder=folder))
        devices = [d for d, var in self.device_vars.items() if var.get()]
        if not devices:
            raise ValueError(_("Tick CPU, CUDA or both."))
        warmup = _int_from(self.warmup_var, _("Warm-up images"), 0)
        repeat = _int_from(self.repeat_var, _("Runs per image"), 1)
        choices = []
        for device in devices:
            chosen = self.configs.get(device)
            if chosen is None:
                choices.append(device_choice(device))
            else:
                choices.append(ConfigChoice(DEVICE_CONFIGS[device][0], chosen))
        return BenchmarkSettings(
            paths=(folder,),
            configs=tuple(choices),
            warmup=warmup,
            repeat=repeat,
            time_fallback=self.fallback_var.get(),
        )

    def destroy(self) -> None:
        super().destroy()
        # Tcl variables are freed here, on the Tk thread: a garbage collection on the
        # benchmark's thread would call Tcl from there and abort the process.
        self.device_vars.clear()
        self.folder_var = self.warmup_var = self.repeat_var = None  # type: ignore[assignment]
        self.fallback_var = None  # type: ignore[assignment]


def _int_from(var: tk.IntVar, name: str, lowest: int) -> int:
    try:
        value = int(var.get())
    except (tk.TclError, ValueError):
        raise ValueError(_("{name} must be a whole number.").format(name=name)) from None
    if value < lowest:
        raise ValueError(_("{name} must be at least {n}.").format(name=name, n=lowest))
    return value
