"""The full-screen overlay: the frozen screenshot, dimmed, where the user drags a rectangle.

One borderless window per monitor, placed exactly over it, shows that monitor's frozen
picture at one image pixel per screen pixel (so it is as sharp as the screen was),
dimmed. Inside the rectangle being dragged the undimmed pixels show through, and the
outline is drawn just outside it, so what is bright is exactly what will be read.
"""

from __future__ import annotations

import contextlib
import logging
import time
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageTk

from desktop_ocr.gui.dpi import px
from desktop_ocr.i18n import N_, _
from desktop_ocr.services.capture import (
    CapturedRegion,
    MonitorShot,
    Rect,
    Screenshot,
    cut_region,
)

logger = logging.getLogger(__name__)

OVERLAY_TITLE = "desktop-ocr capture"
DIM = 0.45  # brightness left outside the selection
CLICK_SLOP = 3  # a press and release closer than this (px) is a click, not a drag
ACCENT = "#3d9cff"
HINT = N_("Drag over the text to read it  ·  Click: the whole screen  ·  Esc: cancel")


@dataclass
class _Screen:
    """One monitor's overlay window and the canvas items drawn on it."""

    shot: MonitorShot
    top: tk.Toplevel
    canvas: tk.Canvas
    bright: ImageTk.PhotoImage
    dimmed: ImageTk.PhotoImage
    selection: tk.PhotoImage
    selection_item: int
    outline: int
    size_label: int
    size_box: int
    cross_h: int
    cross_v: int
    hint: tuple[int, ...]


