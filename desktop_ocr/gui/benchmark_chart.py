"""A bar chart of the time each image took, per config, drawn on a Tk canvas.

A table of hundreds of rows hides the few images that matter: the slow first image, or
the one that brought a new input shape (on CUDA, a new cuDNN search). Bars make them
stand out, and those with a new shape carry a mark.
"""

from __future__ import annotations

import logging
import math
import tkinter as tk
from collections.abc import Callable

from desktop_ocr.i18n import _
from desktop_ocr.services.benchmark_report import ImageRow

logger = logging.getLogger(__name__)

COLOURS = ("#3b7dd8", "#e07b39", "#4aa564", "#a155b9", "#c9b037")
FAILED_COLOUR = "#cc3333"
SHAPE_COLOUR = "#222222"
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 16, 28, 36


class TimeChart(tk.Canvas):
    """Grouped bars: one group per image (in order), one bar per config."""

    def __init__(
        self,
        master: tk.Misc,
        on_hover: Callable[[str], None] | None = None,
        **kwargs: object,
    ) -> None:
        kwargs.setdefault("background", "white")
        kwargs.setdefault("highlightthickness", 0)
        super().__init__(master, **kwargs)  # type: ignore[arg-type]
        self.series: dict[str, list[ImageRow]] = {}
        self.on_hover = on_hover
        self._bars: dict[int, ImageRow] = {}
        self._pending = False
        self.bind("<Configure>", lambda _e: self.redraw_soon())
        self.bind("<Motion>", self._motion)
        self.bind("<Leave>", lambda _e: self._say(""))

    # -- data -------------------------------------------------------------------------------

    def clear(self) -> None:
        self.series = {}
        self.redraw_soon()

    def add_series(self, label: str) -> None:
        self.series.setdefault(label, [])
        self.redraw_soon()

    def add_row(self, row: ImageRow) -> None:
        self.series.setdefault(row.config, []).append(row)
        self.redraw_soon()

    @property
    def bar_count(self) -> int:
        return len(self._bars)

    # -- drawing ----------------------------------------------------------------------------

    def redraw_soon(self) -> None:
        """Coalesces many rows arriving at once into one redraw."""
        if not self._pending:
            self._pending = True
            self.after_idle(self.redraw)

    def redraw(self) -> None:
        self._pending = False
        self.delete("all")
        self._bars = {}
        width, height = self.winfo_width(), self.winfo_height()
        if width < MARGIN_LEFT + MARGIN_RIGHT + 10 or height < MARGIN_TOP + MARGIN_BOTTOM + 10:
            return
        labels = [label for label, rows in self.series.items() if rows]
        if not labels:
            self.create_text(
                width / 2,
                height / 2,
                text=_("The time of each image appears here as it is measured."),
                fill="#777777",
            )
            return
        count = max(len(self.series[label]) for label in labels)
        peak = max((r.total_ms for label in labels for r in self.series[label] if r.ok), default=1)
        scale_max, ticks = _axis(max(peak, 1.0))
        left, top = MARGIN_LEFT, MARGIN_TOP
        right, bottom = width - MARGIN_RIGHT, height - MARGIN_BOTTOM
        self._axes(left, top, right, bottom, scale_max, ticks, count)
        group = (right - left) / count
        bar = max(group * 0.8 / len(labels), 1.0)
        for s, label in enumerate(labels):
            colour = COLOURS[s % len(COLOURS)]
            for i, row in enumerate(self.series[label]):
                x0 = left + i * group + group * 0.1 + s * bar
                x1 = x0 + max(bar - (1 if bar > 3 else 0), 1)
                if not row.ok:
                    item = self.create_text((x0 + x1) / 2, bottom - 6, text="×", fill=FAILED_COLOUR)
                    self._bars[item] = row
                    continue
                y = bottom - (bottom - top) * row.total_ms / scale_max
                item = self.create_rectangle(x0, y, x1, bottom, fill=colour, width=0)
                self._bars[item] = row
                if row.new_shapes:
                    mid = (x0 + x1) / 2
                    self.create_polygon(
                        mid - 3, y - 2, mid + 3, y - 2, mid, y - 7, fill=SHAPE_COLOUR
                    )
        self._legend(labels, left, right)

    def _axes(
        self,
        left: float,
        top: float,
        right: float,
        bottom: float,
        scale_max: float,
        ticks: int,
        count: int,
    ) -> None:
        for k in range(ticks + 1):
            value = scale_max * k / ticks
            y = bottom - (bottom - top) * k / ticks
            self.create_line(left, y, right, y, fill="#e4e4e4" if k else "#888888")
            self.create_text(left - 6, y, text=_ms_text(value), anchor="e", fill="#444444")
        self.create_line(left, top, left, bottom, fill="#888888")
        step = max(1, round(count / 10))
        group = (right - left) / count
        for i in range(0, count, step):
            x = left + (i + 0.5) * group
            self.create_text(x, bottom + 4, text=str(i + 1), anchor="n", fill="#444444")
        self.create_text(
            (left + right) / 2,
            bottom + 20,
            text=_("image, in order of measurement"),
            fill="#444444",
        )

    def _legend(self, labels: list[str], left: float, right: float) -> None:
        x = left
        for s, label in enumerate(labels):
            colour = COLOURS[s % len(COLOURS)]
            self.create_rectangle(x, 8, x + 12, 20, fill=colour, width=0)
            item = self.create_text(x + 16, 14, text=label, anchor="w")
            x = self.bbox(item)[2] + 16
        self.create_polygon(x + 2, 19, x + 10, 19, x + 6, 11, fill=SHAPE_COLOUR)
        self.create_text(x + 14, 14, text=_("new input shape"), anchor="w")
        self.create_text(right, 14, text=_("total ms per image"), anchor="e", fill="#444444")

    # -- hover ------------------------------------------------------------------------------

    def _motion(self, event: tk.Event) -> None:
        items = self.find_overlapping(event.x - 1, event.y - 1, event.x + 1, event.y + 1)
        for item in reversed(items):
            row = self._bars.get(item)
            if row is not None:
                self._say(describe_row(row))
                return
        self._say("")

    def _say(self, text: str) -> None:
        if self.on_hover is not None:
            self.on_hover(text)


def describe_row(row: ImageRow) -> str:
    """The one-line description shown when the pointer is over a bar."""
    if not row.ok:
        return f"{row.name} ({row.config}): failed: {row.error}"
    shapes = f", {row.new_shapes} new input shape(s)" if row.new_shapes else ""
    return (
        f"{row.name} ({row.config}): {row.total_ms:.0f} ms (det {row.det_ms:.0f}, "
        f"cls {row.cls_ms:.0f}, rec {row.rec_ms:.0f}), {row.lines} lines{shapes}"
    )


def _axis(peak: float) -> tuple[float, int]:
    """A round axis top and its number of steps (at most 5) for values up to `peak`."""
    magnitude = 10 ** math.floor(math.log10(max(peak, 1e-3) / 5))
    for factor in (1, 2, 2.5, 5, 10, 20):
        step = factor * magnitude
        ticks = math.ceil(peak / step - 1e-9)
        if ticks <= 5:
            return step * max(ticks, 1), max(ticks, 1)
    return peak, 1  # pragma: no cover - the factors above always reach 5 ticks


def _ms_text(value: float) -> str:
    return f"{value / 1000:g} s" if value >= 1000 else f"{value:g} ms"
