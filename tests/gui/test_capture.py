"""Screen capture in a real X server: drag over known text, get exactly that text copied."""

from __future__ import annotations

import gc
import tkinter as tk

import numpy as np
import pytest

from desktop_ocr.engine import load_config
from desktop_ocr.gui.capture_overlay import OVERLAY_TITLE
from desktop_ocr.gui.capture_run import CaptureRun
from desktop_ocr.i18n import set_language
from desktop_ocr.services.capture import Monitor, Rect, grab_screen
from desktop_ocr.services.capture.options import CaptureOptions
from desktop_ocr.services.worker import EngineReady, OcrWorker
from tests.conftest import CONFIGS
from tests.gui.capture_driving import (
    EXPECTED_TEXT,
    clipboard,
    drag,
    need_clipboard_tools,
    overlay_shown,
    set_clipboard,
    show_text_window,
)
from tests.gui.driving import pump, xdotool

pytestmark = pytest.mark.gui

SENTINEL = "clipboard before the capture"


@pytest.fixture(scope="module")
def worker():
    """One worker with the default config, warm, shared by the captures of this module."""
    worker = OcrWorker(load_config(CONFIGS / "config.yaml"))
    worker.start()
    event = worker.events.get(timeout=120)
    while not isinstance(event, EngineReady):
        event = worker.events.get(timeout=120)
    yield worker
    worker.stop(timeout=10)


@pytest.fixture
def root(display):
    need_clipboard_tools()
    set_language(None)  # English (the test's setting), whatever an earlier test chose
    root = tk.Tk()
    root.withdraw()
    set_clipboard(SENTINEL)
    yield root
    root.destroy()
    # Free the Tk interpreter here: collected later on another thread (a grab's), its
    # Tcl handlers would be deleted from the wrong thread, which aborts the process.
    gc.collect()


def start_capture(root, worker, **kwargs) -> CaptureRun:
    options = kwargs.pop("options", CaptureOptions())
    run = CaptureRun(root, worker, options, **kwargs)
    run.start()
    pump(root, lambda: overlay_shown(run.capture) or run.finished, 30, "the overlay")
    root.update()
    return run


def test_drag_over_text_copies_exactly_that_text(root, worker):
    window = show_text_window(root)
    run = start_capture(root, worker)
    drag(window.left + 10, window.top_y + 8, window.left + 610, window.top_y + 238)
    pump(root, lambda: run.notice is not None, 120, "the notice")
    assert run.outcome is not None and run.outcome.problem is None
    assert clipboard() == EXPECTED_TEXT
    # The notice says what was copied, in the corner, without taking the screen.
    assert run.notice.showing
    assert run.notice.text.startswith('Copied 6 lines in ')
    assert '"Invoice number 20481' in run.notice.text
    assert run.region.image.size == (600, 230)
    assert run.region.rect == Rect(window.left + 10, window.top_y + 8, 600, 230)
    run.notice.close()
    assert run.finished


def test_escape_cancels_and_copies_nothing(root, worker):
    show_text_window(root)
    run = start_capture(root, worker)
    xdotool("mousemove", "300", "300")
    xdotool("key", "Escape")
    pump(root, lambda: run.finished, 10, "the overlay to close")
    assert run.cancelled and run.outcome is None and run.notice is None
    assert clipboard() == SENTINEL
    overlays = [w for w in root.winfo_children() if isinstance(w, tk.Toplevel)
                and w.title() == OVERLAY_TITLE]  # fmt: skip
    assert run.capture.overlay is None and overlays == []


def test_click_without_drag_takes_the_whole_screen(root, worker):
    window = show_text_window(root)
    run = start_capture(root, worker)
    xdotool("mousemove", str(window.left + 300), str(window.top_y + 120))
    xdotool("click", "1")
    pump(root, lambda: run.notice is not None, 120, "the notice")
    screen = (root.winfo_screenwidth(), root.winfo_screenheight())
    assert run.region.whole_screen and run.region.image.size == screen
    assert clipboard() == EXPECTED_TEXT
    run.notice.close()


def test_monitors_side_by_side_each_get_an_overlay_at_their_offset(root, worker):
    """Two monitors, the text on the right one: the region is cut with the right offset."""
    width, height = root.winfo_screenwidth(), root.winfo_screenheight()
    half = width // 2
    monitors = (
        Monitor(0, Rect(0, 0, half, height), name="left"),
        Monitor(1, Rect(half, 0, width - half, height), name="right"),
    )
    window = show_text_window(root, left=half + 60, top=300)
    run = start_capture(root, worker, monitors=monitors)
    overlays = [(s.top.winfo_rootx(), s.top.winfo_width()) for s in run.capture.overlay.screens]
    assert overlays == [(0, half), (half, width - half)]
    drag(window.left + 10, window.top_y + 8, window.left + 610, window.top_y + 238)
    pump(root, lambda: run.notice is not None, 120, "the notice")
    region = run.region
    assert region.monitor.name == "right"
    assert region.rect == Rect(window.left + 10, window.top_y + 8, 600, 230)
    # The pixels read are the screen's pixels there: grab them again, now the overlay is gone.
    again = grab_screen(monitors=(Monitor(0, region.rect),)).shots[0].image
    assert np.array_equal(np.asarray(region.image), np.asarray(again))
    assert clipboard() == EXPECTED_TEXT
    run.notice.close()


def test_wayland_without_a_portal_says_why_and_copies_nothing(root, worker, monkeypatch, tmp_path):
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))  # no bus socket there
    run = CaptureRun(root, worker, CaptureOptions())
    run.start()
    pump(root, lambda: run.notice is not None, 30, "the notice")
    assert run.capture.overlay is None and run.outcome is None
    assert "Wayland session" in run.notice.text and "xdg-desktop-portal" in run.notice.text
    assert "no D-Bus session bus" in run.notice.text
    assert run.notice.kind == "error" and run.notice.showing
    assert clipboard() == SENTINEL
    run.notice.close()
    assert run.finished
