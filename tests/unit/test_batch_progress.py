"""The batch's progress line, summary and default layout of workers and threads."""

from __future__ import annotations

import io

from desktop_ocr.services.batch import BatchProgress, BatchSummary
from desktop_ocr.services.batch_pool import default_layout
from desktop_ocr.services.batch_progress import BatchProgressBar, RateMeter, summary_text


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rate_is_measured_over_the_recent_window():
    meter = RateMeter(window_s=10)
    assert meter.rate() is None
    meter.add(0.0, 0)
    meter.add(1.0, 1)  # a slow start (engines loading)
    for t in range(2, 40):
        meter.add(float(t), 1 + (t - 1) * 4)  # then 4 per second
    assert meter.rate() == 4.0


def test_a_pipe_gets_a_line_every_few_seconds_with_rate_and_time_left():
    stream, clock = io.StringIO(), Clock()
    bar = BatchProgressBar(stream, clock=clock)
    bar.update(BatchProgress(0, 0, 100, 0.0, phase="planned"))
    for n in range(1, 51):
        clock.now += 0.5  # 2 images per second
        bar.update(BatchProgress(n - 1 if n > 10 else n, 1 if n > 10 else 0, 100, n * 0.5))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "100 to read"
    assert lines[-1] == "[############------------] 50/100 2.0 img/s 0:25 left, 1 failed"
    assert 4 <= len(lines) <= 7  # one every 5 s over 25 s, not one per image


def test_the_last_image_always_gets_its_line():
    stream, clock = io.StringIO(), Clock()
    bar = BatchProgressBar(stream, clock=clock)
    for n in (1, 2, 3):
        clock.now += 0.1
        bar.update(BatchProgress(n, 0, 3, n * 0.1))
    assert stream.getvalue().splitlines()[-1].startswith("[########################] 3/3")


def test_summary_names_counts_speed_memory_and_failures(tmp_path):
    summary = BatchSummary(
        run_id="r1",
        runner="2 worker process(es) x 1 thread(s)",
        items=30,
        to_read=44,
        read=44,
        done=20,
        failed=24,
        up_to_date=5,
        skipped=2,
        read_s=10.0,
        peak_bytes=100 * 2**20,
        worker_peaks={"h:1": 300 * 2**20, "h:2": 320 * 2**20},
        failures=[(f"in/{i}.png", f"in/{i}.png: empty file") for i in range(24)],
    )
    text = summary_text(summary, tmp_path)
    lines = text.splitlines()
    assert (
        lines[0]
        == "done 20, failed 24, skipped 7 (5 up to date, 2 not images or unreadable folders)"
    )
    assert lines[1] == "read 44 in 10.0 s: 4.40 images/s with 2 worker process(es) x 1 thread(s)"
    assert lines[2] == (
        "peak memory: this process 100 MB; each worker at most 320 MB, "
        "2 worker(s) together at most 620 MB"
    )
    assert lines[4] == "failed:" and lines[5] == "  in/0.png: empty file"
    assert lines[-1] == f"  ... and 4 more (see {tmp_path / 'manifest.jsonl'})"


def test_a_stopped_run_says_how_many_were_not_read(tmp_path):
    summary = BatchSummary(to_read=10, read=4, done=3, failed=1, cancelled=True, read_s=2.0)
    assert ", not read 6 (stopped)" in summary_text(summary, tmp_path).splitlines()[0]


def test_default_layout_shares_the_cores():
    assert default_layout(2) == (2, 1)
    assert default_layout(16) == (16, 1)
    assert default_layout(16, workers=4) == (4, 4)
    assert default_layout(16, threads=4) == (4, 4)
    assert default_layout(2, workers=8) == (8, 1)
    assert default_layout(8, workers=2, threads=2) == (2, 2)
    assert default_layout(16, device="cuda") == (1, None)
