"""The built app (DESKTOP_OCR_APP, set by .ci/run after tools/build_app.sh): run as a user runs it.

These tests need a build, which takes a minute and its own venv, so they skip unless
DESKTOP_OCR_APP names the windowed executable of a built app folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.plan import bundle_plan as plan

REPO = Path(__file__).resolve().parents[2]
APP_ENV = "DESKTOP_OCR_APP"


@pytest.fixture(scope="module")
def app() -> Path:
    value = os.environ.get(APP_ENV)
    if not value:
        pytest.skip(f"{APP_ENV} is not set: build the app with tools/build_app.sh first")
    path = Path(value)
    assert path.is_file() and os.access(path, os.X_OK), f"{APP_ENV}={value} is not a program"
    return path


@pytest.fixture(scope="module")
def cli(app: Path) -> Path:
    name = plan.CLI_NAME + (".exe" if sys.platform == "win32" else "")
    path = app.parent / name
    assert path.is_file(), f"the console companion {name} is missing beside {app}"
    return path


@pytest.fixture(scope="module")
def internal(app: Path) -> Path:
    return app.parent / "_internal"


def clean_env(tmp_path: Path) -> dict[str, str]:
    """No source tree, no venv, a fresh home: the app must stand on its own."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DISPLAY"}
    }
    env["HOME"] = str(tmp_path / "home")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "home" / ".config")
    env["XDG_CACHE_HOME"] = str(tmp_path / "home" / ".cache")
    (tmp_path / "home").mkdir(exist_ok=True)
    return env


def run_app(program: Path, *args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(program), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        env=clean_env(tmp_path),
        timeout=300,
    )


def test_bundle_layout(app: Path, internal: Path):
    configs = {p.name for p in (internal / "configs").glob("*.yaml")}
    assert {"config.yaml", "config_gpu.yaml"} <= configs
    models = plan.model_names(REPO / "configs")
    for name in models:
        assert (internal / "models" / name).stat().st_size > 100_000, name
    for asset in ("icon.png", "sample.png"):
        assert (internal / "assets" / asset).is_file(), asset
    assert any((internal / "tkinterdnd2" / "tkdnd").iterdir()), "tkdnd is not bundled"


def test_no_cuda_library_of_the_build_machine_is_bundled(internal: Path):
    cuda = [
        str(path.relative_to(internal))
        for path in internal.rglob("*")
        if path.is_file() and plan.is_cuda_library(path.name, str(path.relative_to(internal)))
    ]
    assert cuda == []


def test_selftest_of_the_built_app(cli: Path, tmp_path: Path):
    proc = run_app(cli, "selftest", tmp_path=tmp_path)
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert "(frozen app," in out
    assert "granted CPUExecutionProvider" in out
    assert "rendered text: ok" in out and "sample:        ok" in out
    assert str(cli.parent / "_internal" / "assets" / "sample.png") in out
    assert out.rstrip().endswith("selftest passed")


@pytest.mark.skipif(sys.platform == "win32", reason="a windowed .exe has no standard output")
def test_windowed_program_runs_commands_too(app: Path, tmp_path: Path):
    proc = run_app(app, "doctor", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    internal = app.parent / "_internal"
    assert f"model dirs:  {internal / 'models'}" in proc.stdout
    assert "CPU   session" in proc.stdout and "[granted]" in proc.stdout
    assert "CUDA  session" in proc.stdout  # and why it is not granted, on a machine without


def test_ocr_of_a_sample_with_the_built_app(cli: Path, tmp_path: Path, samples_dir: Path):
    image = samples_dir / "rapidocr" / "ch_en_num.jpg"
    proc = run_app(cli, "ocr", str(image), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "正品促销"
