"""The app as a user runs it: `python -m desktop_ocr`, driven from outside with xdotool."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from desktop_ocr.gui.image_view import BOX_COLOUR
from tests.gui.driving import need_xdotool, xdotool

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[2]
READ_CLIPBOARD = (
    "import tkinter as tk\n"
    "r = tk.Tk(); r.withdraw()\n"
    "try:\n    print(r.clipboard_get(), end='')\n"
    "except tk.TclError:\n    pass\n"
)


def clipboard_text(env: dict[str, str]) -> str:
    """The clipboard as another program sees it (a fresh process asks the X server)."""
    done = subprocess.run(
        [sys.executable, "-c", READ_CLIPBOARD],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return done.stdout


def geometry(window_id: str) -> dict[str, int]:
    out = xdotool("getwindowgeometry", "--shell", window_id)
    return {k: int(v) for k, v in (line.split("=") for line in out.splitlines()) if k != "SCREEN"}


def test_click_type_read_copy_screenshot_quit(display, samples_dir, tmp_path):
    need_xdotool()
    env = dict(os.environ, DISPLAY=display, DESKTOP_OCR_CONFIG_DIR=str(tmp_path / "config"))
    app = subprocess.Popen(
        [sys.executable, "-m", "desktop_ocr"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        window = xdotool("search", "--sync", "--onlyvisible", "--name", "^Desktop OCR$", timeout=60)
        window = window.splitlines()[0]
        box = geometry(window)
        # Click the empty image view: it opens the file dialog.
        x, y = box["X"] + box["WIDTH"] // 2, box["Y"] + box["HEIGHT"] // 4
        # (--sync waits for the pointer to move, so it must not already be there.)
        xdotool("mousemove", "1", "1", "sleep", "0.1")
        xdotool("mousemove", "--sync", str(x), str(y), "click", "1")
        dialog = xdotool("search", "--sync", "--onlyvisible", "--name", "^Open images$", timeout=30)
        dialog = dialog.splitlines()[0]
        xdotool("windowfocus", "--sync", dialog)
        image = samples_dir / "rapidocr" / "ch_en_num.jpg"
        xdotool("type", "--delay", "5", str(image))
        xdotool("key", "Return")

        # Copy all (Ctrl+Shift+C) until the text arrives on the clipboard.
        deadline = time.monotonic() + 240
        text = ""
        while "正品促销" not in text:
            assert app.poll() is None, app.stdout.read().decode(errors="replace")
            if time.monotonic() > deadline:
                pytest.fail(f"no OCR text on the clipboard; last: {text!r}")
            time.sleep(1)
            xdotool("windowfocus", "--sync", window)
            xdotool("key", "ctrl+shift+c")
            text = clipboard_text(env)
        assert text.splitlines()[0] == "正品促销"
        assert xdotool("getwindowname", window) == "ch_en_num.jpg — Desktop OCR"

        shot = tmp_path / "window.png"
        subprocess.run(["import", "-window", window, str(shot)], check=True, timeout=60)
        picture = Image.open(shot).convert("RGB")
        assert picture.size == (box["WIDTH"], box["HEIGHT"])
        green = tuple(int(BOX_COLOUR[i : i + 2], 16) for i in (1, 3, 5))
        drawn = int(np.all(np.asarray(picture) == green, axis=-1).sum())
        assert drawn > 500, "no detection boxes visible in the screenshot"

        xdotool("key", "ctrl+q")
        assert app.wait(timeout=60) == 0
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(timeout=10)
    saved = yaml.safe_load((tmp_path / "config" / "settings.yaml").read_text(encoding="utf-8"))
    assert saved["gui"]["last_open_dir"] == str(samples_dir / "rapidocr")
    assert saved["gui"]["geometry"].startswith(f"{box['WIDTH']}x")


def test_the_window_appears_at_its_final_size(display, tmp_path):
    """Mapped once, at its size with the menu bar: never shown short and grown after.

    A window that grows after it appears makes a screenshot taller than the geometry read
    when it appeared (the end-to-end test above failed so under load, when Tk was slow to
    add the menu bar's height).
    """
    need_xdotool()
    if shutil.which("xev") is None:
        pytest.skip("xev is not installed (apt-get install x11-utils)")
    env = dict(os.environ, DISPLAY=display, DESKTOP_OCR_CONFIG_DIR=str(tmp_path / "config"))
    watch = subprocess.Popen(
        ["xev", "-root", "-event", "substructure"], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        time.sleep(0.5)  # xev listens before the window exists
        app = subprocess.Popen([sys.executable, "-m", "desktop_ocr"], cwd=REPO, env=env)
        try:
            window = xdotool("search", "--sync", "--onlyvisible", "--name", "^Desktop OCR$")
            window = window.splitlines()[0]
            time.sleep(2)  # any late change of size would come now
            final = geometry(window)
            xdotool("windowfocus", "--sync", window)
            xdotool("key", "ctrl+q")
            assert app.wait(timeout=60) == 0
        finally:
            if app.poll() is None:
                app.kill()
                app.wait(timeout=10)
    finally:
        watch.terminate()
    events = watch.communicate(timeout=10)[0]
    ours = hex(int(window))
    configured = [
        (int(w), int(h))
        for win, w, h in re.findall(
            r"ConfigureNotify event,[^\n]*\n[^\n]*?window (0x[0-9a-f]+), \(-?\d+,-?\d+\), "
            r"width (\d+), height (\d+)",
            events,
        )
        if win == ours
    ]
    assert configured and set(configured) == {(final["WIDTH"], final["HEIGHT"])}, configured


def test_paths_on_the_command_line_are_read_at_once(display, samples_dir, tmp_path):
    need_xdotool()
    env = dict(os.environ, DISPLAY=display, DESKTOP_OCR_CONFIG_DIR=str(tmp_path / "config"))
    image = samples_dir / "rapidocr" / "short.png"
    app = subprocess.Popen(
        [sys.executable, "-m", "desktop_ocr", "gui", str(image)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # The title names the image as soon as it is queued, before any click.
        found = xdotool(
            "search",
            "--sync",
            "--onlyvisible",
            "--name",
            "^short[.]png .+ Desktop OCR$",
            timeout=60,
        )
        xdotool("windowfocus", "--sync", found.splitlines()[0])
        xdotool("key", "ctrl+q")
        assert app.wait(timeout=120) == 0
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(timeout=10)


def test_without_a_display_the_command_says_why(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["DESKTOP_OCR_CONFIG_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "desktop_ocr"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "cannot open the window" in done.stderr and "desktop-ocr ocr" in done.stderr
