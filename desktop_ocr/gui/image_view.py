"""The image with its detected boxes, fitted to the view; a click on a box selects its line.

Box coordinates are in the pixels of the loaded image (EXIF rotation applied), so the
view shows exactly those pixels, scaled, and maps boxes and clicks with the same scale.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable, Sequence
from tkinter import ttk

from PIL import Image, ImageTk

from desktop_ocr.engine.results import Box

logger = logging.getLogger(__name__)

BACKGROUND = "#2b2d31"
BOX_COLOUR = "#22c55e"
SELECTED_COLOUR = "#ff7a1a"
HINT_COLOUR = "#d7dae0"
MUTED_COLOUR = "#9aa0aa"
MARGIN = 12
MAX_UPSCALE = 3.0
REDRAW_DELAY_MS = 60


def point_in_quad(x: float, y: float, box: Box) -> bool:
    """Ray casting: True when (x, y) lies inside the quadrilateral."""
    inside = False
    n = len(box)
    for i in range(n):
        x1, y1 = box[i]
        x2, y2 = box[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < cross:
                inside = not inside
    return inside


def quad_area(box: Box) -> float:
    area = 0.0
    for i in range(len(box)):
        x1, y1 = box[i]
        x2, y2 = box[(i + 1) % len(box)]
        area += x1 * y2 - x2 * y1
    return abs(area) / 2


class ImageView(ttk.Frame):
    """A canvas that shows the empty-state hint, a message, or an image with boxes."""

    def __init__(
        self,
        master: tk.Misc,
        *,
        font: tuple | str,
        on_select: Callable[[int | None], None],
        on_open: Callable[[], None],
        on_sample: Callable[[], None],
    ) -> None:
        super().__init__(master)
        self._on_select = on_select
        self._on_open = on_open
        self._on_sample = on_sample
        self._font = font
        self.canvas = tk.Canvas(
            self,
            background=BACKGROUND,
            highlightthickness=2,
            highlightbackground=BACKGROUND,
            width=640,
            height=480,
        )
        self.canvas.pack(fill="both", expand=True)
        self.canvas.bind("<Configure>", self._on_configure)
        self.canvas.bind("<Button-1>", self._on_click)
        self.canvas.bind("<Motion>", self._on_motion)
        self._image: Image.Image | None = None
        self._boxes: list[Box] = []
        self._photo: ImageTk.PhotoImage | None = None
        self._scale = 1.0
        self._offset = (0.0, 0.0)
        self._selected: int | None = None
        self._mode = "empty"
        self._message: tuple[str, str] = ("", "")
        self._empty_note = ""
        self._redraw_pending: str | None = None
        self._scaled_cache: tuple[tuple[int, int], Image.Image] | None = None
        self.sample_button = ttk.Button(self.canvas, text="Try the sample image", command=on_sample)
        self.open_button = ttk.Button(self.canvas, text="Open images…", command=on_open)

    # -- what to show --------------------------------------------------------------------

    def show_empty(self, note: str = "") -> None:
        """The first-run hint: drop images here, or open some, or try the sample."""
        self._mode = "empty"
        self._empty_note = note
        self._image = None
        self._boxes = []
        self._selected = None
        self._redraw()

    def show_message(self, title: str, detail: str = "") -> None:
        """A message in place of an image (waiting, reading, failed)."""
        self._mode = "message"
        self._message = (title, detail)
        self._image = None
        self._boxes = []
        self._selected = None
        self._redraw()

    def show_image(self, image: Image.Image, boxes: Sequence[Box]) -> None:
        """An RGB image and the boxes to draw over it, in the image's pixel coordinates."""
        self._mode = "image"
        self._image = image
        self._boxes = list(boxes)
        self._selected = None
        self._scaled_cache = None
        self._redraw()

    def select(self, index: int | None) -> None:
        """Highlights one box (None: none) without telling the listener."""
        if index is not None and not 0 <= index < len(self._boxes):
            index = None
        if index == self._selected:
            return
        previous = self._selected
        self._selected = index
        if previous is not None:
            self._style_box(previous, selected=False)
        if index is not None:
            self._style_box(index, selected=True)
            self.canvas.tag_raise(f"box{index}")

    def release(self) -> None:
        """Drops the shown image (and its Tk photo) when the window closes."""
        self._photo = None
        self._image = None
        self._scaled_cache = None

    def set_drop_highlight(self, active: bool) -> None:
        colour = SELECTED_COLOUR if active else BACKGROUND
        self.canvas.configure(highlightbackground=colour, highlightcolor=colour)

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def selected(self) -> int | None:
        return self._selected

    @property
    def box_count(self) -> int:
        return len(self._boxes)

    def box_centre_on_screen(self, index: int) -> tuple[int, int]:
        """Where box `index` is drawn, in root coordinates (for tests and tooltips)."""
        xs = [x for x, _ in self._boxes[index]]
        ys = [y for _, y in self._boxes[index]]
        cx, cy = self._to_canvas(sum(xs) / 4, sum(ys) / 4)
        return self.canvas.winfo_rootx() + int(cx), self.canvas.winfo_rooty() + int(cy)

    # -- drawing -------------------------------------------------------------------------

    def _on_configure(self, _event: tk.Event) -> None:
        if self._redraw_pending is not None:
            self.after_cancel(self._redraw_pending)
            self._redraw_pending = None
        if self._mode != "image":
            self._redraw()  # text only: cheap enough to follow every resize step
            return
        # Rescaling a large image on every step of a window drag would stutter.
        self._redraw_pending = self.after(REDRAW_DELAY_MS, self._redraw)

    def _redraw(self) -> None:
        self._redraw_pending = None
        canvas = self.canvas
        canvas.delete("all")
        width = max(canvas.winfo_width(), 1)
        height = max(canvas.winfo_height(), 1)
        if self._mode == "image" and self._image is not None:
            self._draw_image(width, height)
        elif self._mode == "message":
            self._draw_message(width, height)
        else:
            self._draw_empty(width, height)

    def _draw_empty(self, width: int, height: int) -> None:
        cx, cy = width / 2, height / 2
        self.canvas.create_text(
            cx,
            cy - 70,
            text="Drop images or folders here",
            fill=HINT_COLOUR,
            font=self._font,
            tags="hint",
        )
        self.canvas.create_text(
            cx,
            cy - 35,
            text="or click to open images · Ctrl+V pastes an image",
            fill=MUTED_COLOUR,
            tags="hint",
        )
        self.canvas.create_window(cx - 8, cy + 10, window=self.open_button, anchor="e")
        self.canvas.create_window(cx + 8, cy + 10, window=self.sample_button, anchor="w")
        if self._empty_note:
            self.canvas.create_text(
                cx,
                cy + 60,
                text=self._empty_note,
                fill="#f5c451",
                width=max(width - 40, 100),
                justify="center",
                tags="hint",
            )

    def _draw_message(self, width: int, height: int) -> None:
        title, detail = self._message
        cx, cy = width / 2, height / 2
        self.canvas.create_text(cx, cy - 14, text=title, fill=HINT_COLOUR, font=self._font)
        if detail:
            self.canvas.create_text(
                cx,
                cy + 18,
                text=detail,
                fill=MUTED_COLOUR,
                width=max(width - 40, 100),
                justify="center",
                anchor="n",
            )

    def _draw_image(self, width: int, height: int) -> None:
        assert self._image is not None
        iw, ih = self._image.size
        avail_w, avail_h = max(width - 2 * MARGIN, 1), max(height - 2 * MARGIN, 1)
        scale = min(avail_w / iw, avail_h / ih, MAX_UPSCALE)
        size = (max(1, round(iw * scale)), max(1, round(ih * scale)))
        self._scale = scale
        self._offset = ((width - size[0]) / 2, (height - size[1]) / 2)
        if self._scaled_cache is None or self._scaled_cache[0] != size:
            if size == self._image.size:
                scaled = self._image
            else:
                scaled = self._image.resize(
                    size, Image.Resampling.BILINEAR, reducing_gap=2.0 if scale < 0.5 else None
                )
            self._scaled_cache = (size, scaled)
        self._photo = ImageTk.PhotoImage(self._scaled_cache[1], master=self.canvas)
        self.canvas.create_image(*self._offset, image=self._photo, anchor="nw", tags="image")
        for i, box in enumerate(self._boxes):
            coords = [c for x, y in box for c in self._to_canvas(x, y)]
            self.canvas.create_polygon(
                coords, outline=BOX_COLOUR, fill="", width=2, tags=("box", f"box{i}")
            )
        if self._selected is not None:
            self._style_box(self._selected, selected=True)
            self.canvas.tag_raise(f"box{self._selected}")

    def _style_box(self, index: int, *, selected: bool) -> None:
        tag = f"box{index}"
        if selected:
            self.canvas.itemconfigure(
                tag, outline=SELECTED_COLOUR, width=3, fill=SELECTED_COLOUR, stipple="gray25"
            )
        else:
            self.canvas.itemconfigure(tag, outline=BOX_COLOUR, width=2, fill="", stipple="")

    def _to_canvas(self, x: float, y: float) -> tuple[float, float]:
        return self._offset[0] + x * self._scale, self._offset[1] + y * self._scale

    def _to_image(self, cx: float, cy: float) -> tuple[float, float]:
        return (cx - self._offset[0]) / self._scale, (cy - self._offset[1]) / self._scale

    # -- input ---------------------------------------------------------------------------

    def box_at(self, cx: float, cy: float) -> int | None:
        """The smallest box under a canvas point, or None."""
        if self._mode != "image" or not self._boxes:
            return None
        x, y = self._to_image(cx, cy)
        hits = [i for i, box in enumerate(self._boxes) if point_in_quad(x, y, box)]
        if not hits:
            return None
        return min(hits, key=lambda i: quad_area(self._boxes[i]))

    def _on_click(self, event: tk.Event) -> None:
        if self._mode == "empty":
            self._on_open()
            return
        if self._mode != "image":
            return
        index = self.box_at(event.x, event.y)
        self.select(index)
        self._on_select(index)

    def _on_motion(self, event: tk.Event) -> None:
        if self._mode == "empty":
            cursor = "hand2"
        else:
            cursor = "hand2" if self.box_at(event.x, event.y) is not None else ""
        if str(self.canvas.cget("cursor")) != cursor:
            self.canvas.configure(cursor=cursor)
