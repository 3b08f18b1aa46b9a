"""The OCR worker thread with the real engine: events, bad input, cancel, rebuild, failure."""

from __future__ import annotations

import queue
import threading
import time

import numpy as np
import pytest
from PIL import Image

from desktop_ocr.services.display_images import make_display_image
from desktop_ocr.services.page_reader import load_preview
from desktop_ocr.services.settings_store import build_engine_config
from desktop_ocr.services.worker import (
    EngineFailed,
    EngineLoading,
    EngineReady,
    JobCancelled,
    JobDone,
    JobFailed,
    JobStarted,
    OcrWorker,
    Progress,
)
from tests.cuda_faults import cpu_sessions_made, failing_cuda
from tests.unit.rgba_images import screenshot_rgba

TIMEOUT_S = 180


def collect(worker: OcrWorker, until, timeout: float = TIMEOUT_S) -> list:
    """Events until `until(events)` holds."""
    events: list = []
    deadline = time.monotonic() + timeout
    while not until(events):
        left = deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"worker events so far: {[type(e).__name__ for e in events]}")
        try:
            events.append(worker.events.get(timeout=min(left, 1.0)))
        except queue.Empty:
            continue
    return events


def finished(n: int):
    return lambda events: (
        sum(isinstance(e, (JobDone, JobFailed, JobCancelled)) for e in events) >= n
    )


@pytest.fixture
def worker():
    started = OcrWorker(build_engine_config({}))
    yield started
    assert started.stop(timeout=TIMEOUT_S)


def test_jobs_run_in_order_and_a_bad_one_does_not_stop_the_rest(worker, samples_dir, tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"nope")
    worker.start()
    assert threading.current_thread() is threading.main_thread()
    first = worker.submit(samples_dir / "rapidocr" / "text_rec.jpg")
    broken = worker.submit(bad, name="bad.png")
    pasted = worker.submit((samples_dir / "rapidocr" / "short.png").read_bytes(), name="pasted")
    events = collect(worker, lambda ev: Progress(finished=3, pending=0) in ev)

    assert isinstance(events[0], EngineLoading) and isinstance(events[1], EngineReady)
    assert events[1].providers.granted == ("CPUExecutionProvider",)
    jobs = [e for e in events if isinstance(e, (JobStarted, JobDone, JobFailed))]
    assert [(type(e).__name__, e.job_id) for e in jobs] == [
        ("JobStarted", first.job_id),
        ("JobDone", first.job_id),
        ("JobStarted", broken.job_id),
        ("JobFailed", broken.job_id),
        ("JobStarted", pasted.job_id),
        ("JobDone", pasted.job_id),
    ]
    done = jobs[1]
    assert "韩国小馆" in done.result.text
    assert done.result.source == str(samples_dir / "rapidocr" / "text_rec.jpg")
    assert done.image.bgr.shape[1::-1] == done.result.image_size  # the pixels boxes refer to
    assert jobs[3].name == "bad.png" and jobs[3].reason
    assert jobs[5].result.lines and jobs[5].name == "pasted"
    assert next(e for e in events if isinstance(e, Progress)) == Progress(finished=1, pending=2)


def test_the_engine_gives_its_spare_memory_back_when_the_queue_runs_out(worker, samples_dir):
    worker.start()
    image = samples_dir / "rapidocr" / "ch_en_num.jpg"
    for _ in range(3):
        worker.submit(image)
    collect(worker, finished(3))
    det = worker._engine.runners["det"]
    deadline = time.monotonic() + 30
    while det.releases == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert det.releases == 1  # once, when the last of the three was read, not after each
    worker.submit(image)
    collect(worker, finished(1))
    deadline = time.monotonic() + 30
    while det.releases == 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert det.releases == 2


def test_cancel_drops_the_waiting_jobs_and_the_running_one_finishes(worker, samples_dir):
    image = samples_dir / "rapidocr" / "ch_en_num.jpg"
    worker.start()
    jobs = [worker.submit(image) for _ in range(4)]
    events = collect(worker, lambda ev: any(isinstance(e, JobStarted) for e in ev))
    dropped = worker.cancel()
    assert [j.job_id for j in dropped] == [j.job_id for j in jobs[1:]]
    events += collect(worker, finished(4))
    cancelled = [e.job_id for e in events if isinstance(e, JobCancelled)]
    done = [e.job_id for e in events if isinstance(e, JobDone)]
    assert cancelled == [j.job_id for j in jobs[1:]] and done == [jobs[0].job_id]
    assert worker.pending == 0


