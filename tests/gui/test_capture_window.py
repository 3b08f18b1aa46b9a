"""Capture → Region in the window: the shortcut, the toolbar, the queue, settings, failures."""

from __future__ import annotations

import io

import numpy as np
import pytest
import yaml
from PIL import Image

from desktop_ocr.gui import actions
from tests.gui.capture_driving import (
    EXPECTED_TEXT,
    TEXT_LINES,
    clipboard,
    drag,
    need_clipboard_tools,
    overlay_shown,
    set_clipboard,
    show_text_window,
)
from tests.gui.driving import pump, pump_for, toplevels, xdotool

pytestmark = pytest.mark.gui

SENTINEL = "clipboard before the capture"


@pytest.fixture
def ready(open_app):
    """The window with its engine loaded, a window of known text beside it, and a clipboard."""
    need_clipboard_tools()
    window = open_app()
    window.root.geometry("900x600+0+0")
    pump(window.root, lambda: window.providers is not None, 120, "the engine")
    text = show_text_window(window.root, left=700, top=420)
    set_clipboard(SENTINEL)
    return window, text


def wait_overlay(window) -> None:
    pump(window.root, lambda: window.capture is not None and overlay_shown(window.capture), 30)
    window.root.update()


def drag_over_text(text) -> None:
    drag(text.left + 10, text.top_y + 8, text.left + 610, text.top_y + 238)


def captures(window):
    return [e for e in window.jobs.values() if e.name.startswith("capture ")]


def test_ctrl_shift_r_hides_the_window_and_queues_the_region_with_its_boxes(ready, tmp_path):
    window, text = ready
    root = window.root
    xdotool("mousemove", "450", "300")  # over the window, which has the keyboard
    root.focus_force()
    pump_for(root, 0.2)
    xdotool("key", "ctrl+shift+r")
    wait_overlay(window)
    assert root.state() == "withdrawn"  # out of the picture while the screen is grabbed
    drag_over_text(text)
    pump(root, lambda: window.capture_outcome is not None, 120, "the capture's text")
    assert clipboard() == EXPECTED_TEXT
    assert root.state() == "normal"
    notice = window.capture_notice
    assert notice.showing and notice.text.startswith("Copied 6 lines in ")
    # The queue holds the captured image, read like any file: its lines with their boxes.
    (entry,) = captures(window)
    assert entry.state == "done" and entry.result.text == EXPECTED_TEXT
    image = Image.open(io.BytesIO(entry.source)).convert("RGB")
    assert image.size == (600, 230)
    grabbed = window.capture.overlay  # gone once the region was chosen
    assert grabbed is None
    for line, (expected, _font) in zip(entry.result.lines, TEXT_LINES, strict=True):
        xs = [p[0] for p in line.box]
        ys = [p[1] for p in line.box]
        assert line.text == expected
        assert 0 <= min(xs) < max(xs) <= 600 and 0 <= min(ys) < max(ys) <= 230
    # The boxes are where the text is in the pixels: dark ink inside each box.
    pixels = np.asarray(image.convert("L"))
    for line in entry.result.lines:
        (x0, y0), (x1, y1) = line.box[0], line.box[2]
        assert (pixels[int(y0) : int(y1), int(x0) : int(x1)] < 110).sum() > 20
    assert window.current_entry() is entry  # shown as the new result
    # Export works as for files: the lines in reading order, paragraphs apart.
    out = window.exports.export_to("current", tmp_path / "capture.txt")
    written = out.read_text(encoding="utf-8")
    assert written.strip() == entry.result.page_text.strip()
    assert [row for row in written.splitlines() if row.strip()] == EXPECTED_TEXT.splitlines()
    notice.close()


