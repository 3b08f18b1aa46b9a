"""The other OCR engines we measure against, each in a virtual environment of its own.

A peer needs the CPU `onnxruntime`, which breaks `onnxruntime-gpu` when both share an
environment, so each gets `.venv-peer-<name>/` beside the project (ignored by git), made
with pip on first use from the pinned packages below.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# onnxruntime pinned to the version of our onnxruntime-gpu, so the runtimes compare alike.
ONNXRUNTIME = "onnxruntime==1.31.1"


@dataclass(frozen=True)
class Peer:
    name: str
    packages: tuple[str, ...]
    module: str  # imported to check the environment
    runner_engine: str  # ocr_runner.py --engine


PEERS = {
    "rapidocr-3.10.0": Peer(
        "rapidocr-3.10.0", ("rapidocr==3.10.0", ONNXRUNTIME), "rapidocr", "rapidocr3"
    ),
    "rapidocr_onnxruntime-1.4.4": Peer(
        "rapidocr_onnxruntime-1.4.4",
        ("rapidocr_onnxruntime==1.4.4", ONNXRUNTIME),
        "rapidocr_onnxruntime",
        "rapidocr",
    ),
}


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_python(venv: Path, packages: tuple[str, ...], module: str, env: dict[str, str]) -> Path:
    """The interpreter of `venv`, made and filled with `packages` unless `module` imports."""
    python = venv_python(venv)
    if not python.exists():
        print(f"creating {venv}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    probe = subprocess.run([str(python), "-c", f"import {module}"], capture_output=True, env=env)
    if probe.returncode != 0:
        print(f"installing {' '.join(packages)} into {venv}", file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], check=True, env=env)
    return python


def peer_python(name: str, env: dict[str, str]) -> Path:
    peer = PEERS[name]
    return ensure_python(REPO / f".venv-peer-{name}", peer.packages, peer.module, env)