def test_reconfigure_rebuilds_the_engine_between_jobs(worker, samples_dir, default_engine):
    image = samples_dir / "rapidocr" / "ch_en_num.jpg"
    every = default_engine(image).lines
    certain = [line.text for line in every if line.score >= 0.99]
    assert 0 < len(certain) < len(every)  # the threshold below keeps some lines, not all
    worker.start()
    collect(worker, lambda ev: any(isinstance(e, EngineReady) for e in ev))
    strict = build_engine_config(
        {"pipeline": {"text_score": 0.99}, "runtime": {"intra_op_threads": 1}}
    )
    worker.reconfigure(strict)
    job = worker.submit(image)
    events = collect(worker, finished(1))
    [ready] = [e for e in events if isinstance(e, EngineReady)]
    assert ready.config == strict and worker.config == strict
    [done] = [e for e in events if isinstance(e, JobDone)]
    assert done.job_id == job.job_id
    assert [line.text for line in done.result.lines] == certain
    assert min(line.score for line in done.result.lines) >= 0.99


def test_an_engine_that_cannot_load_fails_jobs_until_fixed(samples_dir):
    broken = build_engine_config({}).with_overrides({"models": {"det": "no-such-model.onnx"}})
    worker = OcrWorker(broken)
    worker.start()
    try:
        job = worker.submit(samples_dir / "rapidocr" / "short.png")
        events = collect(worker, finished(1))
        [failed_engine] = [e for e in events if isinstance(e, EngineFailed)]
        assert "no-such-model.onnx" in failed_engine.message
        [failed] = [e for e in events if isinstance(e, JobFailed)]
        assert failed.job_id == job.job_id
        assert failed.reason.startswith("the OCR engine is not available")
        worker.reconfigure(build_engine_config({}))
        worker.submit(samples_dir / "rapidocr" / "short.png")
        events = collect(worker, finished(1))
        assert any(isinstance(e, EngineReady) for e in events)
        assert any(isinstance(e, JobDone) for e in events)
    finally:
        assert worker.stop(timeout=TIMEOUT_S)
    assert not worker.is_alive()


def test_load_preview_decodes_like_the_engine(samples_dir):
    config = build_engine_config({})
    loaded = load_preview(samples_dir / "rapidocr" / "img_exif_orientation.jpg", config)
    assert loaded.notes and "EXIF" in loaded.notes[0]


# -- CUDA granted, then failing ---------------------------------------------------------------


def gpu_config(**overrides):
    """config_gpu.yaml with small shape buckets, so its warm-up is quick on a CPU."""
    base = {"det": {"shape_buckets": [320, 640]}, "rec": {"width_buckets": [320, 640]}}
    base.update(overrides)
    return build_engine_config({"device": "cuda", **base})


def test_cuda_failing_in_the_warm_up_gives_a_ready_engine_on_the_cpu(samples_dir):
    worker = OcrWorker(gpu_config(), session_factory=failing_cuda("cudnn_frontend"))
    worker.start()
    try:
        job = worker.submit(samples_dir / "rapidocr" / "ch_en_num.jpg")
        events = collect(worker, finished(1))
    finally:
        assert worker.stop(timeout=TIMEOUT_S)
    assert not any(isinstance(e, EngineFailed) for e in events)
    [ready] = [e for e in events if isinstance(e, EngineReady)]
    assert ready.providers.granted == ("CPUExecutionProvider",)
    assert ready.providers.fell_back and not ready.warmed_up
    diagnosis = ready.providers.diagnosis
    assert diagnosis is not None and diagnosis.at_run_time
    assert ready.message == (
        f"CUDA failed, so the engine was rebuilt on the CPU and carries on there: "
        f"{diagnosis.summary}"
    )
    assert "during the warm-up" in diagnosis.summary
    [done] = [e for e in events if isinstance(e, JobDone)]
    assert done.job_id == job.job_id
    assert done.result.lines[0].text == "正品促销"
    assert done.result.providers.granted == ("CPUExecutionProvider",)


