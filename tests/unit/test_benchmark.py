"""The benchmark core on real images and real models: rows, sums, failures, cancel, CUDA."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from desktop_ocr.engine import load_config
from desktop_ocr.services.benchmark import find_images, run_benchmark
from desktop_ocr.services.benchmark_job import BenchmarkFailed, BenchmarkJob
from desktop_ocr.services.benchmark_report import (
    CPU_FALLBACK,
    FAILED,
    MEASURED,
    NOT_GRANTED,
    NOT_RUN,
    BenchmarkReport,
    BenchmarkSettings,
    ConfigChoice,
    ConfigSummary,
    ImageRow,
    NoImagesError,
    device_choice,
)

SMALL = ("rapidocr/ch_en_num.jpg", "paddleocr/imgs_words__en__word_1.png")


@pytest.fixture(scope="module")
def small_folder(samples_dir, tmp_path_factory) -> Path:
    """Two real images, one in a subfolder, and a file that only claims to be an image."""
    folder = tmp_path_factory.mktemp("bench") / "images"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(samples_dir / SMALL[0], folder / "a ch_en_num.jpg")
    shutil.copy(samples_dir / SMALL[1], folder / "sub" / "word 单词.png")
    (folder / "broken.png").write_bytes(b"not a png at all")
    (folder / "readme.txt").write_text("skipped")
    return folder


@pytest.fixture(scope="module")
def small_report(small_folder) -> BenchmarkReport:
    settings = BenchmarkSettings((small_folder,), (device_choice("cpu"),), warmup=1, repeat=2)
    events = []
    report = run_benchmark(settings, progress=events.append)
    report.events = events  # type: ignore[attr-defined]
    return report


def test_rows_failures_and_figures(small_report, small_folder):
    (run,) = small_report.runs
    assert run.status == MEASURED
    assert run.granted == ("CPUExecutionProvider",)
    assert [r.name for r in run.rows] == ["a ch_en_num.jpg", "broken.png", "sub/word 单词.png"]
    good = [r for r in run.rows if r.ok]
    (bad,) = run.failures
    assert bad.name == "broken.png" and "not an image" in bad.error
    assert any(p.endswith("readme.txt") for p, _ in small_report.skipped)

    first = run.rows[0]
    assert (first.width, first.height) == (323, 430)
    assert first.lines >= 10
    assert len(first.runs_ms) == 2
    assert first.total_ms == sorted(first.runs_ms)[0]  # the median of two is the lower run
    for row in good:
        assert row.det_ms > 0 and row.total_ms >= row.det_ms + row.cls_ms + row.rec_ms
        assert 0 < row.infer_ms <= row.total_ms

    s = run.summary
    totals = [r.total_ms / 1000 for r in good]
    assert s.images == 2 and s.failures == 1
    assert s.total_s == pytest.approx(sum(totals))
    assert s.average_s == pytest.approx(s.total_s / 2)
    assert s.median_s == pytest.approx(statistics.median(totals))
    assert min(totals) <= s.p90_s <= max(totals)
    assert s.images_per_s == pytest.approx(2 / s.total_s)
    assert 0 < s.infer_share <= 1
    assert run.engine_start_s > 0 and run.wall_s > s.total_s
    assert run.warmup_images == 1
    assert small_report.complete is False  # an image failed


def test_shapes_count_what_the_measured_images_brought(small_report):
    (run,) = small_report.runs
    # The warm-up read the first image, so it brought no shape of its own.
    assert run.rows[0].new_shapes == 0
    assert run.rows[2].new_shapes > 0
    assert sum(run.shapes_new.values()) == sum(r.new_shapes for r in run.rows)
    for role in ("det", "cls", "rec"):
        assert run.shapes_seen[role] >= run.shapes_new[role]


def test_peak_memory_is_reported(small_report):
    (run,) = small_report.runs
    if run.peak is None:
        pytest.skip("this system reports no peak memory")
    assert run.peak.mib > 50  # the three models alone are larger


def test_progress_counts_up_with_time_left(small_report):
    events = small_report.events
    phases = [e.phase for e in events]
    assert phases[0] == "start" and "warmup" in phases and phases[-1] == "config_done"
    images = [e for e in events if e.phase == "image"]
    assert [e.done for e in images] == [1, 2, 3]
    assert all(e.total == 3 for e in images)
    assert images[0].eta_s is not None and images[-1].eta_s == pytest.approx(0, abs=1e-6)
    assert images[-1].row is small_report.runs[0].rows[-1]


def test_cancel_keeps_the_rows_so_far(small_folder):
    cancel = threading.Event()

    def stop_after_first(event):
        if event.phase == "image":
            cancel.set()

    settings = BenchmarkSettings(
        (small_folder,), (device_choice("cpu"), device_choice("cpu")), warmup=0
    )
    report = run_benchmark(settings, progress=stop_after_first, cancel=cancel)
    assert report.cancelled
    first, second = report.runs
    assert len(first.rows) == 1 and first.rows[0].ok and first.cancelled
    assert first.summary.images == 1
    assert second.status == NOT_RUN and second.rows == []
    assert "not run" in second.verdict()


def test_cuda_not_granted_is_named_and_timed_only_as_cpu_fallback(small_folder, cuda_engine):
    if "CUDAExecutionProvider" in cuda_engine.providers.granted:
        pytest.skip("CUDA works here")
    reason = cuda_engine.providers.diagnosis.summary
    # The bundled CUDA config, without its start-up warm-up of every shape bucket (slow on
    # a CPU and beside the point here).
    config = load_config(device_choice("cuda").config).with_overrides(
        {"runtime": {"warmup": False}}
    )
    cuda = ConfigChoice("CUDA", config)
    settings = BenchmarkSettings((small_folder,), (cuda,), warmup=0)
    (run,) = run_benchmark(settings).runs
    assert run.status == NOT_GRANTED and run.rows == []
    assert run.verdict() == f"CUDA not granted: {reason}"
    assert run.requested[0] == "CUDAExecutionProvider"

    timed = BenchmarkSettings((small_folder / "sub",), (cuda,), warmup=0, time_fallback=True)
    (run,) = run_benchmark(timed).runs
    assert run.status == CPU_FALLBACK and run.timed
    assert run.verdict() == f"CPU fallback (CUDA not granted: {reason})"
    assert len(run.rows) == 1 and run.rows[0].ok


def test_a_config_that_cannot_start_is_recorded(small_folder, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("det:\n  thresh: high\n")
    settings = BenchmarkSettings((small_folder,), (ConfigChoice("mine", bad),), warmup=0)
    (run,) = run_benchmark(settings).runs
    assert run.status == FAILED and not run.timed
    assert "det.thresh" in run.reason and str(bad) in run.reason
    assert run.verdict().startswith("could not start: ")


def test_no_images_is_an_error(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    settings = BenchmarkSettings((tmp_path,), (device_choice("cpu"),))
    with pytest.raises(NoImagesError, match="no image files"):
        run_benchmark(settings)


def test_settings_are_checked():
    with pytest.raises(ValueError, match="repeat"):
        BenchmarkSettings((Path(),), (device_choice("cpu"),), repeat=0)
    with pytest.raises(ValueError, match="warm-up"):
        BenchmarkSettings((Path(),), (device_choice("cpu"),), warmup=-1)
    with pytest.raises(ValueError, match="at least one config"):
        BenchmarkSettings((Path(),), ())
    with pytest.raises(ValueError, match="unknown device"):
        device_choice("tpu")


def test_names_say_which_folder_when_there_are_several(tmp_path, samples_dir):
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        shutil.copy(samples_dir / SMALL[1], tmp_path / name / "w.png")
    files, _ = find_images([tmp_path / "one", tmp_path / "two", tmp_path / "one" / "w.png"])
    assert [name for _, name in files] == ["one/w.png", "two/w.png"]


def test_summary_statistics_match_numpy():
    totals = [120.0, 80.0, 200.0, 95.0, 1000.0]
    rows = [
        ImageRow("c", f"{i}.png", f"{i}.png", total_ms=t, infer_ms=t / 2)
        for i, t in enumerate(totals)
    ]
    rows.append(ImageRow("c", "x.png", "x.png", error="unreadable"))
    s = ConfigSummary.from_rows(rows)
    seconds = np.array(totals) / 1000
    assert s.images == 5 and s.failures == 1
    assert s.total_s == pytest.approx(seconds.sum())
    assert s.median_s == pytest.approx(np.median(seconds))
    assert s.p90_s == pytest.approx(np.percentile(seconds, 90))
    assert s.infer_share == pytest.approx(0.5)
    empty = ConfigSummary.from_rows([])
    assert empty.images == 0 and empty.average_s is None and empty.images_per_s is None


def test_job_reports_through_its_queue(tmp_path):
    job = BenchmarkJob(BenchmarkSettings((tmp_path,), (device_choice("cpu"),)))
    job.start()
    job.join(60)
    assert not job.running
    (event,) = job.poll()
    assert isinstance(event, BenchmarkFailed) and "no image files" in event.message


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="resettable peak is Linux-only")
def test_peak_memory_resets_and_sees_a_new_allocation():
    # In a fresh process: the allocator may hand this block pages that earlier tests left
    # resident, which would hide it from the peak.
    code = """
import numpy as np
from desktop_ocr.services.peak_memory import peak_memory, reset_peak
big = bytearray(64 * 2**20)
del big
assert reset_peak()
before = peak_memory(was_reset=True)
block = np.ones(48 * 2**20, dtype=np.uint8)  # touched, so resident
after = peak_memory(was_reset=True)
assert after.scope == "since reset", after
assert after.bytes - before.bytes >= 40 * 2**20, (before, after)
print("ok")
"""
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
    )
    assert proc.stdout.strip() == "ok", proc.stderr
