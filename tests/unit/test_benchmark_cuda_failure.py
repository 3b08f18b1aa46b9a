"""The benchmark when CUDA is granted and then fails: never timed as CUDA, always said why."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop_ocr.engine import OcrEngine
from desktop_ocr.services.benchmark import run_benchmark
from desktop_ocr.services.benchmark_report import (
    CPU_FALLBACK,
    MEASURED,
    NOT_GRANTED,
    BenchmarkSettings,
    ConfigChoice,
)
from desktop_ocr.services.report_writers import to_markdown
from desktop_ocr.services.settings_store import build_engine_config
from tests.cuda_faults import counting_cuda, failing_cuda

IMAGES = ("rapidocr/ch_en_num.jpg", "rapidocr/text_rec.jpg", "rapidocr/short.png")


@pytest.fixture(scope="module")
def three_images(samples_dir, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bench cuda")
    for n, name in enumerate(IMAGES):
        shutil.copy(samples_dir / name, folder / f"{n} {Path(name).name}")
    return folder


def gpu_config(**overrides):
    base = {"det": {"shape_buckets": [320, 640]}, "rec": {"width_buckets": [320, 640]}}
    base.update(overrides)
    return build_engine_config({"device": "cuda", **base})


def settings(folder: Path, config, **kw) -> BenchmarkSettings:
    return BenchmarkSettings((folder,), (ConfigChoice("CUDA", config),), **kw)


def test_cuda_failing_in_the_warm_up_is_not_timed_and_says_why(three_images):
    report = run_benchmark(
        settings(three_images, gpu_config(), warmup=0),
        session_factory=failing_cuda("cudnn_frontend"),
    )
    (run,) = report.runs
    assert run.status == NOT_GRANTED
    assert run.cuda_failed and run.rows == []
    assert run.granted == ("CPUExecutionProvider",)
    assert run.verdict().startswith("CUDA failed: cuDNN")
    assert "during the warm-up" in run.verdict()
    assert not report.complete
    assert f"| Providers | CUDA failed: {run.reason} |" in to_markdown(report)


def test_with_time_fallback_it_is_timed_as_the_cpu_fallback(three_images):
    report = run_benchmark(
        settings(three_images, gpu_config(), warmup=1, time_fallback=True),
        session_factory=failing_cuda("launch_failure"),
    )
    (run,) = report.runs
    assert run.status == CPU_FALLBACK
    assert run.verdict().startswith("CPU fallback (CUDA failed: The GPU stopped working")
    assert [r.ok for r in run.rows] == [True, True, True]
    assert run.warmup_images == 1


def test_cuda_failing_on_an_image_keeps_the_rows_before_and_times_nothing_after(three_images):
    config = gpu_config(runtime={"warmup": False})
    counter = counting_cuda()
    first = sorted(three_images.iterdir())[0]
    read_alone = OcrEngine(config, session_factory=counter)(first)
    runs_for_first_image = counter.counter.runs

    report = run_benchmark(
        settings(three_images, config, warmup=0),
        session_factory=failing_cuda("out_of_memory", after_runs=runs_for_first_image),
    )
    (run,) = report.runs
    assert run.status == MEASURED and run.cuda_failed
    assert [r.ok for r in run.rows] == [True, False]  # the third image was not timed
    assert run.rows[0].lines == len(read_alone.lines) > 10
    assert run.rows[1].error == f"CUDA failed: {run.reason}"
    assert "The GPU ran out of memory while reading" in run.reason
    assert run.granted == ("CUDAExecutionProvider", "CPUExecutionProvider")
    assert run.verdict().startswith(
        "CUDAExecutionProvider, CPUExecutionProvider for 1 images, then CUDA failed"
    )
    assert run.summary.images == 1
    assert not report.complete
    assert "| Images | 1 of 3 (CUDA failed) |" in to_markdown(report)
