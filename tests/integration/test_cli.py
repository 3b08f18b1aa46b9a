"""The command line, run as a user runs it: a real process, real models, real images."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "desktop_ocr", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=300,
    )


@pytest.fixture
def mixed_batch(tmp_path, samples_dir) -> Path:
    folder = tmp_path / "batch 批次"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(samples_dir / "rapidocr" / "ch_en_num.jpg", folder / "good one.jpg")
    shutil.copy(samples_dir / "rapidocr" / "short.png", folder / "sub" / "short.png")
    (folder / "empty.png").write_bytes(b"")
    (folder / "notes.jpg").write_text("not an image")
    good = (samples_dir / "rapidocr" / "en.jpg").read_bytes()
    (folder / "sub" / "cut.jpg").write_bytes(good[: len(good) // 3])
    (folder / "readme.txt").write_text("skipped: not an image type")
    return folder


def test_jsonl_mixed_batch(mixed_batch, tmp_path):
    missing = tmp_path / "gone.png"
    proc = cli("ocr", "--format", "jsonl", str(mixed_batch), str(missing))
    assert proc.returncode == 1, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    by_name = {Path(row["path"]).name: row for row in rows}
    assert set(by_name) == {
        "good one.jpg",
        "short.png",
        "empty.png",
        "notes.jpg",
        "cut.jpg",
        "gone.png",
    }
    good = by_name["good one.jpg"]
    assert good["ok"] is True and good["error"] is None
    assert good["lines"][0]["text"] == "正品促销"
    assert good["image_size"] == [323, 430]  # width, height of ch_en_num.jpg
    assert len(good["lines"][0]["box"]) == 4
    assert set(good["timings_ms"]) >= {"det", "cls", "rec", "total"}
    assert good["providers"] == ["CPUExecutionProvider"]
    assert good["requested"] == ["CPUExecutionProvider"]
    for name, words in [
        ("empty.png", "empty"),
        ("notes.jpg", "not an image"),
        ("cut.jpg", "truncated"),
        ("gone.png", "not found"),
    ]:
        row = by_name[name]
        assert row["ok"] is False and words in row["error"], row
        assert row["lines"] == []


def test_text_format_prints_lines(samples_dir):
    proc = cli("ocr", str(samples_dir / "rapidocr" / "ch_en_num.jpg"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "正品促销"


def test_config_error_exits_2(tmp_path, samples_dir):
    bad = tmp_path / "bad.yaml"
    bad.write_text("det:\n  unclip_ratio: wide\n")
    proc = cli("ocr", "--config", str(bad), str(samples_dir / "rapidocr" / "en.jpg"))
    assert proc.returncode == 2
    assert "det.unclip_ratio" in proc.stderr and str(bad) in proc.stderr


def test_usage_error_exits_2():
    proc = cli("ocr", "--format", "xml", "a.png")
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr


def test_cuda_request_warns_and_still_reads(samples_dir):
    proc = cli(
        "ocr",
        "--device",
        "cuda",
        "--format",
        "jsonl",
        str(samples_dir / "rapidocr" / "ch_en_num.jpg"),
    )
    assert proc.returncode == 0, proc.stderr
    row = json.loads(proc.stdout)
    assert row["requested"] == ["CUDAExecutionProvider", "CPUExecutionProvider"]
    if row["providers"] == ["CPUExecutionProvider"]:
        assert "not granted" in proc.stderr and "How to fix" in proc.stderr


def test_doctor_reports_both_devices():
    proc = cli("doctor")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "onnxruntime" in out and "CPU   session" in out and "CUDA  session" in out
    if "NOT GRANTED" in out:
        assert "Why CUDA is not granted" in out and "How to fix" in out
