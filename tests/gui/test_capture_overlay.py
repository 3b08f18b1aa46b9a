"""The overlay on screens of 100, 150 and 200% scaling: what is bright is exactly what is read."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import tkinter as tk
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from desktop_ocr.gui.capture_flow import RegionCapture
from desktop_ocr.gui.capture_overlay import ACCENT, dim
from desktop_ocr.services.capture import grab_screen
from tests.gui.capture_driving import need_clipboard_tools, overlay_shown, show_text_window
from tests.gui.driving import pump, xdotool
from tools.virtual_display import start_xvfb

pytestmark = pytest.mark.gui


@pytest.fixture
def screen_at(display):
    """Runs a check on a screen of its own at a density, in a process of its own.

    Tk keeps a connection to every display it used until the process ends, and takes the
    process down when that server goes away; so each screen gets a fresh process.
    """
    need_clipboard_tools()
    started = []

    def run(check, dpi: int):
        proc, name = start_xvfb("1280x800x24", dpi=dpi)
        started.append(proc)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            return pool.submit(check, name, dpi).result(timeout=120)

    yield run
    for proc in started:
        proc.terminate()
        proc.wait(timeout=5)


def _root_on(name: str, dpi: int) -> tk.Tk:
    """The screen made current, with its density set as desktops do (Xft.dpi) and Tk scaled."""
    os.environ["DISPLAY"] = name
    subprocess.run(["xrdb", "-merge"], input=f"Xft.dpi: {dpi}\n", text=True, check=False)
    root = tk.Tk()
    root.tk.call("tk", "scaling", dpi / 72.0)  # as the window does on such a screen
    root.withdraw()
    return root


def _hex(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


@pytest.mark.parametrize("dpi", [96, 144, 192], ids=["100%", "150%", "200%"])
def test_bright_rectangle_is_exactly_the_region_read(screen_at, dpi):
    screen_at(check_bright_rectangle, dpi)


def check_bright_rectangle(name: str, dpi: int) -> None:
    root = _root_on(name, dpi)
    window = show_text_window(root, left=150, top=140)
    regions = []
    capture = RegionCapture(
        root, on_region=regions.append, on_cancel=lambda: None, on_unavailable=pytest.fail
    )
    capture.start()
    pump(root, lambda: overlay_shown(capture), 30, "the overlay")
    frozen = np.asarray(capture.overlay.screenshot.shots[0].image)
    x0, y0, x1, y1 = window.left + 37, window.top_y + 11, window.left + 437, window.top_y + 161
    xdotool("mousemove", str(x0), str(y0))
    xdotool("mousedown", "1")
    xdotool("mousemove", str(x1 - 50), str(y1 - 20))
    xdotool("mousemove", str(x1), str(y1))
    pump(root, lambda: _selection_at(capture, (x0, y0, x1, y1)), 10, "the selection")
    shown = np.asarray(grab_screen().shots[0].image)
    screen = capture.overlay.screens[0]
    lx0, ly0, lx1, ly1 = screen.canvas.bbox(screen.size_box)  # "400 × 150", drawn below
    xdotool("mouseup", "1")
    pump(root, lambda: regions, 10, "the region")

    # Undimmed, exactly inside the rectangle: the text window is white, so dimmed differs.
    bright = np.all(shown == frozen, axis=2) & np.any(frozen != np.asarray(dim_of(frozen)), axis=2)
    bright[ly0:ly1, lx0:lx1] = False  # the size label's white letters on the white window
    assert ly0 > y1
    ys, xs = np.nonzero(bright)
    assert (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1) == (x0, y0, x1, y1)
    assert np.array_equal(shown[y0:y1, x0:x1], frozen[y0:y1, x0:x1])
    # The outline lies on the pixels just outside, in the accent colour.
    accent = np.array(_hex(ACCENT))
    assert np.all(shown[y0 - 1, x0:x1] == accent) and np.all(shown[y1, x0:x1] == accent)
    assert np.all(shown[y0:y1, x0 - 1] == accent) and np.all(shown[y0:y1, x1] == accent)
    # Outside, the frozen screen dimmed pixel for pixel (crisp: nothing resampled).
    below = slice(y1 + 30, window.top_y + window.height)
    left_of = slice(window.left, x0 - 2)
    assert np.array_equal(shown[below, left_of], np.asarray(dim_of(frozen))[below, left_of])
    # And the region read is those pixels, at that size.
    region = regions[0]
    assert region.image.size == (x1 - x0, y1 - y0)
    assert np.array_equal(np.asarray(region.image), frozen[y0:y1, x0:x1])
    root.destroy()


def dim_of(pixels: np.ndarray):
    from PIL import Image

    return dim(Image.fromarray(pixels))


def _selection_at(capture: RegionCapture, corners: tuple[int, int, int, int]) -> bool:
    screen = capture.overlay.screens[0]
    coords = [round(c) for c in screen.canvas.coords(screen.selection_item)]
    return coords == list(corners[:2]) and screen.selection.width() == corners[2] - corners[0]


def test_a_black_screen_is_refused_with_the_reason(screen_at):
    assert "came back entirely black" in screen_at(check_black_screen, 96)


def check_black_screen(name: str, dpi: int) -> str:
    root = _root_on(name, dpi)  # nothing drawn on this screen: every pixel is black
    outcomes = []
    capture = RegionCapture(
        root,
        on_region=lambda r: outcomes.append(("region", r)),
        on_cancel=lambda: outcomes.append(("cancel", None)),
        on_unavailable=lambda e: outcomes.append(("unavailable", e)),
    )
    capture.start()
    pump(root, lambda: outcomes, 30, "the grab")
    kind, problem = outcomes[0]
    assert kind == "unavailable" and capture.overlay is None, outcomes
    root.destroy()
    return problem.message()
