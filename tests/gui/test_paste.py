"""Paste from the clipboard: image data from another program, and copied file paths."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from desktop_ocr.resources import asset_path
from tests.gui.driving import pump

pytestmark = pytest.mark.gui


def test_paste_copied_file_paths(open_app, samples_dir):
    window = open_app()
    image = samples_dir / "rapidocr" / "text_rec.jpg"
    window.root.clipboard_clear()
    window.root.clipboard_append(f"file://{image}\n")
    window.toolbar["paste"].invoke()
    pump(window.root, lambda: window.jobs, what="the clipboard to be read")
    assert [name for name, _, _ in window.queue.rows()] == ["text_rec.jpg"]
    pump(window.root, lambda: window.jobs and all(e.state == "done" for e in window.jobs.values()))
    assert "韩国小馆" in window.text_panel.content


def test_paste_plain_text_says_there_is_no_image(open_app):
    window = open_app()
    window.root.clipboard_clear()
    window.root.clipboard_append("just some words")
    window.paste_from_clipboard()
    message = window.status.message
    pump(window.root, lambda: "Reading" not in message.cget("text"), what="the clipboard")
    assert not window.jobs
    assert "no image" in message.cget("text")


def test_paste_image_data_from_another_program(open_app, display):
    if shutil.which("xclip") is None:
        pytest.skip("xclip is not installed (apt-get install xclip)")
    window = open_app()
    sample = asset_path("sample.png")
    # xclip -quiet stays in the foreground and serves the image until it is stopped.
    owner = subprocess.Popen(
        ["xclip", "-quiet", "-selection", "clipboard", "-target", "image/png", "-in", str(sample)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while "image/png" not in _targets(window.root) and time.monotonic() < deadline:
            time.sleep(0.05)
        window.toolbar["paste"].invoke()
        pump(window.root, lambda: window.jobs, what="the clipboard to be read")
        [entry] = window.jobs.values()
        assert entry.name == "Pasted image 1" and isinstance(entry.source, bytes)
        assert entry.source == sample.read_bytes()
        pump(window.root, lambda: entry.state == "done", what="the pasted image to be read")
        assert window.text_panel.content.splitlines()[0] == "桌面文字识别"
    finally:
        owner.terminate()
        owner.wait(timeout=10)


def _targets(root) -> list[str]:
    """The clipboard's types as xclip sees them; the window keeps answering meanwhile,
    since a window of this process may be the clipboard's owner."""
    lister = subprocess.Popen(
        ["xclip", "-selection", "clipboard", "-target", "TARGETS", "-out"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    pump(root, lambda: lister.poll() is not None, timeout=30, what="xclip")
    return lister.stdout.read().split()
