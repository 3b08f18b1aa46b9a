"""The built app (DESKTOP_OCR_APP, set by .ci/run after tools/build_app.sh): run as a user runs it.

These tests need a build, which takes a minute and its own venv, so they skip unless
DESKTOP_OCR_APP names the windowed executable of a built app folder.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.packaging.plan import bundle_plan as plan

REPO = Path(__file__).resolve().parents[2]
APP_ENV = "DESKTOP_OCR_APP"
WINDOW_TITLE = "Desktop OCR"
TIMEOUT_S = 240


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
    from desktop_ocr.engine.packs import DEFAULT_PACK, get_pack

    for file in get_pack(DEFAULT_PACK).files.values():
        assert (internal / "models" / DEFAULT_PACK / file.name).stat().st_size == file.size
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
    assert "model pack:  PP-OCRv6 small (ppocrv6-small): bundled with the app" in proc.stdout
    assert "CPU   session" in proc.stdout and "[granted]" in proc.stdout
    assert "CUDA  session" in proc.stdout  # and why it is not granted, on a machine without


@pytest.mark.skipif(sys.platform != "linux", reason="X11 is where the test runs")
def test_built_app_can_listen_for_the_global_shortcut(cli: Path, display: str, tmp_path: Path):
    """pynput's backend is chosen at import time, out of PyInstaller's sight."""
    env = clean_env(tmp_path)
    env["DISPLAY"] = display
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("XDG_SESSION_TYPE", None)
    proc = subprocess.run(
        [str(cli), "doctor"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "shortcut:    a global capture shortcut can listen here" in proc.stdout, proc.stdout


def test_ocr_of_a_sample_with_the_built_app(cli: Path, tmp_path: Path, samples_dir: Path):
    image = samples_dir / "rapidocr" / "ch_en_num.jpg"
    proc = run_app(cli, "ocr", str(image), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "正品促销"


def test_batch_with_the_built_app_uses_worker_processes(
    cli: Path, tmp_path: Path, samples_dir: Path
):
    images = tmp_path / "images"
    images.mkdir()
    for name in ("ch_en_num.jpg", "short.png", "en.jpg"):
        shutil.copyfile(samples_dir / "rapidocr" / name, images / name)
    out = tmp_path / "out"
    proc = run_app(
        cli, "batch", "--workers", "2", str(images), "--out", str(out), tmp_path=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert "done 3, failed 0" in proc.stderr
    assert "2 worker(s) together" in proc.stderr  # read in two worker processes
    text = (out / "images" / "ch_en_num.jpg.txt").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "正品促销"
    # Ray is not part of the app: --ray says how to get it, and nothing is written.
    proc = run_app(
        cli, "batch", "--ray", str(images), "--out", str(tmp_path / "ray"), tmp_path=tmp_path
    )
    assert proc.returncode == 2
    assert 'pip install "desktop-ocr[ray]"' in proc.stderr
    assert not list((tmp_path / "ray").rglob("*.json"))


def test_pdf_in_and_searchable_pdf_out_with_the_built_app(
    cli: Path, tmp_path: Path, samples_dir: Path
):
    """pypdfium2 (its PDFium library) and reportlab (its CID font data) work frozen."""
    import pypdfium2 as pdfium
    from PIL import Image
    from reportlab.pdfgen import canvas

    image = samples_dir / "rapidocr" / "ch_en_num.jpg"
    with Image.open(image) as pil:
        # A page that renders at the default 200 dpi to the image's own pixels.
        size = (pil.width * 72 / 200, pil.height * 72 / 200)
    scan = tmp_path / "scan.pdf"
    page = canvas.Canvas(str(scan), pagesize=size)
    page.drawImage(str(image), 0, 0, *size)
    page.showPage()
    page.save()
    out = tmp_path / "searchable.pdf"
    proc = run_app(cli, "ocr", "--pdf-out", str(out), str(scan), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "正品促销"
    doc = pdfium.PdfDocument(out)
    try:
        text = doc[0].get_textpage().get_text_range()
    finally:
        doc.close()
    assert "正品促销" in text


def xdotool(*args: str) -> str:
    done = subprocess.run(
        ["xdotool", *args], capture_output=True, text=True, timeout=30, check=False
    )
    return done.stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def similar(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


def wait_for_window(proc: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the app exited with {proc.returncode}: {log.read_text()}")
        found = xdotool("search", "--onlyvisible", "--name", WINDOW_TITLE).split()
        if found:
            return found[0]
        time.sleep(0.5)
    pytest.fail(f"no window titled {WINDOW_TITLE!r} within {TIMEOUT_S} s: {log.read_text()}")


def screenshot(window: str, path: Path) -> Path:
    """The window as it is on the screen (children included), cropped from the root window."""
    from PIL import Image

    geometry = dict(
        line.split("=", 1) for line in xdotool("getwindowgeometry", "--shell", window).split()
    )
    x, y, w, h = (int(geometry[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
    whole = path.with_name("screen.png")
    subprocess.run(["import", "-window", "root", str(whole)], check=True, timeout=60)
    with Image.open(whole) as image:
        image.crop((x, y, x + w, y + h)).save(path)
    return path


def lines_shown_twice(engine, shot: Path, expected: list[str]) -> list[str]:
    """The expected lines that the screen shows at least twice: in the image and as text."""
    seen = [squash(line.text) for line in engine(shot).lines]
    return [want for want in expected if sum(similar(want, got) for got in seen) >= 2]


@pytest.mark.gui
def test_window_of_the_built_app_shows_the_result(
    app: Path, internal: Path, display: str, default_engine, tmp_path: Path
):
    for tool in ("xdotool", "import", "xprop"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install xdotool imagemagick x11-utils)")
    sample = internal / "assets" / "sample.png"
    expected = [squash(line.text) for line in default_engine(sample).lines]
    assert expected, "the bundled sample has no text to look for"
    env = clean_env(tmp_path)
    env["DISPLAY"] = display
    env["DESKTOP_OCR_CONFIG_DIR"] = str(tmp_path / "config")
    log = tmp_path / "app.log"
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [str(app), str(sample)], stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path, env=env
        )
    try:
        window = wait_for_window(proc, log)
        shot = tmp_path / "window.png"
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            shown = lines_shown_twice(default_engine, screenshot(window, shot), expected)
            if len(shown) == len(expected):
                break
            failed = "Traceback" in log.read_text(encoding="utf-8")
            if failed or proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"the window ({shot}) shows {shown} twice, not all of {expected}; "
                    f"app output: {log.read_text()}"
                )
            time.sleep(2)
        icon = subprocess.run(
            ["xprop", "-id", window, "-notype", "32c", "_NET_WM_ICON"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
        width, height = (int(v) for v in re.findall(r"\d+", icon)[:2] or (0, 0))
        assert width >= 16 and height >= 16, f"the window has no icon: {icon[:200]!r}"
        # Quit as a user does: File, then its last item (Quit).
        xdotool("mousemove", "--sync", "20", "15", "click", "1")
        time.sleep(1)
        xdotool("key", "Up", "Return")
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    output = log.read_text(encoding="utf-8")
    assert "Traceback" not in output, output