def test_menu_and_toolbar_offer_capture_region_and_escape_copies_nothing(ready):
    window, _text = ready
    root = window.root
    action = actions.find("capture_region")
    assert action.shortcut == "Ctrl+Shift+R" and action.menu == "capture"
    bar = window.menus["bar"]
    labels = [
        bar.entrycget(i, "label")
        for i in range(bar.index("end") + 1)
        if bar.type(i) == "cascade"
    ]
    assert labels[:3] == ["File", "Edit", "Capture"]
    menu = window.menus["capture"]
    assert (menu.entrycget(0, "label"), menu.entrycget(0, "accelerator")) == (
        "Region",
        "Ctrl+Shift+R",
    )
    button = window.toolbar["capture_region"]
    assert button.cget("text") == "Capture"
    root.update()
    x = button.winfo_rootx() + button.winfo_width() // 2
    y = button.winfo_rooty() + button.winfo_height() // 2
    xdotool("mousemove", str(x), str(y), "click", "1")
    wait_overlay(window)
    xdotool("mousemove", "400", "300")
    xdotool("key", "Escape")
    pump(root, lambda: not window.capturing, 10, "the overlay to close")
    assert root.state() == "normal" and captures(window) == []
    assert clipboard() == SENTINEL
    assert window.status.text_of("message") == "Capture cancelled; nothing was copied."


def test_a_grab_that_fails_shows_why_and_queues_nothing(ready, monkeypatch, tmp_path):
    window, _text = ready
    root = window.root
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    window.capture_region()
    pump(root, lambda: window.dialogs and window.dialogs[-1].winfo_ismapped(), 30, "a message")
    dialog = window.dialogs[-1]
    body = dialog.text.get("1.0", "end")  # what the dialog shows under its heading
    assert dialog.heading_label.cget("text") == "The screen could not be captured"
    assert "Wayland session" in body and "no D-Bus session bus" in body
    assert "xdg-desktop-portal-gnome" in body  # and what to do about it
    assert root.state() == "normal" and captures(window) == []
    assert clipboard() == SENTINEL
    dialog.destroy()


def test_settings_choose_one_paragraph_and_a_window_kept_minimised(ready, config_dir):
    window, text = ready
    root = window.root
    dialog = window.open_settings()
    box = dialog.capture
    box.copy_radios["paragraph"].invoke()
    box.show_check.invoke()
    box.delay.set("0.5")
    assert dialog.apply()
    saved = yaml.safe_load((config_dir / "settings.yaml").read_text(encoding="utf-8"))
    assert saved["capture"] == {
        "copy_as": "paragraph",
        "show_window": False,
        "delay_s": 0.5,
        "hotkey_enabled": False,
        "hotkey": "<ctrl>+<alt>+o",
    }
    window.capture_region()
    wait_overlay(window)
    drag_over_text(text)
    pump(root, lambda: window.capture_outcome is not None, 120, "the capture's text")
    assert clipboard() == " ".join(t for t, _font in TEXT_LINES)
    assert root.state() == "withdrawn"  # kept out of the way
    notice = window.capture_notice
    assert notice.text.endswith("\nClick here to show the window.")
    notice.label.event_generate("<Button-1>", x=5, y=5)
    pump(root, lambda: root.state() == "normal", 10, "the window to come back")
    assert not notice.showing
    (entry,) = captures(window)
    assert window.current_entry() is entry


def test_a_bad_delay_is_refused_in_the_dialog_with_the_reason(ready):
    window, _text = ready
    dialog = window.open_settings()
    dialog.capture.delay.set("9")
    assert not dialog.apply()
    assert dialog.error_label.cget("text") == (
        "Delay before the capture: must be from 0 to 5 seconds; got 9.0"
    )
    dialog.destroy()


def test_the_global_shortcut_starts_a_capture_from_anywhere(ready):
    window, text = ready
    root = window.root
    dialog = window.open_settings()
    dialog.capture.hotkey_check.invoke()
    dialog.capture.hotkey.set("<ctrl>+<alt>+o")
    assert dialog.apply()
    assert window.hotkey is not None and window.hotkey_problem is None
    xdotool("key", "ctrl+alt+o")
    wait_overlay(window)
    drag_over_text(text)
    pump(root, lambda: window.capture_outcome is not None, 120, "the capture's text")
    assert clipboard() == EXPECTED_TEXT
    listener = window.hotkey.listener
    window.close()  # stops the shortcut with the window
    xdotool("key", "shift")  # pynput's X11 thread ends at the next key event it sees
    listener.join(10)
    assert not listener.is_alive()


def test_closing_the_window_mid_capture_takes_the_overlay_away(ready):
    window, _text = ready
    window.capture_region()
    wait_overlay(window)
    overlay = window.capture.overlay
    assert [t.title() for t in toplevels(window.root)].count("desktop-ocr capture") == 1
    window.close()
    assert window.capture.overlay is None and not window.capturing
    assert overlay.screens == []  # its windows destroyed and its images freed
