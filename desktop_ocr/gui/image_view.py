"""The image with its detected boxes: fit, zoom, pan and rotate; a click on a box selects it.

Box coordinates are in the pixels of the loaded image (EXIF rotation applied), so the
view shows exactly those pixels, and maps boxes and clicks through one transform (the
rotation, then one scale and one offset): whatever the zoom, pan or rotation, a box is
drawn where its text is. Only the part of the image in view is scaled and turned, from
a display-sized copy until the zoom needs more detail (see services/display_images.py),
so a 50-megapixel page costs the window's thread no more than a screenshot does.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable, Sequence
from tkinter import ttk

from PIL import Image, ImageTk

from desktop_ocr.engine.results import Box
from desktop_ocr.gui.canvas_hints import draw_empty_hint, draw_message
from desktop_ocr.gui.image_view_input import PanZoomInput
from desktop_ocr.gui.view_geometry import place_image, rotate_box, source_region, visible_region
from desktop_ocr.i18n import _
from desktop_ocr.services.display_images import DisplayImage

logger = logging.getLogger(__name__)

BACKGROUND = "#2b2d31"
BOX_COLOUR = "#22c55e"
SELECTED_COLOUR = "#ff7a1a"
MARGIN = 12
MAX_UPSCALE = 3.0
REDRAW_DELAY_MS = 60
MIN_ZOOM, MAX_ZOOM = 0.02, 16.0
# Quarter turns clockwise, as Pillow names them.
TRANSPOSES = {1: Image.Transpose.ROTATE_270, 2: Image.Transpose.ROTATE_180,
              3: Image.Transpose.ROTATE_90}


class ImageView(PanZoomInput, ttk.Frame):
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
        self._on_need_detail: Callable[[], None] | None = None
        self._on_open = on_open
        self._on_sample = on_sample
        self._font = font
        self._build_controls()
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
        self.bind_input()
        self._source: DisplayImage | None = None  # as loaded
        self._size: tuple[int, int] = (0, 0)  # as shown: turned by `_turns` quarter turns
        self._source_boxes: list[Box] = []
        self._boxes: list[Box] = []
        self._turns = 0
        self._photo: ImageTk.PhotoImage | None = None
        self._zoom: float | None = None  # None: fit the view
        self._centre = (0.0, 0.0)  # the image point at the centre of the view
        self._scale = 1.0
        self._offset = (0.0, 0.0)
        self._press: tuple[int, int, float, float] | None = None
        self._dragging = False
        self._selected: int | None = None
        self._mode = "empty"
        self._message: tuple[str, str] = ("", "")
        self._empty_note = ""
        self._redraw_pending: str | None = None
        self._scaled_cache: tuple[tuple, Image.Image] | None = None
        self._detail_asked = False
        self.sample_button = ttk.Button(
            self.canvas, text=_("Try the sample image"), command=on_sample
        )
        self.open_button = ttk.Button(self.canvas, text=_("Open images…"), command=on_open)

    def _build_controls(self) -> None:
        bar = ttk.Frame(self, padding=(0, 0, 0, 4))
        bar.pack(side="top", fill="x")
        self.controls: dict[str, ttk.Button] = {}
        for key, text, command in (
            ("fit", _("Fit"), self.zoom_fit),
            ("actual", "100%", lambda: self.zoom_to(1.0)),
            ("out", "−", lambda: self.zoom_by(1 / 1.25)),
            ("in", "+", lambda: self.zoom_by(1.25)),
            ("rotate", _("Rotate ⟳"), self.rotate),
        ):
            button = ttk.Button(bar, text=text, command=command, style="Toolbar.TButton")
            button.pack(side="left", padx=(0, 4))
            self.controls[key] = button
        self.zoom_label = ttk.Label(bar, text="", style="Muted.TLabel")
        self.zoom_label.pack(side="left", padx=(8, 0))

    # -- what to show --------------------------------------------------------------------

    def show_empty(self, note: str = "") -> None:
        """The first-run hint: drop images here, or open some, or try the sample."""
        self._mode = "empty"
        self._empty_note = note
        self._set_image(None, [])
        self._redraw()

    def show_message(self, title: str, detail: str = "") -> None:
        """A message in place of an image (waiting, reading, failed)."""
        self._mode = "message"
        self._message = (title, detail)
        self._set_image(None, [])
        self._redraw()

    def show_image(self, image: DisplayImage, boxes: Sequence[Box]) -> None:
        """An image and the boxes to draw over it, in the image's pixel coordinates.

        A new image starts fitted and upright; the same image shown again keeps its
        zoom, place and rotation.
        """
        same = image is self._source
        self._mode = "image"
        if not same:
            self._turns, self._zoom = 0, None
        self._set_image(image, boxes)
        self._redraw()

    def add_detail(self, image: DisplayImage) -> bool:
        """The shown image again, with every pixel: zoom, rotation and selection stay.

        False (and nothing changes) when the view shows something else by now.
        """
        if self._mode != "image" or self._source is None or image.size != self._source.size:
            return False
        self._source = image
        self._scaled_cache = None
        self._redraw()
        return True

    def _set_image(self, image: DisplayImage | None, boxes: Sequence[Box]) -> None:
        if image is not self._source:
            self._detail_asked = False
        self._source = image
        self._source_boxes = list(boxes)
        self._selected = None
        self._scaled_cache = None
        self._apply_rotation()

    def _apply_rotation(self) -> None:
        image = self._source
        if image is None:
            self._size, self._boxes = (0, 0), []
            return
        turns = self._turns % 4
        width, height = image.size
        self._size = (height, width) if turns % 2 else (width, height)
        self._boxes = [rotate_box(b, image.size, turns) for b in self._source_boxes]
        self._scaled_cache = None

    def set_detail_handler(self, handler: Callable[[], None]) -> None:
        """Called once per image when the zoom needs more detail than its display copy."""
        self._on_need_detail = handler

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
        self._source = None
        self._scaled_cache = None

    def set_drop_highlight(self, active: bool) -> None:
        colour = SELECTED_COLOUR if active else BACKGROUND
        self.canvas.configure(highlightbackground=colour, highlightcolor=colour)

    # -- zoom, pan, rotate -----------------------------------------------------------------

    def zoom_fit(self) -> None:
        self._zoom = None
        self._redraw()

    def zoom_to(self, zoom: float, anchor: tuple[float, float] | None = None) -> None:
        """Zooms to `zoom` (1.0: one image pixel per screen pixel), keeping `anchor` still.

        `anchor` is a canvas point (default: the centre); the image point under it stays
        under it, as in any image viewer.
        """
        if self._source is None:
            return
        zoom = min(max(zoom, MIN_ZOOM), MAX_ZOOM)
        width, height = self._canvas_size()
        ax, ay = anchor if anchor is not None else (width / 2, height / 2)
        ix, iy = self._to_image(ax, ay)
        self._zoom = zoom
        # Put image point (ix, iy) at canvas point (ax, ay) under the new scale.
        self._centre = (ix - (ax - width / 2) / zoom, iy - (ay - height / 2) / zoom)
        self._redraw()

    def zoom_by(self, factor: float, anchor: tuple[float, float] | None = None) -> None:
        self.zoom_to(self._scale * factor, anchor)

    def pan_by(self, dx: float, dy: float) -> None:
        """Moves the image by (dx, dy) screen pixels."""
        if self._source is None:
            return
        if self._zoom is None:
            self._zoom = self._scale
        cx, cy = self._centre
        self._centre = (cx - dx / self._scale, cy - dy / self._scale)
        self._redraw()

    def rotate(self) -> None:
        """Turns the view 90° clockwise; the boxes turn with the image."""
        if self._source is None:
            return
        self._turns = (self._turns + 1) % 4
        selected = self._selected
        self._apply_rotation()
        self._zoom = None
        self._selected = selected
        self._redraw()

    @property
    def zoom(self) -> float:
        """Screen pixels per image pixel as drawn now."""
        return self._scale

    @property
    def fitted(self) -> bool:
        return self._zoom is None

    @property
    def rotation(self) -> int:
        return self._turns * 90

    # -- state for tests and tooltips ------------------------------------------------------

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def selected(self) -> int | None:
        return self._selected

    @property
    def full_detail(self) -> bool:
        """True when every pixel of the shown image can be drawn, not only its display copy."""
        return self._source is not None and self._source.complete

    @property
    def box_count(self) -> int:
        return len(self._boxes)

    def box_on_canvas(self, index: int) -> list[tuple[float, float]]:
        """Where the corners of box `index` are drawn, in canvas coordinates."""
        return [self._to_canvas(x, y) for x, y in self._boxes[index]]

    def box_centre_on_screen(self, index: int) -> tuple[int, int]:
        """Where box `index` is drawn, in root coordinates (for tests and tooltips)."""
        corners = self.box_on_canvas(index)
        cx = sum(x for x, _y in corners) / 4
        cy = sum(y for _x, y in corners) / 4
        return self.canvas.winfo_rootx() + int(cx), self.canvas.winfo_rooty() + int(cy)

    # -- drawing -------------------------------------------------------------------------

    def _canvas_size(self) -> tuple[int, int]:
        return max(self.canvas.winfo_width(), 1), max(self.canvas.winfo_height(), 1)

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
        width, height = self._canvas_size()
        if self._mode == "image" and self._source is not None:
            self._draw_image(width, height)
        elif self._mode == "message":
            self._draw_message(width, height)
        else:
            self._draw_empty(width, height)
        self._update_controls()

    def _update_controls(self) -> None:
        has_image = self._mode == "image" and self._source is not None
        for button in self.controls.values():
            button.state(["!disabled"] if has_image else ["disabled"])
        if not has_image:
            self.zoom_label.configure(text="")
            return
        percent = f"{self._scale * 100:.0f}%"
        text = _("Fit · {percent}").format(percent=percent) if self._zoom is None else percent
        if self._turns:
            text += f" · {self._turns * 90}°"
        self.zoom_label.configure(text=text)

    def _draw_empty(self, width: int, height: int) -> None:
        draw_empty_hint(
            self.canvas, width, height, self._font, self._empty_note,
            (self.open_button, self.sample_button),
        )

    def _draw_message(self, width: int, height: int) -> None:
        draw_message(self.canvas, width, height, self._font, *self._message)

    def _place_image(self, width: int, height: int) -> None:
        """Sets the scale and offset from the zoom and centre, keeping the image in view."""
        self._scale, self._centre, self._offset = place_image(
            self._size, (width, height), self._zoom, self._centre, MARGIN, MAX_UPSCALE
        )

    def _draw_image(self, width: int, height: int) -> None:
        source = self._source
        assert source is not None
        self._place_image(width, height)
        scale, (ox, oy) = self._scale, self._offset
        left, top, right, bottom = visible_region(self._size, (width, height), scale, self._offset)
        if right > left and bottom > top:
            size = (max(1, round((right - left) * scale)), max(1, round((bottom - top) * scale)))
            key = (left, top, right, bottom, size, self._turns, source.complete)
            if self._scaled_cache is None or self._scaled_cache[0] != key:
                self._scaled_cache = (key, self._render((left, top, right, bottom), size))
            self._photo = ImageTk.PhotoImage(self._scaled_cache[1], master=self.canvas)
            self.canvas.create_image(
                ox + left * scale, oy + top * scale, image=self._photo, anchor="nw", tags="image"
            )
        if scale > source.preview_scale and not source.complete and not self._detail_asked:
            self._detail_asked = True  # zoomed past the display copy: ask for every pixel
            if self._on_need_detail is not None:
                self._on_need_detail()
        for i, box in enumerate(self._boxes):
            coords = [c for x, y in box for c in self._to_canvas(x, y)]
            self.canvas.create_polygon(
                coords, outline=BOX_COLOUR, fill="", width=2, tags=("box", f"box{i}")
            )
        if self._selected is not None:
            self._style_box(self._selected, selected=True)
            self.canvas.tag_raise(f"box{self._selected}")

    def _render(self, region: tuple[int, int, int, int], size: tuple[int, int]) -> Image.Image:
        """The part of the turned image in `region` (shown pixels), scaled to `size`."""
        assert self._source is not None
        turns = self._turns % 4
        upright = source_region(region, self._size, turns)
        upright_size = (size[1], size[0]) if turns % 2 else size
        part = self._source.render(upright, upright_size)
        return part.transpose(TRANSPOSES[turns]) if turns else part

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
