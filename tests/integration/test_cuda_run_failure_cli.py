"""`desktop-ocr ocr` and `bench` as a user runs them, with a CUDA that fails after it was granted.

The child process's onnxruntime.InferenceSession is replaced, through a sitecustomize, by
tests/cuda_faults.py's factory: CUDA sessions say they were granted and fail as onnxruntime
does when cuDNN is missing or the GPU fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cuda_faults import fault_env

REPO = Path(__file__).resolve().parents[2]


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "desktop_ocr", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env=env,
        timeout=600,
    )


def test_ocr_carries_on_on_the_cpu_and_says_why(samples_dir, tmp_path):
    images = [samples_dir / "rapidocr" / "ch_en_num.jpg", samples_dir / "rapidocr" / "text_rec.jpg"]
    proc = run(
        ["ocr", "--device", "cuda", "--format", "jsonl", *map(str, images)],
        fault_env(tmp_path, "cudnn_not_initialized"),
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "warning: CUDA failed; the engine was rebuilt on the CPU and carries on.\n" in (
        proc.stderr
    )
    assert "How to fix:" in proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [row["lines"][0]["text"] for row in rows] == ["正品促销", "韩国小馆"]
    for row in rows:
        assert row["ok"] is True
        assert row["providers"] == ["CPUExecutionProvider"]
        assert row["requested"] == ["CUDAExecutionProvider", "CPUExecutionProvider"]
        [note] = row["notes"]
        assert note.startswith("read on the CPU after CUDA failed: ")
        assert "CUDA failed at its first convolution during the warm-up" in note


def test_bench_reports_the_failure_instead_of_timing_the_cpu_as_cuda(samples_dir, tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "a.jpg").write_bytes((samples_dir / "rapidocr" / "ch_en_num.jpg").read_bytes())
    out = tmp_path / "report.json"
    proc = run(
        ["bench", "--device", "cpu,cuda", "--warmup", "0", "--out", str(out), str(folder)],
        fault_env(tmp_path, "launch_failure"),
    )
    assert proc.returncode == 1, proc.stderr  # a config was not measured
    assert "Traceback" not in proc.stderr
    assert "CUDA: CUDA failed: The GPU stopped working during the warm-up" in proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    cpu, cuda = data["configs"]
    assert cpu["status"] == "measured" and [r["ok"] for r in cpu["rows"]] == [True]
    assert cuda["status"] == "not_granted" and cuda["cuda_failed"] is True
    assert cuda["rows"] == [] and cuda["summary"] is None
    assert "CUDA failure 719: unspecified launch failure" in cuda["reason"]
