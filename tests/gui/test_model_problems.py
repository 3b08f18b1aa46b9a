"""A missing or damaged model: the window still opens and says which file and what to do."""

from __future__ import annotations

import shutil

import pytest

from desktop_ocr import resources
from desktop_ocr.engine.packs import DEFAULT_PACK, get_pack, locate_pack
from tests.gui.driving import pump

pytestmark = pytest.mark.gui


def _model_dialog(window):
    return [d for d in window.dialogs if d.winfo_exists() and d.title() == "OCR engine"]


def test_missing_model_is_reported_and_the_window_keeps_working(
    open_app, tmp_path, monkeypatch, samples_dir
):
    empty = tmp_path / "models"
    empty.mkdir()
    monkeypatch.setenv(resources.MODEL_DIR_ENV, str(empty))
    window = open_app([samples_dir / "rapidocr" / "en.jpg"])
    pump(window.root, lambda: window.engine_error is not None, what="the engine to fail")
    [dialog] = _model_dialog(window)
    assert "PP-OCRv6_det_small.onnx" in dialog.body_text
    assert "not found" in dialog.body_text
    assert "desktop-ocr models add ppocrv6-small" in dialog.body_text
    # The queued image is not lost silently: it fails with the reason, and the app runs on.
    pump(
        window.root,
        lambda: all(e.state == "failed" for e in window.jobs.values()),
        what="the queued image to fail",
    )
    [entry] = window.jobs.values()
    assert "engine is not available" in entry.reason
    about = window.open_about()
    window.root.update()
    assert about.winfo_ismapped()


def test_damaged_model_names_its_path(open_app, tmp_path, monkeypatch):
    folder = tmp_path / "models"
    folder.mkdir()
    for model in locate_pack(get_pack(DEFAULT_PACK)).paths.values():
        shutil.copy(model, folder / model.name)
    rec = folder / get_pack(DEFAULT_PACK).files["rec"].name
    rec.write_bytes(rec.read_bytes()[:5000])  # cut short, as a broken download would be
    monkeypatch.setenv(resources.MODEL_DIR_ENV, str(folder))
    window = open_app()
    pump(window.root, lambda: window.engine_error is not None, what="the engine to fail")
    [dialog] = _model_dialog(window)
    assert str(rec) in dialog.body_text and "cannot be loaded" in dialog.body_text
    assert "OCR engine not available" in window.status.providers.cget("text")
