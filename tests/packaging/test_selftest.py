"""`desktop-ocr selftest` from the source tree, run as a user runs it (no display)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def selftest(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "desktop_ocr", "selftest", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
    )


def test_selftest_reads_the_bundled_sample_and_known_text():
    proc = selftest()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "granted CPUExecutionProvider" in out
    assert "rendered text: ok - read 'desktop-ocr selftest 2718'" in out
    assert "sample:        ok - " in out and str(REPO / "assets" / "sample.png") in out
    assert out.count("| ") >= 1  # the sample's lines, printed
    assert out.rstrip().endswith("selftest passed")


def test_selftest_fails_with_reasons(tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    proc = selftest("--device", "cuda", "--image", str(broken))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    assert "sample:        FAILED" in out and "broken.png" in out
    last = out.rstrip().splitlines()[-1]
    assert last.startswith("selftest FAILED: ") and "sample:" in last
    if "providers:     FAILED" in out:  # no usable CUDA here: the reason and the fix
        assert "How to fix:" in out and "providers:" in last
    else:
        assert "granted CUDAExecutionProvider" in out


def test_selftest_config_error_is_a_usage_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("device: quantum\n")
    proc = selftest("--config", str(bad))
    assert proc.returncode == 2
    assert str(bad) in proc.stderr and "device" in proc.stderr
