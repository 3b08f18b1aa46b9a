"""A missing or damaged model file is reported by name, with what to do about it."""

from __future__ import annotations

import pytest

from desktop_ocr.engine import ModelLoadError, OcrEngine, load_config
from desktop_ocr.engine.packs import locate_pack
from tests.integration.test_cli import cli


def test_missing_model_names_the_file(tmp_path):
    cfg = load_config(overrides={"models": {"rec": str(tmp_path / "gone_rec.onnx")}})
    with pytest.raises(ModelLoadError) as caught:
        OcrEngine(cfg)
    message = str(caught.value)
    assert "gone_rec.onnx" in message and "not found" in message
    assert "models.rec" in caught.value.fix and "PP-OCRv6 small" in caught.value.fix


def test_missing_pack_file_says_how_to_get_the_pack_back(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTOP_OCR_MODEL_DIR", str(tmp_path))
    with pytest.raises(ModelLoadError) as caught:
        OcrEngine(load_config())
    assert "PP-OCRv6 small model pack is not installed" in str(caught.value)
    assert "desktop-ocr models add ppocrv6-small" in caught.value.fix


def test_damaged_pack_file_says_how_to_get_the_pack_back(tmp_path, monkeypatch):
    pack = load_config().pack
    folder = tmp_path / pack.name
    folder.mkdir()
    for role, path in locate_pack(pack).paths.items():
        data = path.read_bytes()
        (folder / path.name).write_bytes(data[:4000] if role == "rec" else data)
    monkeypatch.setenv("DESKTOP_OCR_MODEL_DIR", str(tmp_path))
    with pytest.raises(ModelLoadError) as caught:
        OcrEngine(load_config())
    assert "cannot be loaded" in str(caught.value)
    assert str(folder / pack.files["rec"].name) in str(caught.value)
    assert "desktop-ocr models add ppocrv6-small" in caught.value.fix


def test_damaged_model_names_the_file(tmp_path):
    bad = tmp_path / "det_broken.onnx"
    bad.write_bytes(b"\x08\x07garbage, not a protobuf" * 50)
    cfg = load_config(overrides={"models": {"det": str(bad)}})
    with pytest.raises(ModelLoadError) as caught:
        OcrEngine(cfg)
    assert str(bad) in str(caught.value) and "cannot be loaded" in str(caught.value)


def test_model_named_relative_to_its_config(tmp_path):
    folder = tmp_path / "cfg"
    (folder / "m").mkdir(parents=True)
    det = locate_pack(load_config().pack).paths["det"]
    (folder / "m" / "my_det.onnx").write_bytes(det.read_bytes())
    (folder / "ocr.yaml").write_text("models:\n  det: m/my_det.onnx\n")
    engine = OcrEngine(load_config(folder / "ocr.yaml"))
    assert engine.runners["det"].path == folder / "m" / "my_det.onnx"


def test_cli_reports_a_missing_model_and_exits_2(tmp_path, samples_dir):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"models:\n  cls: {tmp_path / 'nope.onnx'}\n")
    proc = cli("ocr", "--config", str(cfg), str(samples_dir / "rapidocr" / "en.jpg"))
    assert proc.returncode == 2
    assert "nope.onnx" in proc.stderr
    assert "not found" in proc.stderr and "models.cls" in proc.stderr
