"""Mouse input on the image view: click a box, drag to pan, wheel to scroll or zoom."""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable

from desktop_ocr.engine.results import Box
from desktop_ocr.gui.view_geometry import point_in_quad, quad_area

logger = logging.getLogger(__name__)

WHEEL_ZOOM = 1.2
WHEEL_PAN_PX = 60
DRAG_THRESHOLD_PX = 4


class PanZoomInput:
    """The image view's pointer handling; mixed into ImageView, which sets the attributes
    and provides _to_image, select, pan_by and zoom_by."""

    canvas: tk.Canvas
    _mode: str
    _boxes: list[Box]
    _press: tuple[int, int, int, int] | None
    _dragging: bool
    _on_open: Callable[[], None]
    _on_select: Callable[[int | None], None]

    def bind_input(self) -> None:
        canvas = self.canvas
        canvas.bind("<ButtonPress-1>", self._on_press)
        canvas.bind("<B1-Motion>", self._on_drag)
        canvas.bind("<ButtonRelease-1>", self._on_release)
        canvas.bind("<ButtonPress-2>", self._on_press)
        canvas.bind("<B2-Motion>", self._on_drag)
        canvas.bind("<ButtonRelease-2>", self._on_release)
        canvas.bind("<Motion>", self._on_motion)
        canvas.bind("<MouseWheel>", self._on_wheel)
        for button, delta in (("4", 120), ("5", -120)):
            for mod in ("", "Shift-", "Control-"):
                canvas.bind(f"<{mod}Button-{button}>", lambda e, d=delta: self._wheel(e, d))

    def box_at(self, cx: float, cy: float) -> int | None:
        """The smallest box under a canvas point, or None."""
        if self._mode != "image" or not self._boxes:
            return None
        x, y = self._to_image(cx, cy)
        hits = [i for i, box in enumerate(self._boxes) if point_in_quad(x, y, box)]
        if not hits:
            return None
        return min(hits, key=lambda i: quad_area(self._boxes[i]))

    def _on_press(self, event: tk.Event) -> None:
        self.canvas.focus_set()
        if self._mode == "empty":
            if event.num == 1:
                self._on_open()
            return
        if self._mode != "image":
            return
        self._press = (event.x, event.y, event.x, event.y)
        self._dragging = False
        if event.num == 1:
            index = self.box_at(event.x, event.y)
            self.select(index)
            self._on_select(index)

    def _on_drag(self, event: tk.Event) -> None:
        """Dragging the image moves it (once the pointer has moved a few pixels)."""
        if self._press is None:
            return
        x0, y0, last_x, last_y = self._press
        if not self._dragging:
            if abs(event.x - x0) + abs(event.y - y0) < DRAG_THRESHOLD_PX:
                return
            self._dragging = True
            self.canvas.configure(cursor="fleur")
        self._press = (x0, y0, event.x, event.y)
        self.pan_by(event.x - last_x, event.y - last_y)

    def _on_release(self, _event: tk.Event) -> None:
        if self._dragging:
            self.canvas.configure(cursor="")
        self._press, self._dragging = None, False

    def _on_wheel(self, event: tk.Event) -> None:
        self._wheel(event, event.delta)

    def _wheel(self, event: tk.Event, delta: int) -> str:
        """Wheel: scroll; Shift+wheel: scroll sideways; Ctrl+wheel: zoom at the pointer."""
        if self._mode != "image" or not delta:
            return "break"
        steps = delta / 120 if abs(delta) >= 120 else (1 if delta > 0 else -1)
        if event.state & 0x4:
            self.zoom_by(WHEEL_ZOOM**steps, (event.x, event.y))
        elif event.state & 0x1:
            self.pan_by(steps * WHEEL_PAN_PX, 0)
        else:
            self.pan_by(0, steps * WHEEL_PAN_PX)
        return "break"

    def _on_motion(self, event: tk.Event) -> None:
        if self._mode == "empty":
            cursor = "hand2"
        elif self._dragging:
            cursor = "fleur"
        else:
            cursor = "hand2" if self.box_at(event.x, event.y) is not None else ""
        if str(self.canvas.cget("cursor")) != cursor:
            self.canvas.configure(cursor=cursor)