def test_cuda_failing_on_a_job_is_told_before_its_result_and_the_queue_goes_on(samples_dir):
    factory = failing_cuda("out_of_memory", after_runs=0)
    worker = OcrWorker(gpu_config(runtime={"warmup": False}), session_factory=factory)
    first_image = samples_dir / "rapidocr" / "ch_en_num.jpg"
    worker.start()
    try:
        first = worker.submit(first_image)
        second = worker.submit(samples_dir / "rapidocr" / "text_rec.jpg")
        events = collect(worker, finished(2))
        sessions_held = cpu_sessions_made(worker._engine)
    finally:
        assert worker.stop(timeout=TIMEOUT_S)
    kinds = [
        (type(e).__name__, getattr(e, "job_id", None))
        for e in events
        if not isinstance(e, (Progress, EngineLoading))
    ]
    assert kinds == [
        ("EngineReady", None),
        ("JobStarted", first.job_id),
        ("EngineReady", None),
        ("JobDone", first.job_id),
        ("JobStarted", second.job_id),
        ("JobDone", second.job_id),
    ]
    on_gpu, on_cpu = [e for e in events if isinstance(e, EngineReady)]
    assert on_gpu.providers.granted == ("CUDAExecutionProvider", "CPUExecutionProvider")
    assert on_gpu.message == ""
    assert on_cpu.providers.granted == ("CPUExecutionProvider",)
    assert on_cpu.providers.diagnosis.problem == "gpu_out_of_memory"
    assert on_cpu.message.startswith("CUDA failed, so the engine was rebuilt on the CPU")
    assert f"while reading {first_image}" in on_cpu.message
    done = [e for e in events if isinstance(e, JobDone)]
    assert done[0].result.lines[0].text == "正品促销"
    assert done[1].result.text == "韩国小馆"
    for event in done:
        assert event.result.providers.granted == ("CPUExecutionProvider",)
        assert event.result.notes == (
            f"read on the CPU after CUDA failed: {on_cpu.providers.diagnosis.summary}",
        )
    assert factory.counter.cpu_sessions == sessions_held


# -- what the window is handed to show ---------------------------------------------------------


def test_the_window_is_shown_transparent_images_as_they_look(samples_dir, tmp_path):
    shot = tmp_path / "screenshot.png"
    screenshot_rgba().save(shot)
    white = samples_dir / "rapidocr" / "white_font_color_transparent.png"
    worker = OcrWorker(build_engine_config({}))
    worker.start()
    try:
        jobs = [worker.submit(shot), worker.submit(white)]
        events = collect(worker, finished(2))
    finally:
        assert worker.stop(timeout=TIMEOUT_S)
    done = {e.job_id: e for e in events if isinstance(e, JobDone)}
    shown_shot = make_display_image(done[jobs[0].job_id].image).preview
    source = np.asarray(Image.open(shot))
    opaque = source[..., 3] == 255
    assert np.array_equal(shown_shot[opaque], source[..., :3][opaque])  # nothing inverted
    assert "Hello window" in done[jobs[0].job_id].result.text

    shown_white = make_display_image(done[jobs[1].job_id].image).preview
    drawn = np.asarray(Image.open(white).convert("RGBA"))[..., 3] == 255
    assert shown_white[drawn].min() == 255  # the white text is shown white ...
    assert shown_white[~drawn].max() == 0  # ... on black, where it stands out
    assert done[jobs[1].job_id].result.lines[0].text == "我是中国人"


def test_a_consumer_that_is_behind_holds_the_worker_back(samples_dir):
    """Results carry their pixels: no more than `max_unread` wait in the queue untaken."""
    image = samples_dir / "rapidocr" / "short.png"
    worker = OcrWorker(build_engine_config({}), max_unread=2)
    worker.start()
    try:
        jobs = [worker.submit(image) for _ in range(5)]
        deadline = time.monotonic() + TIMEOUT_S
        while worker.events.unread < 2:
            assert time.monotonic() < deadline, "the first two results never came"
            time.sleep(0.05)
        time.sleep(1.5)  # time enough to read more, were it allowed (short.png takes ms)
        assert worker.events.unread == 2 and worker.pending == 3
        # Taking the results out lets the rest be read, in order.
        events = collect(worker, finished(5))
        done = [e.job_id for e in events if isinstance(e, JobDone)]
        assert done == [j.job_id for j in jobs] and worker.events.unread == 0
    finally:
        assert worker.stop(timeout=TIMEOUT_S)
