"""The status bar: granted providers (with a warning when CUDA fell back), the last
image's time per stage, a message, and how much of the queue is done."""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk

from desktop_ocr.engine.results import ProviderReport, StageTimings

logger = logging.getLogger(__name__)

WARNING_SIGN = "⚠"


def format_ms(ms: float) -> str:
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms"


def timing_text(timings: StageTimings) -> str:
    return (
        f"det {format_ms(timings.det)} · cls {format_ms(timings.cls)} · "
        f"rec {format_ms(timings.rec)} · total {format_ms(timings.total)}"
    )


def providers_text(report: ProviderReport) -> str:
    """What the provider label says; a fallback is spelled out next to the warning sign."""
    granted = ", ".join(report.granted)
    if not report.fell_back:
        return granted
    asked = report.requested[0].replace("ExecutionProvider", "") if report.requested else "?"
    return f"{WARNING_SIGN} {granted} ({asked} not granted, click for why)"


class StatusBar(ttk.Frame):
    """One row of labels along the bottom of the window."""

    def __init__(self, master: tk.Misc, *, on_provider_click: Callable[[], None]) -> None:
        super().__init__(master, padding=(6, 3), style="Status.TFrame")
        self._on_provider_click = on_provider_click
        self.providers = ttk.Label(self, text="Loading models…", style="Status.TLabel")
        self.providers.pack(side="left")
        self.providers.bind("<Button-1>", lambda _e: self._on_provider_click())
        ttk.Separator(self, orient="vertical").pack(side="left", fill="y", padx=8)
        self.timing = ttk.Label(self, text="No image read yet", style="Status.TLabel")
        self.timing.pack(side="left")
        ttk.Separator(self, orient="vertical").pack(side="left", fill="y", padx=8)
        self.progress = ttk.Progressbar(
            self, length=110, mode="determinate", maximum=1, style="Status.Horizontal.TProgressbar"
        )
        self.progress.pack(side="right")
        self.count = ttk.Label(self, text="", style="Status.TLabel")
        self.count.pack(side="right", padx=(8, 6))
        self.message = ttk.Label(self, text="", style="Status.TLabel", anchor="w")
        self.message.pack(side="left", fill="x", expand=True)
        self.warning = False

    def set_loading(self, device: str) -> None:
        self.warning = False
        self.providers.configure(
            text=f"Loading models ({device.upper()})…", style="Status.TLabel", cursor=""
        )

    def set_providers(self, report: ProviderReport) -> None:
        self.warning = report.fell_back
        self.providers.configure(
            text=providers_text(report),
            style="Warning.TLabel" if report.fell_back else "Status.TLabel",
            cursor="hand2" if report.fell_back else "",
        )

    def set_engine_failed(self, summary: str) -> None:
        self.warning = True
        self.providers.configure(
            text=f"{WARNING_SIGN} OCR engine not available ({summary}; click for details)",
            style="Warning.TLabel",
            cursor="hand2",
        )

    def set_timings(self, name: str, timings: StageTimings) -> None:
        self.timing.configure(text=f"{name}: {timing_text(timings)}")

    def set_count(self, finished: int, total: int, failed: int = 0) -> None:
        if total == 0:
            self.count.configure(text="Queue empty")
            self.progress.configure(value=0, maximum=1)
            return
        text = f"{finished} of {total} done"
        if failed:
            text += f" ({failed} failed)"
        self.count.configure(text=text)
        self.progress.configure(value=finished, maximum=total)

    def set_message(self, text: str, *, warning: bool = False) -> None:
        self.message.configure(
            text=text, style="WarningText.TLabel" if warning else "Status.TLabel"
        )
