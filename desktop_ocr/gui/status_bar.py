"""The status bar: granted providers and the config in use (with a warning when CUDA fell
back), the last image's time per stage, a message, and how much of the queue is done.

Space is handed out by priority, not by packing order: the providers, the count and
the message keep room at any width, long texts are cut in the middle (where a file
name's end and a message's tail both survive), and the timings give way first. Every
cut text shows whole in a tooltip.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable, Mapping, Sequence
from tkinter import font as tkfont
from tkinter import ttk

from desktop_ocr.engine.results import ProviderReport, StageTimings
from desktop_ocr.gui.dpi import px
from desktop_ocr.gui.job_entry import format_ms
from desktop_ocr.gui.tooltip import Tooltip
from desktop_ocr.i18n import _

logger = logging.getLogger(__name__)

WARNING_SIGN = "⚠"
ELLIPSIS = "…"
GAP = 14
PROGRESS_WIDTH = 110
# Highest priority first: who keeps room when the window is narrow.
PRIORITY = ("providers", "count", "progress", "message", "timing", "origin")
MINIMUM = {"providers": 150, "message": 180, "progress": 60}
LEFT = ("providers", "origin", "timing", "message")


def timing_text(timings: StageTimings) -> str:
    total = _("total")
    return (
        f"det {format_ms(timings.det)} · cls {format_ms(timings.cls)} · "
        f"rec {format_ms(timings.rec)} · {total} {format_ms(timings.total)}"
    )


def providers_text(report: ProviderReport) -> str:
    """What the provider label says; a fallback is spelled out next to the warning sign."""
    granted = ", ".join(report.granted)
    if not report.fell_back:
        return granted
    asked = report.requested[0].replace("ExecutionProvider", "") if report.requested else "?"
    if report.diagnosis is not None and report.diagnosis.at_run_time:
        # Granted, then failed on a run: "not granted" would send the user the wrong way.
        template = _("{sign} {granted} ({asked} failed while running, click for why)")
    else:
        template = _("{sign} {granted} ({asked} not granted, click for why)")
    return template.format(sign=WARNING_SIGN, granted=granted, asked=asked)


def elide_middle(text: str, width: int, measure: Callable[[str], int]) -> str:
    """`text` cut in the middle with an ellipsis to fit `width` pixels ('' when nothing fits)."""
    if measure(text) <= width:
        return text
    if measure(ELLIPSIS) > width:
        return ""
    low, high = 0, len(text)
    best = ELLIPSIS
    while low <= high:  # the most characters kept that still fit
        keep = (low + high) // 2
        head = (keep + 1) // 2
        candidate = text[:head] + ELLIPSIS + text[len(text) - (keep - head) :]
        if measure(candidate) <= width:
            best, low = candidate, keep + 1
        else:
            high = keep - 1
    return best


def allocate(
    natural: Mapping[str, int],
    total: int,
    priority: Sequence[str] = PRIORITY,
    minimum: Mapping[str, int] = MINIMUM,
    gap: int = GAP,
) -> dict[str, int]:
    """Pixel widths for the segments, handed out in priority order.

    Each segment takes as much of its natural width as it can while leaving the minimums
    of the segments after it; one without a minimum is shown whole or not at all. What
    is left at the end goes to the message.
    """
    widths = dict.fromkeys(priority, 0)
    left = total

    def least(name: str) -> int:
        nat = natural.get(name, 0)
        return min(nat, minimum[name]) if name in minimum else nat

    for i, name in enumerate(priority):
        nat = natural.get(name, 0)
        if nat <= 0:
            continue
        reserve = sum(
            least(n) + gap for n in priority[i + 1 :] if n in minimum and natural.get(n, 0) > 0
        )
        room = left - reserve - gap
        if name in minimum:
            width = min(nat, max(room, least(name)))
            if width + gap > left:
                width = 0
        else:
            width = nat if nat <= room else 0
        widths[name] = width
        if width:
            left -= width + gap
    if widths.get("message", 0) > 0 and left > 0:
        widths["message"] += left
    return widths


class StatusBar(ttk.Frame):
    """One row of labels along the bottom of the window, laid out by priority."""

    def __init__(self, master: tk.Misc, *, on_provider_click: Callable[[], None]) -> None:
        super().__init__(master, padding=(6, 3), style="Status.TFrame")
        self._on_provider_click = on_provider_click
        self.full: dict[str, str] = {}
        self.labels: dict[str, ttk.Label] = {}
        self.tooltips: dict[str, Tooltip] = {}
        for name in (*LEFT, "count"):
            label = ttk.Label(self, text="", style="Status.TLabel", anchor="w")
            self.labels[name] = label
            self.full[name] = ""
            self.tooltips[name] = Tooltip(label, lambda _e, n=name: self.tooltip_text(n))
        self.providers = self.labels["providers"]
        self.origin = self.labels["origin"]
        self.timing = self.labels["timing"]
        self.message = self.labels["message"]
        self.count = self.labels["count"]
        self.providers.bind("<Button-1>", lambda _e: self._on_provider_click())
        self.progress = ttk.Progressbar(
            self,
            length=PROGRESS_WIDTH,
            mode="determinate",
            maximum=1,
            style="Status.Horizontal.TProgressbar",
        )
        self.warning = False
        self._width = 0
        self.widths: dict[str, int] = {}
        self.bind("<Configure>", self._on_configure)
        self.set_loading("cpu")
        self.clear_timings()

    # -- content -------------------------------------------------------------------------

    def set_loading(self, device: str) -> None:
        self.warning = False
        self._set("providers", _("Loading models ({device})…").format(device=device.upper()))
        self.providers.configure(style="Status.TLabel", cursor="")
        self._set("origin", "")

    def set_providers(self, report: ProviderReport, origin: str = "") -> None:
        self.warning = report.fell_back
        self._set("providers", providers_text(report))
        self.providers.configure(
            style="Warning.TLabel" if report.fell_back else "Status.TLabel",
            cursor="hand2" if report.fell_back else "",
        )
        self._set("origin", origin)

    def set_engine_failed(self, summary: str) -> None:
        self.warning = True
        self._set(
            "providers",
            _("{sign} OCR engine not available ({summary}; click for details)").format(
                sign=WARNING_SIGN, summary=summary
            ),
        )
        self.providers.configure(style="Warning.TLabel", cursor="hand2")
        self._set("origin", "")

    def set_timings(self, name: str, timings: StageTimings) -> None:
        self._set("timing", f"{name}: {timing_text(timings)}")

    def clear_timings(self) -> None:
        self._set("timing", _("No image read yet"))

    def set_count(self, finished: int, total: int, failed: int = 0) -> None:
        if total == 0:
            self._set("count", _("Queue empty"))
            self.progress.configure(value=0, maximum=1)
            return
        text = _("{finished} of {total} done").format(finished=finished, total=total)
        if failed:
            text += " " + _("({n} failed)").format(n=failed)
        self._set("count", text)
        self.progress.configure(value=finished, maximum=total)

    def set_message(self, text: str, *, warning: bool = False) -> None:
        self.message.configure(style="WarningText.TLabel" if warning else "Status.TLabel")
        self._set("message", text)

    def text_of(self, name: str) -> str:
        """The whole text of a segment, however much of it is shown."""
        return self.full[name]

    def shown_text(self, name: str) -> str:
        return str(self.labels[name].cget("text"))

    def tooltip_text(self, name: str) -> str:
        """The tooltip of a segment: its whole text when cut, and what a click does."""
        full = self.full[name]
        if name == "providers" and self.warning:
            return full
        if name == "origin" and full:
            return _("Read with the settings of {origin}").format(origin=full)
        return full if self.shown_text(name) != full else ""

    # -- layout --------------------------------------------------------------------------

    def _set(self, name: str, text: str) -> None:
        if self.full.get(name) == text:
            return
        self.full[name] = text
        self._layout()

    def _font(self, name: str) -> tkfont.Font:
        style = str(self.labels[name].cget("style")) or "TLabel"
        spec = ttk.Style(self).lookup(style, "font") or "TkDefaultFont"
        try:
            return tkfont.nametofont(spec, root=self)
        except tk.TclError:
            return tkfont.Font(root=self, font=spec)

    def _on_configure(self, event: tk.Event) -> None:
        if event.width != self._width:
            self._width = event.width
            self._layout()

    def _layout(self) -> None:
        width = self.winfo_width()
        if width <= 1:
            width = self.winfo_reqwidth()
        inner = max(width - 12, 0)
        fonts = {name: self._font(name) for name in self.labels}
        pad = 6  # a label's own padding, both sides together
        natural = {
            name: (fonts[name].measure(text) + pad if text else 0)
            for name, text in self.full.items()
        }
        natural["progress"] = px(PROGRESS_WIDTH)
        minimum = {name: px(width) for name, width in MINIMUM.items()}
        self.widths = allocate(natural, inner, minimum=minimum, gap=px(GAP))
        height = max(fonts["message"].metrics("linespace") + px(8), px(22))
        self.configure(height=height + 6)
        x = 0
        for name in LEFT:
            x = self._place(name, x, height, fonts[name], pad)
        right = inner
        for name in ("progress", "count"):
            w = self.widths.get(name, 0)
            if name == "progress":
                if w:
                    bar = px(14)
                    self.progress.place(x=right - w, y=(height - bar) // 2 + 1, width=w, height=bar)
                else:
                    self.progress.place_forget()
            else:
                self._place(name, right - w - (px(GAP) if w else 0), height, fonts[name], pad)
            right -= w + (px(GAP) if w else 0)

    def _place(self, name: str, x: int, height: int, font: tkfont.Font, pad: int) -> int:
        label = self.labels[name]
        w = self.widths.get(name, 0)
        if w <= 0:
            label.place_forget()
            label.configure(text="")
            return x
        label.configure(text=elide_middle(self.full[name], w - pad, font.measure))
        label.place(x=x, y=0, width=w, height=height)
        return x + w + px(GAP)
