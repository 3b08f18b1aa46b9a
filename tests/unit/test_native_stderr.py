"""Capturing onnxruntime's native stderr loses nothing else and leaves its settings alone.

Each case runs in a child process, whose stderr is a pipe the test reads whole: that is
where the user's terminal would be.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# A thread that writes numbered lines to fd 2 (as native code or another library would)
# while the engine's sessions are made on the main thread.
CHATTY_THREAD = """
import os, threading, time
stop = threading.Event()
written = []
def chatter():
    n = 0
    while not stop.is_set() or n < 5:
        n += 1
        os.write(2, f"other thread line {n}\\n".encode())
        written.append(n)
        time.sleep(0.002)
thread = threading.Thread(target=chatter)
thread.start()
"""


def child(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        timeout=300,
    )


@pytest.mark.parametrize("config", ["config.yaml", "config_gpu.yaml"])
def test_what_other_threads_write_meanwhile_reaches_stderr(config):
    proc = child(
        CHATTY_THREAD
        + f"""
from desktop_ocr.engine.config import load_config
from desktop_ocr.engine.sessions import SessionFactory
factory = SessionFactory(load_config({str(REPO / "configs" / config)!r}))
for role in ("det", "cls", "rec"):
    factory.create(role, getattr(factory.config.models, role))
stop.set()
thread.join()
print(len(written))
print(repr("\\n".join(factory.messages)))
"""
    )
    assert proc.returncode == 0, proc.stderr
    count = int(proc.stdout.splitlines()[0])
    lines = [line for line in proc.stderr.splitlines() if line.startswith("other thread line")]
    assert lines == [f"other thread line {n}" for n in range(1, count + 1)]
    messages = proc.stdout.splitlines()[1]
    assert "other thread" not in messages  # the diagnosis holds onnxruntime's words only
    # onnxruntime's own complaints about CUDA go to the diagnosis, not to the terminal.
    assert ":onnxruntime:" not in proc.stderr


def test_onnxruntime_lines_are_kept_for_the_diagnosis(cuda_engine):
    if "CUDAExecutionProvider" in cuda_engine.providers.granted:
        pytest.skip("CUDA works here: onnxruntime has no failure to report")
    said = "\n".join(cuda_engine.onnxruntime_messages)
    assert "[W:onnxruntime:" in said or "[E:onnxruntime:" in said
    assert "CUDAExecutionProvider" in said


def test_the_onnxruntime_log_severity_set_by_the_host_is_kept():
    # Severity 4 (fatal only) silences onnxruntime; making the engine's CUDA sessions must
    # leave it so, and a session made afterwards must stay silent too.
    proc = child(
        f"""
import onnxruntime as ort
ort.set_default_logger_severity(4)
from desktop_ocr.engine.config import load_config
from desktop_ocr.engine.sessions import SessionFactory, resolve_model
config = load_config({str(REPO / "configs" / "config_gpu.yaml")!r})
runner = SessionFactory(config).create("det", config.models.det)
ort.InferenceSession(str(runner.path), providers=["CUDAExecutionProvider", "CPUExecutionProvider"])
print(",".join(runner.providers))
"""
    )
    assert proc.returncode == 0, proc.stderr
    if "CUDAExecutionProvider" in proc.stdout:
        pytest.skip("CUDA works here: onnxruntime has nothing to log either way")
    assert proc.stdout.strip() == "CPUExecutionProvider"
    assert "onnxruntime" not in proc.stderr, proc.stderr
