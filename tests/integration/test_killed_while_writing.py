"""The app killed (SIGKILL, no clean-up) while it writes an export, a report or the settings.

What was there before must still be there, whole: a reader finds the old file or the new
one, never a mix, and the settings still load.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from desktop_ocr.services.settings_store import SettingsStore
from tests.output_writers import old_text, write_old_files

REPO = Path(__file__).resolve().parents[2]

# The child writes one file; os.fsync, the last step before the rename, is held up so the
# kill lands while the new text is written but not yet in place.
PAUSED_WRITER = """
import os, sys, time
from pathlib import Path
from desktop_ocr.services.exporters import export
from desktop_ocr.services.report_writers import write_report
from desktop_ocr.services.settings_store import GuiPrefs, Settings, SettingsStore
from tests.output_writers import benchmark_report, export_items

kind, folder, marker = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
real_fsync = os.fsync

def held_fsync(fd):
    real_fsync(fd)
    part = marker.with_name(marker.name + ".part")
    part.write_text(str(os.fstat(fd).st_size))
    part.replace(marker)
    time.sleep(600)

os.fsync = held_fsync
if kind == "export.json":
    export(export_items(), folder / kind)
elif kind == "report.csv":
    write_report(benchmark_report(), folder / kind)
else:
    SettingsStore(folder).save(Settings(gui=GuiPrefs(geometry="1000x700+5+5")))
"""

# The child saves the settings over and over, alternating two window sizes.
SAVING_LOOP = """
import sys
from pathlib import Path
from desktop_ocr.services.settings_store import GuiPrefs, Settings, SettingsStore
store = SettingsStore(Path(sys.argv[1]))
sizes = ["800x600+0+0", "1280x800+40+30"]
store.save(Settings(gui=GuiPrefs(geometry=sizes[0], last_open_dir="/d/" * 20000)))
print("saved", flush=True)
n = 0
while True:
    n += 1
    store.save(Settings(gui=GuiPrefs(geometry=sizes[n % 2], last_open_dir="/d/" * 20000)))
"""


def spawn(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("name", ["export.json", "report.csv", "settings.yaml"])
def test_killed_before_the_new_file_is_in_place_leaves_the_old_one(tmp_path, name):
    write_old_files(tmp_path)
    marker = tmp_path.parent / f"{tmp_path.name}-held"
    proc = spawn(PAUSED_WRITER, name, str(tmp_path), str(marker))
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the child never reached the write"
            time.sleep(0.02)
    finally:
        kill(proc)
    assert (tmp_path / name).read_text(encoding="utf-8") == old_text(name)
    # What the kill left: the new text, whole, under a hidden temporary name, and never
    # under the name a reader opens.
    [left] = [p for p in tmp_path.iterdir() if p.name.startswith(f".{name}.")]
    assert left.name.endswith(".tmp")
    assert left.stat().st_size == int(marker.read_text()) > len(old_text(name))


def test_settings_killed_at_random_moments_always_load(tmp_path):
    sizes = {"800x600+0+0", "1280x800+40+30"}
    rng = random.Random(15)
    for _ in range(6):
        proc = spawn(SAVING_LOOP, str(tmp_path))
        try:
            assert proc.stdout.readline().strip() == "saved", proc.stderr.read()
            time.sleep(rng.uniform(0.01, 0.4))
        finally:
            kill(proc)
        loaded = SettingsStore(tmp_path).load()
        assert loaded.problem is None, loaded.problem
        assert loaded.settings.gui.geometry in sizes
        assert loaded.settings.gui.last_open_dir == "/d/" * 20000


def test_an_export_killed_at_a_random_moment_is_old_or_new_never_half(tmp_path):
    target = tmp_path / "all.json"
    code = f"""
    import sys
    from pathlib import Path
    from desktop_ocr.services.exporters import export
    from tests.output_writers import export_items
    items = export_items(lines=3000)
    export(items, Path({str(target)!r}))
    print("exported", flush=True)
    n = 0
    while True:
        n += 1
        export(export_items(lines=3000 + n % 2), Path({str(target)!r}))
    """
    rng = random.Random(27)
    for _ in range(4):
        proc = spawn(code)
        try:
            assert proc.stdout.readline().strip() == "exported", proc.stderr.read()
            time.sleep(rng.uniform(0.01, 0.4))
        finally:
            kill(proc)
        [entry] = json.loads(target.read_text(encoding="utf-8"))
        assert len(entry["lines"]) in (3000, 3001)
