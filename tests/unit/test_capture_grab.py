"""Cutting regions out of monitors with offsets and scales, and grabs that must be refused."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from desktop_ocr.services.capture import (
    CaptureError,
    Monitor,
    MonitorShot,
    Rect,
    Screenshot,
    cut_region,
    display_server,
    grab_screen,
)
from desktop_ocr.services.capture.grab import refuse_black
from desktop_ocr.services.clipboard_text import ClipboardError, copy_text


def pattern(width: int, height: int) -> np.ndarray:
    """Every pixel says where it is: red and green the low bytes of x and y, blue the rest."""
    ys, xs = np.mgrid[0:height, 0:width]
    return np.dstack([xs % 256, ys % 256, (xs // 256) * 16 + ys // 256]).astype(np.uint8)


def test_retina_monitor_left_of_the_primary_is_cut_at_full_resolution():
    """A 1440x900-point monitor at x=-1440, grabbed at 2880x1800 pixels (scale 2)."""
    pixels = pattern(2880, 1800)
    monitor = Monitor(1, Rect(-1440, 0, 1440, 900), scale=2.0)
    shot = MonitorShot(monitor, Image.fromarray(pixels))
    region = cut_region(shot, Rect(-1000, 100, 300, 200), released_at=0.0)
    assert region.image.size == (600, 400)
    assert np.array_equal(np.asarray(region.image), pixels[200:600, 880:1480])
    assert region.rect == Rect(-1000, 100, 300, 200) and region.monitor is monitor


def test_a_region_past_the_monitor_edge_is_clipped_to_it():
    pixels = pattern(800, 600)
    monitor = Monitor(0, Rect(1920, 120, 800, 600))
    shot = MonitorShot(monitor, Image.fromarray(pixels))
    region = cut_region(shot, Rect(2600, 100, 400, 300), released_at=0.0)
    assert region.rect == Rect(2600, 120, 120, 280)
    assert np.array_equal(np.asarray(region.image), pixels[0:280, 680:800])
    assert cut_region(shot, Rect(0, 0, 100, 100), released_at=0.0) is None


def test_screenshot_finds_the_monitor_under_a_point():
    left = MonitorShot(Monitor(0, Rect(-1280, 0, 1280, 1024)), Image.new("RGB", (1280, 1024)))
    right = MonitorShot(Monitor(1, Rect(0, 0, 1920, 1080)), Image.new("RGB", (1920, 1080)))
    shot = Screenshot((left, right), "test")
    assert shot.shot_at(-1, 500) is left and shot.shot_at(0, 500) is right
    assert shot.shot_at(100, 1080) is None


def test_an_all_black_grab_is_refused_and_one_lit_pixel_is_not():
    black = Image.new("RGB", (640, 480))
    monitor = Monitor(0, Rect(0, 0, 640, 480))
    with pytest.raises(CaptureError, match="came back entirely black") as caught:
        refuse_black(Screenshot((MonitorShot(monitor, black),), "mss"), "macos")
    assert "Screen Recording" in caught.value.fix
    black.putpixel((639, 479), (0, 0, 1))
    refuse_black(Screenshot((MonitorShot(monitor, black),), "mss"), "macos")


def test_no_display_is_named_before_anything_is_tried(monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE"):
        monkeypatch.delenv(name, raising=False)
    assert display_server() == "none"
    with pytest.raises(CaptureError) as caught:
        grab_screen()
    assert caught.value.reason.startswith("There is no screen to capture")
    assert "desktop-ocr ocr" in caught.value.fix


def test_an_unreachable_x_display_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    monkeypatch.setenv("DISPLAY", ":4711")
    with pytest.raises(CaptureError, match=r"The screen could not be grabbed \(Cannot connect"):
        grab_screen()


def test_copying_without_a_clipboard_tool_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no xclip, xsel or wl-copy here
    with pytest.raises(ClipboardError, match="needs xclip or xsel"):
        copy_text("text")
