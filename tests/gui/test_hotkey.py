"""The global shortcut under a real X server: keys typed anywhere start a capture."""

from __future__ import annotations

import threading

import pytest

from desktop_ocr.services.hotkey import HotkeyUnavailable, check_combo, start_hotkey
from tests.gui.driving import need_xdotool, xdotool

pytestmark = pytest.mark.gui


def test_the_shortcut_is_heard_and_other_keys_are_not(display):
    need_xdotool()
    pressed = threading.Event()
    hotkey = start_hotkey("<ctrl>+<alt>+o", pressed.set)
    try:
        xdotool("key", "ctrl+alt+p")
        xdotool("key", "o")
        assert not pressed.wait(1.0)
        xdotool("key", "ctrl+alt+o")
        assert pressed.wait(10)
    finally:
        hotkey.stop()
    pressed.clear()
    xdotool("key", "ctrl+alt+o")  # heard by nobody now; also wakes the stopped thread
    hotkey.listener.join(10)
    assert not hotkey.running and not pressed.is_set()


def test_wayland_reports_the_shortcut_unavailable_and_what_to_do(display, monkeypatch):
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    with pytest.raises(HotkeyUnavailable) as caught:
        start_hotkey("<ctrl>+<alt>+o", lambda: None)
    assert "Wayland does not let an app see keys" in str(caught.value)
    assert "desktop-ocr capture" in str(caught.value)


def test_a_combination_that_is_not_one_is_refused(display):
    assert check_combo("<ctrl>+<shift>+t") == "<ctrl>+<shift>+t"
    with pytest.raises(ValueError, match="is not a key combination"):
        check_combo("<ctrl>+<nokey>")
    with pytest.raises(HotkeyUnavailable, match="is not a key combination"):
        start_hotkey("ctrl+o+", lambda: None)
