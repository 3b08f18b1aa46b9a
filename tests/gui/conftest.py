"""A real X display for the window tests: the one in DISPLAY, or an Xvfb started here."""

from __future__ import annotations

import gc
import os
import subprocess
from collections.abc import Iterator

import pytest

from tools.virtual_display import start_xvfb


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    """Starts Xvfb (1600x1000, 24-bit) on a free display number unless DISPLAY is set."""
    existing = os.environ.get("DISPLAY")
    if existing:
        yield existing
        return
    try:
        proc, name = start_xvfb()
    except FileNotFoundError as exc:
        pytest.skip(f"no DISPLAY and {exc}")
    except RuntimeError as exc:
        pytest.fail(str(exc))
    os.environ["DISPLAY"] = name
    try:
        yield name
    finally:
        os.environ.pop("DISPLAY", None)
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(autouse=True)
def english_unless_asked(monkeypatch):
    """The window in English whatever this machine's locale; a test may ask for Chinese."""
    monkeypatch.setenv("DESKTOP_OCR_LANGUAGE", "en")


@pytest.fixture(autouse=True)
def tk_file_dialogs(monkeypatch):
    """Tk's own file dialogs, which tests answer through Tk; a test may ask for a picker."""
    from desktop_ocr.services.file_pickers import FILE_DIALOG_ENV

    monkeypatch.setenv(FILE_DIALOG_ENV, "tk")


@pytest.fixture
def config_dir(tmp_path, monkeypatch) -> Iterator[os.PathLike]:
    """A settings folder of the test's own, through the variable the settings store reads."""
    from desktop_ocr.services.settings_store import CONFIG_DIR_ENV

    folder = tmp_path / "config"
    monkeypatch.setenv(CONFIG_DIR_ENV, str(folder))
    yield folder


@pytest.fixture
def open_app(display, config_dir):
    """Opens main windows (as `desktop-ocr` does) and closes them after the test."""
    from desktop_ocr.gui.app import open_window

    # Closed windows of earlier tests hold Tcl interpreters: free them here, on the thread
    # that made them. Freed by a garbage collection on another thread (the benchmark
    # collects on its own), Tcl aborts the process.
    gc.collect()
    windows = []

    def factory(paths=(), **kwargs):
        window = open_window(paths, **kwargs)
        window.root.update()
        windows.append(window)
        return window

    yield factory
    for window in windows:
        window.close()
    windows.clear()
    gc.collect()
