"""Files written from the window into folders that refuse them: what the user sees, and
that nothing half-written is left and the old file stays whole.

Folders that refuse by their permissions are tried from a window in a process of its own
run without root's override (tests/privileges.py; root writes anywhere); a full disk is a
small tmpfs of the test's own, filled up, tried in this process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gui.driving import pump, wait_done
from tests.gui.window_outputs import answer_save_dialog
from tests.output_writers import old_text, write_old_files
from tests.privileges import unprivileged

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[2]
DISK_FULL = "the disk is full (No space left on device)"


def window_in_child(display, config: Path, scenario: str, target: Path, *inputs: Path) -> dict:
    """What the user saw in a window run as an ordinary user would run it."""
    env = dict(
        os.environ,
        DISPLAY=display,
        DESKTOP_OCR_LANGUAGE="en",
        DESKTOP_OCR_CONFIG_DIR=str(config),
        PYTHONPATH=str(REPO),
    )
    command = [sys.executable, "-m", "tests.gui.window_outputs", scenario, str(target)]
    proc = subprocess.run(
        unprivileged([*command, *map(str, inputs)]),
        capture_output=True, text=True, cwd=REPO, env=env, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture
def locked(tmp_path):
    """A folder holding the old files; the test sets its mode, and it is put back after."""
    folder = tmp_path / "out"
    folder.mkdir()
    write_old_files(folder)
    yield folder
    folder.chmod(0o755)


def assert_untouched(folder: Path) -> None:
    """The old files whole, and nothing else there: no half file, no hidden temporary one."""
    folder.chmod(0o755)
    names = sorted(p.name for p in folder.iterdir() if p.name != "filler")
    assert names == sorted(["export.txt", "export.json", "export.csv", "export.md",
                            "report.md", "report.csv", "report.json", "settings.yaml"])
    for name in names:
        assert (folder / name).read_text(encoding="utf-8") == old_text(name)


def read_only(folder: Path) -> str:
    return f"permission denied: the folder {folder} cannot be written to"


def export_failed(seen: dict, target: Path, reason: str) -> None:
    (dialog,) = seen["dialogs"]
    assert dialog["heading"] == "The export could not be written"
    assert dialog["body"] == f"cannot write {target}: {reason}"
    assert ".tmp" not in dialog["body"]


# -- exports of results ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "name"),
    [("export-current", "export.txt"), ("export-all", "export.json")],
)
def test_export_into_a_read_only_folder_names_the_file(
    display, locked, samples_dir, tmp_path, scenario, name
):
    locked.chmod(0o555)
    target = locked / name
    image = samples_dir / "rapidocr" / "short.png"
    seen = window_in_child(display, tmp_path / "config", scenario, target, image)
    export_failed(seen, target, read_only(locked))
    assert seen["tk_messages"] == []
    assert_untouched(locked)


def test_export_into_a_folder_that_cannot_be_entered(display, locked, samples_dir, tmp_path):
    locked.chmod(0o000)
    target = locked / "export.md"
    image = samples_dir / "rapidocr" / "short.png"
    config = tmp_path / "config"
    # Tk's own dialog (Linux) refuses to go into the folder, naming it; nothing is written.
    seen = window_in_child(display, config, "export-current", target, image)
    refused = f'Cannot change to the directory "{locked}".\nPermission denied.'
    assert seen["tk_messages"] == [refused]
    assert seen["dialogs"] == []
    # The system's own dialog (Windows, macOS) hands the name over: the window says why.
    seen = window_in_child(display, config, "export-to-all", target, image)
    export_failed(seen, target, read_only(locked))
    assert_untouched(locked)


def test_export_onto_a_full_disk_names_the_file_and_leaves_no_half_file(
    open_app, full_disk, samples_dir
):
    window = open_app([samples_dir / "rapidocr" / "ch_en_num.jpg"])
    wait_done(window)
    for scope, name in (("current", "export.csv"), ("all", "export.md")):
        target = full_disk / name
        answer_save_dialog(window.root, ".", str(target))
        window.exports.export_dialog(scope)
        dialog = window.dialogs[-1]
        assert dialog.heading_text == "The export could not be written"
        assert dialog.body_text == f"cannot write {target}: {DISK_FULL}"
        dialog.destroy()
    assert_untouched(full_disk)
    assert window.settings.gui.last_export_dir is None  # a failed export is not remembered


def test_a_remembered_folder_that_can_no_longer_be_entered_does_not_stop_export(
    display, tmp_path, samples_dir
):
    remembered = tmp_path / "was-here" / "exports"
    remembered.mkdir(parents=True)
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.yaml").write_text(
        f"version: 1\ngui:\n  last_export_dir: {remembered}\n", encoding="utf-8"
    )
    (tmp_path / "was-here").chmod(0o000)
    target = tmp_path / "elsewhere" / "result.txt"
    target.parent.mkdir()
    try:
        seen = window_in_child(
            display, config, "export-current", target, samples_dir / "rapidocr" / "short.png"
        )
    finally:
        (tmp_path / "was-here").chmod(0o755)
    assert seen["dialogs"] == [] and seen["tk_messages"] == []
    assert seen["status"] == f"Exported 1 image as Plain text to {target}."
    assert target.read_text(encoding="utf-8").strip().endswith("中国网络空间安全")


# -- the benchmark window's report ---------------------------------------------------------


@pytest.fixture
def one_image(tmp_path, samples_dir) -> Path:
    folder = tmp_path / "bench-images"
    folder.mkdir()
    shutil.copy(samples_dir / "rapidocr" / "short.png", folder)
    return folder


@pytest.mark.parametrize(
    ("mode", "scenario", "why"),
    [
        (0o555, "bench-export", "cannot be written to (permission denied)"),
        (0o000, "bench-export-to", "cannot be opened (Permission denied)"),
    ],
    ids=["read-only", "cannot-be-entered"],
)
def test_benchmark_report_into_a_folder_that_refuses_it(
    display, locked, one_image, tmp_path, mode, scenario, why
):
    locked.chmod(mode)
    target = locked / "report.md"
    seen = window_in_child(display, tmp_path / "config", scenario, target, one_image)
    assert seen["benchmark"] == f"Not saved: {target}: the folder {locked} {why}"
    assert seen["tk_messages"] == []
    assert_untouched(locked)


def test_benchmark_report_onto_a_full_disk(open_app, full_disk, one_image):
    window = open_app()
    bench = window.open_benchmark()
    bench.folder_var.set(str(one_image))
    bench.device_vars["cuda"].set(False)
    bench.start()
    pump(window.root, lambda: bench.report is not None and not bench.running, what="a report")
    target = full_disk / "report.json"
    answer_save_dialog(window.root, str(bench), str(target))
    bench.export()
    assert bench.status_var.get() == f"Not saved: cannot write {target}: {DISK_FULL}"
    assert_untouched(full_disk)
    bench.close()


# -- the settings file --------------------------------------------------------------------


def settings_not_saved(seen: dict, path: Path, reason: str) -> None:
    dialog = seen["dialogs"][-1]
    assert dialog["heading"] == "Your settings could not be saved"
    assert dialog["body"] == (
        f"They apply until the app is closed. cannot write {path}: {reason}"
    )
    assert seen["status"] == f"Settings could not be saved: cannot write {path}: {reason}"


def test_settings_in_a_read_only_folder_are_applied_and_the_refusal_is_told(
    display, locked
):
    settings = locked / "settings.yaml"
    settings.write_text("version: 1\nengine: {}\n", encoding="utf-8")
    locked.chmod(0o555)
    seen = window_in_child(display, locked, "settings", locked / "unused")
    assert len(seen["dialogs"]) == 1
    settings_not_saved(seen, settings, read_only(locked))
    locked.chmod(0o755)
    assert settings.read_text(encoding="utf-8") == "version: 1\nengine: {}\n"
    assert not [p for p in locked.iterdir() if p.name.startswith(".")]


def test_a_settings_folder_that_cannot_be_entered_opens_the_window_with_defaults(
    display, locked
):
    settings = locked / "settings.yaml"
    locked.chmod(0o000)
    seen = window_in_child(display, locked, "startup", locked / "unused")
    (dialog,) = seen["dialogs"]
    assert dialog["heading"] == "Your settings could not be read, so the defaults are used."
    assert dialog["body"] == f"{settings}: cannot be read (Permission denied)"
    assert seen["status"] == "Settings file unreadable; defaults in use."
    seen = window_in_child(display, locked, "settings", locked / "unused")
    assert len(seen["dialogs"]) == 2  # could not be read at start, then not be saved
    settings_not_saved(seen, settings, read_only(locked))
    assert_untouched(locked)


def test_settings_on_a_full_disk(open_app, full_disk, monkeypatch):
    from desktop_ocr.services.settings_store import CONFIG_DIR_ENV

    settings = full_disk / "settings.yaml"
    settings.write_text("version: 1\nengine: {}\n", encoding="utf-8")  # fits its own page
    monkeypatch.setenv(CONFIG_DIR_ENV, str(full_disk))
    window = open_app()
    pump(window.root, lambda: window.providers is not None, what="the engine")
    dialog = window.open_settings()
    dialog.vars["runtime.intra_op_threads"].set("1")
    dialog.apply_button.invoke()
    told = window.dialogs[-1]
    assert told.heading_text == "Your settings could not be saved"
    assert told.body_text.endswith(f"cannot write {settings}: {DISK_FULL}")
    # The engine was rebuilt with them all the same.
    pump(window.root, lambda: window.providers is not None, what="the new engine")
    assert window.worker.config.runtime.intra_op_threads == 1
    assert settings.read_text(encoding="utf-8") == "version: 1\nengine: {}\n"
    assert not [p for p in full_disk.iterdir() if p.name.startswith(".")]
