"""A folder of 1,000 images with 5% broken files: the batch completes and loses nothing."""

from __future__ import annotations

import json
import time

import pytest

from benchmarks.batch_folder import make_batch_folder
from desktop_ocr.engine import load_config
from desktop_ocr.services.worker import JobCancelled, JobDone, JobFailed, OcrWorker
from tests.integration.test_cli import cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def batch(samples_dir, tmp_path_factory):
    return make_batch_folder(tmp_path_factory.mktemp("batch") / "scans 扫描", samples_dir)


def test_cli_reads_the_whole_batch_and_lists_each_bad_file(batch):
    proc = cli("ocr", "--format", "jsonl", str(batch.root))
    assert proc.returncode == 1, proc.stderr[-2000:]
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 1000
    failed = {row["path"]: row["error"] for row in rows if not row["ok"]}
    assert set(failed) == {str(p) for p in batch.bad}
    for path, words in batch.bad.items():
        assert words in failed[str(path)], failed[str(path)]
    good = [row for row in rows if row["ok"]]
    assert len(good) == 950
    assert sum(bool(row["lines"]) for row in good) >= 900  # the crops hold real text


def test_cancel_midway_keeps_what_was_read(batch):
    worker = OcrWorker(load_config())
    worker.start()
    try:
        jobs = [worker.submit(path) for path in sorted(batch.good + list(batch.bad))]
        events = []
        deadline = time.monotonic() + 300
        while sum(isinstance(e, (JobDone, JobFailed)) for e in events) < 60:
            assert time.monotonic() < deadline, "the worker stalled"
            events.append(worker.events.get(timeout=60))
        dropped = worker.cancel()
        assert worker.stop(timeout=60)
        while not worker.events.empty():
            events.append(worker.events.get_nowait())
    finally:
        worker.stop(timeout=5)
    done = [e for e in events if isinstance(e, JobDone)]
    failed = [e for e in events if isinstance(e, JobFailed)]
    cancelled = [e for e in events if isinstance(e, JobCancelled)]
    assert len(done) + len(failed) + len(cancelled) == len(jobs)
    assert len(cancelled) == len(dropped) >= 800
    assert all(e.result.providers.granted for e in done)
    assert {e.job_id for e in done + failed} == {j.job_id for j in jobs[: len(done) + len(failed)]}
