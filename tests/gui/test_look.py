"""The look, photographed and read back: light and dark themes, and a 2x high-DPI screen."""

from __future__ import annotations

import subprocess

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


def test_a_2x_screen_gets_everything_twice_as_large(open_app, monkeypatch, screens,
                                                    default_engine, tmp_path):
    sizes = {}
    for dpi, name in screens.items():
        monkeypatch.setenv("DISPLAY", name)
        monkeypatch.setenv("DESKTOP_OCR_CONFIG_DIR", str(tmp_path / f"config-{dpi}"))
        monkeypatch.delenv("DESKTOP_OCR_SCALE", raising=False)
        window = open_app()
        root = window.root
        pump_for(root, 0.3)
        button = window.toolbar["open"]
        sizes[dpi] = {
            "scaling": float(root.tk.call("tk", "scaling")),
            "button": button.winfo_height(),
            "text": window.fonts.text.metrics("linespace"),
            "row": int(window.queue.tree.column("#0", "width")),
            "width": root.winfo_width(),
        }
        words = read(default_engine, grab(button))
        assert "Openimages" in words, f"{dpi} dpi: {words!r}"
        window.close()
    assert sizes[96]["scaling"] == pytest.approx(96 / 72, rel=0.02)
    assert sizes[192]["scaling"] == pytest.approx(192 / 72, rel=0.02)
    for key in ("button", "text", "row", "width"):
        ratio = sizes[192][key] / sizes[96][key]
        assert 1.7 < ratio < 2.3, f"{key}: {sizes[96][key]} at 1x, {sizes[192][key]} at 2x"
