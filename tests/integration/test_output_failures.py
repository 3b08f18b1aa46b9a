"""Every file the app writes, refused by a full disk, a read-only folder or a locked one.

The user gets a message that names the file they chose (never the hidden temporary file
the data goes to first), the old file stays whole, and nothing half-written is left.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.output_writers import ALL, old_text, try_every_writer, write_old_files
from tests.privileges import unprivileged

REPO = Path(__file__).resolve().parents[2]
DISK_FULL = "the disk is full (No space left on device)"


def env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")


def assert_refused_whole(folder: Path, outcome: dict[str, str]) -> None:
    """Each file refused, named as the user named it, its old text intact, no leftovers."""
    assert set(outcome) == set(ALL)
    for name, message in outcome.items():
        target = folder / name
        assert message.startswith((f"cannot write {target}: ", f"{target}: ")), message
        assert ".tmp" not in message, message
        assert target.read_text(encoding="utf-8") == old_text(name)
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_a_full_disk_refuses_every_file_and_keeps_the_old_ones(full_disk):
    outcome = try_every_writer(full_disk)
    assert all(message.endswith(DISK_FULL) for message in outcome.values()), outcome
    assert_refused_whole(full_disk, outcome)


def writers_without_root(folder: Path) -> dict[str, str]:
    command = unprivileged([sys.executable, "-m", "tests.output_writers", str(folder)])
    proc = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env())
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize(
    ("mode", "reasons"),
    [
        (0o555, ("cannot be written to", "cannot be written to (permission denied)")),
        (0o000, ("cannot be written to", "cannot be opened (Permission denied)")),
    ],
    ids=["read-only", "cannot-be-entered"],
)
def test_a_folder_that_refuses_writing_is_named_with_the_file(tmp_path, mode, reasons):
    folder = tmp_path / "out"
    folder.mkdir()
    write_old_files(folder)
    folder.chmod(mode)
    try:
        outcome = writers_without_root(folder)
    finally:
        folder.chmod(0o755)
    file_reason, report_reason = reasons
    for name, message in outcome.items():
        expected = report_reason if name.startswith("report.") else file_reason
        assert f"the folder {folder} {expected}" in message, message
    assert_refused_whole(folder, outcome)


@pytest.mark.parametrize("mode", [0o555, 0o000], ids=["read-only", "cannot-be-entered"])
def test_bench_out_in_a_folder_it_cannot_write_stops_before_timing(tmp_path, samples_dir, mode):
    folder = tmp_path / "reports"
    folder.mkdir()
    folder.chmod(mode)
    target = folder / "r.md"
    command = [sys.executable, "-m", "desktop_ocr", "bench", "--out", str(target)]
    try:
        proc = subprocess.run(
            unprivileged([*command, str(samples_dir / "rapidocr" / "short.png")]),
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env(),
            timeout=300,
        )
    finally:
        folder.chmod(0o755)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"desktop-ocr: {target}: the folder {folder} cannot be ")
    assert "Traceback" not in proc.stderr and ".tmp" not in proc.stderr
    assert proc.stdout == ""  # nothing was timed
    assert list(folder.iterdir()) == []


def test_bench_out_on_a_full_disk_names_the_report_and_still_prints_it(full_disk, samples_dir):
    target = full_disk / "report.md"
    image = samples_dir / "rapidocr" / "short.png"
    command = [sys.executable, "-m", "desktop_ocr", "bench", "--warmup", "0"]
    proc = subprocess.run(
        [*command, "--out", str(target), str(image)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env(),
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    assert f"desktop-ocr: cannot write {target}: {DISK_FULL}\n" in proc.stderr
    assert "Traceback" not in proc.stderr and ".tmp" not in proc.stderr
    assert "| Images | 1 |" in proc.stdout  # what was measured is not lost
    assert target.read_text(encoding="utf-8") == old_text("report.md")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("command", ["ocr", "bench"])
def test_output_to_a_full_device_is_one_clear_line(samples_dir, command):
    image = str(samples_dir / "rapidocr" / "short.png")
    args = ["ocr", image] if command == "ocr" else ["bench", "--warmup", "0", image]
    with Path("/dev/full").open("w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "desktop_ocr", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=env(),
            timeout=300,
        )
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("desktop-ocr:")]
    assert errors == [f"desktop-ocr: cannot write the output: {DISK_FULL}"]
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr


def test_a_report_folder_removed_during_the_run_is_a_message(tmp_path, samples_dir):
    folder = tmp_path / "gone"
    folder.mkdir()
    code = (
        "import shutil, sys\n"
        "from pathlib import Path\n"
        "from desktop_ocr.commands import bench\n"
        "from tests.output_writers import benchmark_report\n"
        f"shutil.rmtree({str(folder)!r})\n"
        f"sys.exit(bench._write_all(benchmark_report(), [Path({str(folder / 'r.md')!r})]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env()
    )
    assert proc.returncode == 1
    assert proc.stderr == f"desktop-ocr: {folder / 'r.md'}: the folder {folder} does not exist\n"


def test_setpriv_really_takes_roots_override_away(tmp_path):
    # Guards the tests above: with the override kept, a 0o555 folder would take the files.
    if os.geteuid() != 0:
        pytest.skip("not root: file modes apply anyway")
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    command = unprivileged([sys.executable, "-c", f"open({str(folder / 'x')!r}, 'w')"])
    proc = subprocess.run(command, capture_output=True, text=True)
    assert "PermissionError" in proc.stderr
