"""`desktop-ocr capture` as a desktop shortcut runs it: a process of its own, driven by xdotool."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
import tkinter as tk

import pytest

from tests.gui.capture_driving import (
    EXPECTED_TEXT,
    TEXT_LINES,
    clipboard,
    drag,
    need_clipboard_tools,
    set_clipboard,
    show_text_window,
)
from tests.gui.driving import pump_for

pytestmark = pytest.mark.gui

SENTINEL = "clipboard before the command"


@pytest.fixture
def root(display):
    need_clipboard_tools()
    root = tk.Tk()
    root.withdraw()
    set_clipboard(SENTINEL)
    yield root
    root.destroy()
    # Free the Tk interpreter here: collected later on another thread (a grab's), its
    # Tcl handlers would be deleted from the wrong thread, which aborts the process.
    gc.collect()


def start(config_dir, *args: str) -> subprocess.Popen:
    env = dict(os.environ, DESKTOP_OCR_CONFIG_DIR=str(config_dir))
    return subprocess.Popen(
        [sys.executable, "-m", "desktop_ocr", "capture", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def wait_for_overlay(root, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Until the command's overlay is on the screen (found by its title, as a user sees it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", "desktop-ocr capture"],
            capture_output=True,
            text=True,
            check=False,
        )
        if found.stdout.strip():
            pump_for(root, 0.2)
            return
        assert proc.poll() is None, proc.communicate()
        pump_for(root, 0.1)
    pytest.fail("the overlay did not show")


def finish(root, proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("desktop-ocr capture did not end")
        pump_for(root, 0.1)
    out, err = proc.communicate()
    return proc.returncode, out.decode(), err.decode()


def test_capture_command_copies_and_prints_the_text(root, tmp_path):
    window = show_text_window(root)
    proc = start(tmp_path, "--no-notice")
    wait_for_overlay(root, proc)
    drag(window.left + 10, window.top_y + 8, window.left + 610, window.top_y + 238)
    code, out, err = finish(root, proc)
    assert code == 0, err
    assert out == EXPECTED_TEXT + "\n"
    assert clipboard() == EXPECTED_TEXT
    assert err.startswith("Copied 6 lines in ")


def test_capture_command_follows_the_saved_options(root, tmp_path):
    """One paragraph, as chosen in the settings; the command line wins over them."""
    (tmp_path / "settings.yaml").write_text("capture:\n  copy_as: paragraph\n", encoding="utf-8")
    window = show_text_window(root)
    proc = start(tmp_path, "--no-notice")
    wait_for_overlay(root, proc)
    drag(window.left + 10, window.top_y + 8, window.left + 610, window.top_y + 238)
    code, _out, err = finish(root, proc)
    assert code == 0, err
    assert clipboard() == " ".join(text for text, _font in TEXT_LINES)


def test_capture_command_escape_copies_nothing(root, tmp_path):
    show_text_window(root)
    proc = start(tmp_path)
    wait_for_overlay(root, proc)
    subprocess.run(["xdotool", "mousemove", "400", "400"], check=True)
    subprocess.run(["xdotool", "key", "Escape"], check=True)
    code, out, err = finish(root, proc)
    assert (code, out) == (1, "")
    assert "capture cancelled; nothing was copied" in err
    assert clipboard() == SENTINEL


def test_capture_command_without_a_display_says_why(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(DESKTOP_OCR_CONFIG_DIR=str(tmp_path), XDG_SESSION_TYPE="tty")
    done = subprocess.run(
        [sys.executable, "-m", "desktop_ocr", "capture"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert "There is no screen to capture: neither DISPLAY nor WAYLAND_DISPLAY is set" in (
        done.stderr
    )
