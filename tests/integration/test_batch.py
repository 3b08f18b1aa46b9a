"""`desktop-ocr batch` on a few hundred real images with broken files among them.

A full run with the manifest checked line by line, a run killed with SIGKILL half-way and
resumed (nothing complete read twice, nothing lost), and a worker killed mid-run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from benchmarks.batch_folder import make_batch_folder
from desktop_ocr.engine import load_config
from desktop_ocr.services.batch import UP_TO_DATE, BatchSettings, run_batch
from desktop_ocr.services.batch_pool import WORKER_DIED, LocalPool
from desktop_ocr.services.batch_store import read_manifest
from tests.integration.test_cli import REPO, cli
from tests.privileges import unprivileged

pytestmark = pytest.mark.slow
TOTAL = 300  # 285 good word and line crops, 15 broken files of five kinds


@pytest.fixture(scope="module")
def batch(samples_dir, tmp_path_factory):
    folder = make_batch_folder(tmp_path_factory.mktemp("batch") / "scans 扫描", samples_dir, TOTAL)
    (folder.root / "readme.txt").write_text("not an image")
    return folder


def result_path(out: Path, root: Path, source: Path, fmt: str = "json") -> Path:
    return out / root.name / f"{source.relative_to(root).as_posix()}.{fmt}"


def by_status(rows: list[dict]) -> dict[str, dict[str, dict]]:
    grouped: dict[str, dict[str, dict]] = {"done": {}, "failed": {}, "skipped": {}}
    for row in rows:
        grouped[row["status"]][row["input"]] = row
    return grouped


def without_timings(result: dict) -> dict:
    return {key: value for key, value in result.items() if key != "timings_ms"}


def test_batch_completes_with_the_manifest_right_and_resumes(batch, tmp_path):
    out = tmp_path / "out"
    proc = cli("batch", "--workers", "2", str(batch.root), "--out", str(out))
    assert proc.returncode == 1, proc.stderr[-3000:]  # 1: some inputs failed
    assert "done 285, failed 15, skipped 1 (0 up to date, 1 not images" in proc.stderr

    rows = read_manifest(out)
    assert len({row["run"] for row in rows}) == 1
    assert len(rows) == TOTAL + 1  # each input once, and the text file
    status = by_status(rows)
    assert set(status["done"]) == {str(p) for p in batch.good}
    assert set(status["failed"]) == {str(p) for p in batch.bad}
    for path, words in batch.bad.items():
        assert words in status["failed"][str(path)]["reason"]
        assert not result_path(out, batch.root, path).exists()
    assert list(status["skipped"]) == [str(batch.root / "readme.txt")]
    assert (
        "not a supported image type" in status["skipped"][str(batch.root / "readme.txt")]["reason"]
    )
    assert len({row["worker"] for row in status["done"].values()}) == 2

    texts = 0
    for path in batch.good:
        result = json.loads(result_path(out, batch.root, path).read_text(encoding="utf-8"))
        assert result["path"] == str(path) and result["ok"] is True
        text = result_path(out, batch.root, path, "txt").read_text(encoding="utf-8")
        assert text == "".join(line["text"] + "\n" for line in result["lines"])
        texts += bool(text.strip())
    assert texts >= 270  # the crops hold real text

    # The same objects as `desktop-ocr ocr --format jsonl` prints, timings aside.
    firsts = {}
    for path in batch.good:
        firsts.setdefault(path.name.split(" ", 1)[1], path)
    proc = cli("ocr", "--format", "jsonl", *map(str, firsts.values()))
    assert proc.returncode == 0, proc.stderr
    for line in proc.stdout.splitlines():
        expected = json.loads(line)
        written = json.loads(
            result_path(out, batch.root, Path(expected["path"])).read_text(encoding="utf-8")
        )
        assert without_timings(written) == without_timings(expected)
    assert len(proc.stdout.splitlines()) == 5

    # Run again: every result is up to date; only the broken files are tried again.
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.json")}
    proc = cli("batch", "--workers", "2", str(batch.root), "--out", str(out))
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "done 0, failed 15, skipped 286 (285 up to date" in proc.stderr
    second = by_status([row for row in read_manifest(out) if row["run"] != rows[0]["run"]])
    assert {i for i, row in second["skipped"].items() if row["reason"] == UP_TO_DATE} == set(
        status["done"]
    )
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.json")} == before


def test_killed_half_way_then_resumed_reads_nothing_twice_and_loses_nothing(batch, tmp_path):
    out = tmp_path / "out"
    log = (tmp_path / "first-run.log").open("w")
    command = [sys.executable, "-m", "desktop_ocr", "batch", "--workers", "2"]
    proc = subprocess.Popen(
        [*command, str(batch.root), "--out", str(out)],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 240
        workers: list[psutil.Process] = []
        while True:
            assert proc.poll() is None, "the batch ended before it could be killed"
            assert time.monotonic() < deadline, "the batch made no progress"
            done = sum(row["status"] == "done" for row in read_manifest(out))
            if done and not workers:
                workers = psutil.Process(proc.pid).children(recursive=True)
            if done >= 110:
                break
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
    assert len(workers) >= 2
    # The workers notice that the batch is gone and end, rather than hold their memory.
    _gone, alive = psutil.wait_procs(workers, timeout=30)
    assert alive == []

    complete = {}
    for path in batch.good:
        json_path = result_path(out, batch.root, path)
        if json_path.exists() and result_path(out, batch.root, path, "txt").exists():
            complete[str(path)] = (json_path.stat().st_ino, json_path.stat().st_mtime_ns)
    first = read_manifest(out)
    recorded = {row["input"] for row in first if row["status"] == "done"}
    assert recorded <= set(complete)  # a result is on disk before its manifest line
    assert 110 <= len(complete) < len(batch.good)

    proc2 = cli("batch", "--workers", "2", str(batch.root), "--out", str(out))
    assert proc2.returncode == 1, proc2.stderr[-3000:]
    second = by_status([row for row in read_manifest(out) if row["run"] != first[0]["run"]])
    up_to_date = {i for i, row in second["skipped"].items() if row["reason"] == UP_TO_DATE}
    assert up_to_date == set(complete)
    assert not set(second["done"]) & set(complete)  # nothing complete is read twice
    assert set(second["done"]) | set(complete) == {str(p) for p in batch.good}  # none lost
    assert set(second["failed"]) == {str(p) for p in batch.bad}
    for source, (inode, mtime) in complete.items():
        stat = result_path(out, batch.root, Path(source)).stat()
        assert (stat.st_ino, stat.st_mtime_ns) == (inode, mtime)
    assert not [p for p in out.rglob("*.tmp")]
    print(
        f"\nkilled after {len(complete)} complete results ({len(recorded)} in the manifest); "
        f"the second run skipped {len(up_to_date)}, read {len(second['done'])}, "
        f"failed {len(second['failed'])}; {len(batch.good)} good files in all"
    )


def test_a_worker_killed_mid_run_costs_a_retry_not_the_images(batch, tmp_path):
    folder = batch.root / "part 00"  # 100 files, 5 of them broken
    good = [p for p in batch.good if p.parent == folder]
    killed: list[int] = []

    def kill_one_worker(event) -> None:
        if event.done == 20 and not killed:
            for child in psutil.Process().children():
                if "spawn_main" in " ".join(child.cmdline()):
                    child.kill()
                    killed.append(child.pid)
                    return

    pool = LocalPool(load_config(), workers=2, threads=1)
    summary = run_batch(
        BatchSettings((folder,), tmp_path / "out"),
        pool,
        progress=kill_one_worker,
        cancel=threading.Event(),
    )
    assert len(killed) == 1
    assert summary.done == len(good) == 95
    assert summary.failed == 5
    assert not [reason for _, reason in summary.failures if WORKER_DIED in reason]
    assert len(summary.worker_peaks) >= 3  # the pool was started again


def test_an_output_folder_that_refuses_writing_stops_the_batch_and_loses_nothing(batch, tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    for path in batch.good[:4]:
        (images / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out"
    command = [sys.executable, "-m", "desktop_ocr", "batch", "--workers", "1", str(images)]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    first = subprocess.run([*command, "--out", str(out)], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    for path in batch.good[4:8]:
        (images / path.name).write_bytes(path.read_bytes())
    before = {p: p.read_bytes() for p in (out / "images").iterdir()}
    (out / "images").chmod(0o555)
    try:
        refused = subprocess.run(
            unprivileged([*command, "--out", str(out)]), capture_output=True, text=True, env=env
        )
    finally:
        (out / "images").chmod(0o755)
    assert refused.returncode == 2, refused.stderr[-3000:]
    assert f"cannot write {out / 'images'}" in refused.stderr
    assert "permission denied" in refused.stderr and "same command resumes" in refused.stderr
    assert {p: p.read_bytes() for p in (out / "images").iterdir()} == before
    runs = [row["run"] for row in read_manifest(out)]
    assert len(set(runs)) == 2
    second = by_status([row for row in read_manifest(out) if row["run"] == runs[-1]])
    assert len(second["skipped"]) == 4 and not second["done"]

    again = subprocess.run([*command, "--out", str(out)], capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "done 4, failed 0, skipped 4 (4 up to date" in again.stderr
    assert len(list((out / "images").glob("*.json"))) == 8