class RegionOverlay:
    """Shows `screenshot` over every monitor; calls `on_done` with the region, or None.

    None means cancelled (Esc, a right click, or the overlay closed). A click without a
    drag takes the whole monitor clicked on.
    """

    def __init__(
        self,
        root: tk.Misc,
        screenshot: Screenshot,
        on_done: Callable[[CapturedRegion | None], None],
    ) -> None:
        self.root = root
        self.screenshot = screenshot
        self._on_done = on_done
        self._press: tuple[_Screen, int, int] | None = None
        self._finished = False
        self.screens = [self._make_screen(shot) for shot in screenshot.shots]
        for screen in self.screens:
            screen.top.deiconify()
        root.update_idletasks()
        self._focus()

    # -- building -------------------------------------------------------------------------

    def _make_screen(self, shot: MonitorShot) -> _Screen:
        rect = shot.monitor.rect
        top = tk.Toplevel(self.root)
        top.withdraw()
        top.title(OVERLAY_TITLE)
        top.overrideredirect(True)
        top.geometry(f"{rect.width}x{rect.height}+{rect.left}+{rect.top}")
        top.attributes("-topmost", True)
        canvas = tk.Canvas(
            top,
            width=rect.width,
            height=rect.height,
            borderwidth=0,
            highlightthickness=0,
            cursor="crosshair",
            background="black",
        )
        canvas.place(x=0, y=0, width=rect.width, height=rect.height)
        shown = _as_shown(shot)
        bright = ImageTk.PhotoImage(shown, master=canvas)
        dimmed = ImageTk.PhotoImage(dim(shown), master=canvas)
        canvas.create_image(0, 0, image=dimmed, anchor="nw")
        selection = tk.PhotoImage(master=canvas)  # grows to what is copied into it
        selection_item = canvas.create_image(0, 0, image=selection, anchor="nw", state="hidden")
        outline = canvas.create_rectangle(0, 0, 0, 0, outline=ACCENT, width=1, state="hidden")
        size_box = canvas.create_rectangle(0, 0, 0, 0, fill="#202020", outline="", state="hidden")
        size_label = canvas.create_text(
            0,
            0,
            text="",
            fill="white",
            anchor="nw",
            font=("TkDefaultFont", -px(12)),
            state="hidden",
        )
        cross_h = canvas.create_line(0, 0, 0, 0, fill=ACCENT, dash=(4, 4), state="hidden")
        cross_v = canvas.create_line(0, 0, 0, 0, fill=ACCENT, dash=(4, 4), state="hidden")
        hint = self._draw_hint(canvas, rect)
        screen = _Screen(
            shot, top, canvas, bright, dimmed, selection, selection_item, outline,
            size_label, size_box, cross_h, cross_v, hint,
        )  # fmt: skip
        canvas.bind("<ButtonPress-1>", lambda e: self._on_press(screen, e))
        canvas.bind("<B1-Motion>", lambda e: self._on_drag(screen, e))
        canvas.bind("<ButtonRelease-1>", lambda e: self._on_release(screen, e))
        canvas.bind("<Motion>", lambda e: self._on_move(screen, e))
        canvas.bind("<ButtonPress-3>", lambda _e: self.cancel())
        top.bind("<Escape>", lambda _e: self.cancel())
        top.bind("<Enter>", lambda _e: top.focus_force())
        top.protocol("WM_DELETE_WINDOW", self.cancel)
        return screen

    @staticmethod
    def _draw_hint(canvas: tk.Canvas, rect: Rect) -> tuple[int, ...]:
        text = canvas.create_text(
            rect.width // 2,
            px(24),
            text=_(HINT),
            fill="white",
            anchor="n",
            font=("TkDefaultFont", -px(15)),
        )
        x0, y0, x1, y1 = canvas.bbox(text)
        box = canvas.create_rectangle(x0 - 12, y0 - 8, x1 + 12, y1 + 8, fill="#202020", outline="")
        canvas.tag_raise(text, box)
        return (box, text)

    def _focus(self) -> None:
        """Keyboard focus on the overlay under the pointer, so Esc reaches it."""
        x, y = self.root.winfo_pointerxy()
        under = next((s for s in self.screens if s.shot.monitor.rect.contains(x, y)), None)
        (under or self.screens[0]).top.focus_force()

    # -- the mouse ------------------------------------------------------------------------

    def _local(self, screen: _Screen, event: tk.Event) -> tuple[int, int]:
        """The pointer on this monitor, kept inside it while dragging past its edge."""
        rect = screen.shot.monitor.rect
        return min(max(int(event.x), 0), rect.width), min(max(int(event.y), 0), rect.height)

    def _on_move(self, screen: _Screen, event: tk.Event) -> None:
        x, y = self._local(screen, event)
        rect = screen.shot.monitor.rect
        canvas = screen.canvas
        canvas.coords(screen.cross_h, 0, y, rect.width, y)
        canvas.coords(screen.cross_v, x, 0, x, rect.height)
        canvas.itemconfigure(screen.cross_h, state="normal")
        canvas.itemconfigure(screen.cross_v, state="normal")
        for other in self.screens:
            if other is not screen:
                other.canvas.itemconfigure(other.cross_h, state="hidden")
                other.canvas.itemconfigure(other.cross_v, state="hidden")

    def _on_press(self, screen: _Screen, event: tk.Event) -> None:
        x, y = self._local(screen, event)
        self._press = (screen, x, y)
        for item in screen.hint:
            screen.canvas.itemconfigure(item, state="hidden")
        self._on_move(screen, event)

    def _on_drag(self, screen: _Screen, event: tk.Event) -> None:
        if self._press is None or self._press[0] is not screen:
            return
        self._on_move(screen, event)
        _, x0, y0 = self._press
        x1, y1 = self._local(screen, event)
        self._show_selection(screen, Rect.from_corners(x0, y0, x1, y1))

    def _show_selection(self, screen: _Screen, local: Rect) -> None:
        """The undimmed pixels of `local` (monitor coordinates), outlined just outside."""
        canvas = screen.canvas
        if local.width == 0 or local.height == 0:
            for item in (screen.selection_item, screen.outline, screen.size_box, screen.size_label):
                canvas.itemconfigure(item, state="hidden")
            return
        screen.selection.blank()
        screen.selection.tk.call(
            screen.selection, "copy", screen.bright,
            "-from", local.left, local.top, local.right, local.bottom,
            "-to", 0, 0, "-shrink",
        )  # fmt: skip
        canvas.coords(screen.selection_item, local.left, local.top)
        # A 1-pixel outline on the pixels around the region, never on it.
        canvas.coords(screen.outline, local.left - 1, local.top - 1, local.right, local.bottom)
        scale = screen.shot.monitor.scale
        label = f"{round(local.width * scale)} × {round(local.height * scale)}"
        canvas.itemconfigure(screen.size_label, text=label)
        lx, ly = local.left, local.bottom + 4
        if ly + 20 > screen.shot.monitor.rect.height:
            ly = max(local.top - 22, 0)
        canvas.coords(screen.size_label, lx + 4, ly + 2)
        for item in (screen.selection_item, screen.outline, screen.size_box, screen.size_label):
            canvas.itemconfigure(item, state="normal")
        x0, y0, x1, y1 = canvas.bbox(screen.size_label)  # known once shown
        canvas.coords(screen.size_box, x0 - 4, y0 - 2, x1 + 4, y1 + 2)

    def _on_release(self, screen: _Screen, event: tk.Event) -> None:
        released_at = time.perf_counter()
        if self._press is None or self._press[0] is not screen:
            return
        _, x0, y0 = self._press
        x1, y1 = self._local(screen, event)
        monitor = screen.shot.monitor
        whole = abs(x1 - x0) < CLICK_SLOP and abs(y1 - y0) < CLICK_SLOP
        if whole:
            rect = monitor.rect
        else:
            local = Rect.from_corners(x0, y0, x1, y1)
            rect = Rect(local.left + monitor.rect.left, local.top + monitor.rect.top,
                        local.width, local.height)  # fmt: skip
        region = cut_region(screen.shot, rect, released_at, whole_screen=whole)
        logger.debug("region %s on %s", rect, monitor.name)
        self._finish(region)

    # -- ending ---------------------------------------------------------------------------

    def cancel(self) -> None:
        self._finish(None)

    @property
    def finished(self) -> bool:
        return self._finished

    def _finish(self, region: CapturedRegion | None) -> None:
        if self._finished:
            return
        self._finished = True
        self.close()
        self.root.update_idletasks()
        self._on_done(region)

    def close(self) -> None:
        """Takes the overlay windows away, and frees their images here, on the Tk thread.

        A Tk image freed later by a garbage collection that happens to run on another
        thread (the grab's, the worker's) would call Tcl from there and abort.
        """
        for screen in self.screens:
            with contextlib.suppress(tk.TclError):
                screen.top.destroy()
            screen.bright = screen.dimmed = screen.selection = None  # type: ignore[assignment]
        self.screens = []


def dim(image: Image.Image) -> Image.Image:
    """The picture as the overlay shows it outside the selection: darker, nothing else."""
    return image.point(lambda v: int(v * DIM))


def _as_shown(shot: MonitorShot) -> Image.Image:
    """The monitor's picture at one pixel per window unit: as is, except on a Retina Mac."""
    rect = shot.monitor.rect
    if shot.image.size == (rect.width, rect.height):
        return shot.image
    return shot.image.resize((rect.width, rect.height), Image.Resampling.LANCZOS)
