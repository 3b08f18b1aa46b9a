"""Drag-and-drop through tkdnd's own Tcl handlers, and the window without tkdnd."""

from __future__ import annotations

import shutil
import sys

import pytest

from tests.gui.driving import messages_shown, pump, simulate_drop, wait_queued

pytestmark = pytest.mark.gui


def test_drop_files_and_folder_queues_images_and_skips_the_rest(open_app, samples_dir, tmp_path):
    window = open_app()
    assert window.dnd_error is None, f"tkdnd did not load: {window.dnd_error}"
    spaced = tmp_path / "my scans" / "shop sign.jpg"
    spaced.parent.mkdir()
    shutil.copy(samples_dir / "rapidocr" / "text_rec.jpg", spaced)
    plain = tmp_path / "short.png"
    shutil.copy(samples_dir / "rapidocr" / "short.png", plain)
    folder = tmp_path / "folder"
    (folder / "nested").mkdir(parents=True)
    shutil.copy(samples_dir / "rapidocr" / "test_without_det.jpg", folder / "a.jpg")
    shutil.copy(samples_dir / "rapidocr" / "issue_170.png", folder / "nested" / "b.png")
    (folder / "notes.txt").write_text("not an image", encoding="utf-8")
    stray = tmp_path / "readme.md"
    stray.write_text("# not an image", encoding="utf-8")

    shown = messages_shown(window)  # "Reading shop sign.jpg…" may follow "Queued" at once
    simulate_drop(window.image_view.canvas, [str(spaced), str(plain), str(folder), str(stray)])
    wait_queued(window)

    rows = {name: state for name, state, _ in window.queue.rows()}
    queued = {"shop sign.jpg", "short.png", "a.jpg", "b.png"}
    assert queued <= set(rows)
    assert all(not rows[name].startswith("skipped") for name in queued)
    assert rows["notes.txt"].startswith("skipped: not a supported image type (.txt)")
    assert rows["readme.md"].startswith("skipped: not a supported image type (.md)")
    assert any("Queued 4 images." in text and "Skipped 2 files" in text for text in shown), shown
    paths = {str(e.source) for e in window.jobs.values() if e.source is not None}
    assert str(spaced) in paths  # the space survived tkdnd's Tcl list

    pump(
        window.root,
        lambda: sum(e.state == "done" for e in window.jobs.values()) == 4,
        what="the dropped images to be read",
    )
    spaced_entry = next(e for e in window.jobs.values() if e.name == "shop sign.jpg")
    assert "韩国小馆" in spaced_entry.result.text
    assert window.status.count.cget("text") == "4 of 4 done"


def test_window_opens_without_tkdnd_and_says_so(open_app, monkeypatch):
    monkeypatch.setitem(sys.modules, "tkinterdnd2", None)  # as if it were not installed
    window = open_app()
    assert window.dnd_error is not None
    assert "Drag-and-drop is unavailable" in window.status.message.cget("text")
    hints = window.image_view.canvas.find_withtag("hint")
    shown = " ".join(window.image_view.canvas.itemcget(i, "text") for i in hints)
    assert "Drag-and-drop is unavailable" in shown
    assert window.image_view.mode == "empty"
