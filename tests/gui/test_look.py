"""The look, photographed and read back: light and dark themes, and a 2x high-DPI screen."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from desktop_ocr.gui.theme import resolve_mode, system_mode
from tests.gui.driving import grab, menu_bar, pump_for
from tools.virtual_display import start_xvfb

pytestmark = pytest.mark.gui


def luminance(picture) -> float:
    return float(np.asarray(picture.convert("L"), dtype=np.float32).mean())


def read(engine, picture) -> str:
    return " ".join(line.text for line in engine(picture).lines).replace(" ", "")


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_light_and_dark_are_applied_and_readable(open_app, monkeypatch, default_engine, mode):
    monkeypatch.setenv("DESKTOP_OCR_THEME", mode)
    window = open_app()
    window.root.geometry("1280x800+0+0")
    pump_for(window.root, 0.3)
    toolbar = window.toolbar["open"].master
    bar = grab(toolbar)
    text_pane = grab(window.text_panel.text)
    if mode == "light":
        assert luminance(bar) > 200 and luminance(text_pane) > 200
    else:
        assert luminance(bar) < 60 and luminance(text_pane) < 60
    words = read(default_engine, bar)
    for label in ("Openimages", "Openfolder", "Settings", "About"):
        assert label in words, f"{mode}: {label!r} not readable in {words!r}"
    menus = read(default_engine, menu_bar(window.root))
    # The menu bar is a classic Tk widget: it must follow the theme too.
    assert "File" in menus and "Edit" in menus, menus


def test_the_system_setting_follows_the_desktop(monkeypatch):
    monkeypatch.delenv("DESKTOP_OCR_THEME", raising=False)
    assert resolve_mode(None) == system_mode()
    assert resolve_mode("system") == system_mode()
    assert resolve_mode("dark") == "dark"
    monkeypatch.setenv("DESKTOP_OCR_THEME", "light")
    assert resolve_mode("dark") == "light"


@pytest.fixture
def screens():
    """Two virtual screens: 96 dpi (1x) and 192 dpi (2x)."""
    started = []
    try:
        for dpi in (96, 192):
            proc, name = start_xvfb("2600x1700x24", dpi=dpi)
            started.append((proc, name))
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    yield {96: started[0][1], 192: started[1][1]}
    for proc, _name in started:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


MEASURE = """
import json, sys, time
from PIL import ImageGrab
from desktop_ocr.gui.app import open_window
window = open_window()
root = window.root
end = time.monotonic() + 0.5
while time.monotonic() < end:
    root.update()
    time.sleep(0.02)
button = window.toolbar["open"]
x, y = button.winfo_rootx(), button.winfo_rooty()
shot = ImageGrab.grab(bbox=(x, y, x + button.winfo_width(), y + button.winfo_height()),
                      xdisplay=sys.argv[2])
shot.save(sys.argv[1])
sizes = {
    "scaling": float(root.tk.call("tk", "scaling")),
    "button": button.winfo_height(),
    "text": window.fonts.text.metrics("linespace"),
    "column": int(window.queue.tree.column("#0", "width")),
    "width": root.winfo_width(),
}
window.close()
print(json.dumps(sizes))
"""


def test_a_2x_screen_gets_everything_twice_as_large(screens, default_engine, tmp_path):
    """The window opened on a 96 and a 192 dpi screen, each in a process of its own."""
    import json
    import os
    import sys

    from PIL import Image

    sizes = {}
    for dpi, name in screens.items():
        env = dict(os.environ, DISPLAY=name, DESKTOP_OCR_CONFIG_DIR=str(tmp_path / str(dpi)))
        env.pop("DESKTOP_OCR_SCALE", None)
        shot = tmp_path / f"button-{dpi}.png"
        done = subprocess.run(
            [sys.executable, "-c", MEASURE, str(shot), name],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert done.returncode == 0, done.stderr[-2000:]
        sizes[dpi] = json.loads(done.stdout.strip().splitlines()[-1])
        words = read(default_engine, Image.open(shot).convert("RGB"))
        assert "Openimages" in words, f"{dpi} dpi: {words!r}"
    assert sizes[96]["scaling"] == pytest.approx(96 / 72, rel=0.02)
    assert sizes[192]["scaling"] == pytest.approx(192 / 72, rel=0.02)
    for key in ("button", "text", "column", "width"):
        ratio = sizes[192][key] / sizes[96][key]
        assert 1.7 < ratio < 2.3, f"{key}: {sizes[96][key]} at 1x, {sizes[192][key]} at 2x"
