"""The window's controller without a display: worker events in, state and changes out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desktop_ocr.engine import load_config
from desktop_ocr.gui.controller import WindowController
from desktop_ocr.gui.job_entry import origin_text
from desktop_ocr.resources import config_path
from desktop_ocr.services.worker import (
    EngineReady,
    JobCancelled,
    JobDone,
    JobFailed,
    JobStarted,
)


@pytest.fixture(scope="module")
def read(default_engine, samples_dir):
    """Real results of two samples: one line (short.png) and many (ch_en_num.jpg)."""
    out = {}
    for name in ("short.png", "ch_en_num.jpg"):
        path = samples_dir / "rapidocr" / name
        loaded = default_engine.load(path)
        out[name] = (path, loaded, default_engine.run(loaded))
    return out


def ready(controller: WindowController, config_name: str = "config.yaml") -> None:
    from desktop_ocr.engine import OcrEngine

    config = load_config(config_path(config_name))
    engine = OcrEngine(config)
    controller.handle(EngineReady(engine.providers, config, 0.5, False))


def test_the_controller_needs_no_tk():
    code = (
        "import sys, desktop_ocr.gui.controller\n"
        "print('tkinter' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"


def test_a_finished_image_is_shown_with_its_config_and_plural(read):
    controller = WindowController(load_config(config_path("config.yaml")))
    ready(controller)
    assert "Models loaded in 0.5 s on CPU." in controller.take_changes().message.text
    path, loaded, result = read["short.png"]
    entry = controller.add_waiting(1, path.name, path)
    assert controller.current == 1 and controller.take_changes().current
    controller.handle(JobStarted(1, path.name))
    assert controller.jobs[1].state == "running"
    controller.handle(JobDone(1, path.name, loaded, result))
    changes = controller.take_changes()
    assert len(result.lines) == 1
    assert changes.message.text.startswith("short.png: 1 line in ")
    assert changes.finished == 1 and changes.timings and 1 in changes.rows
    assert controller.timings == ("short.png", result.timings)
    assert entry.config_source == str(config_path("config.yaml"))
    assert origin_text(entry.config_source) == "config.yaml"
    assert origin_text(entry.config_source, result.pack) == "PP-OCRv6 small · config.yaml"
    assert controller.count() == (1, 1, 0)

    many_path, many_loaded, many = read["ch_en_num.jpg"]
    controller.add_waiting(2, many_path.name, many_path)
    controller.handle(JobDone(2, many_path.name, many_loaded, many))
    assert f"{len(many.lines)} lines in" in controller.take_changes().message.text


def test_results_read_after_a_config_change_name_the_new_config(read):
    controller = WindowController(load_config(config_path("config.yaml")))
    ready(controller)
    path, loaded, result = read["short.png"]
    controller.add_waiting(1, path.name, path)
    controller.handle(JobDone(1, path.name, loaded, result))
    controller.reconfigure(load_config(config_path("config_gpu.yaml")))
    ready(controller, "config_gpu.yaml")
    controller.add_waiting(2, path.name, path)
    controller.handle(JobDone(2, path.name, loaded, result))
    assert origin_text(controller.jobs[1].config_source) == "config.yaml"
    assert origin_text(controller.jobs[2].config_source) == "config_gpu.yaml"


def test_clear_finished_forgets_rows_and_their_timings(read):
    controller = WindowController(load_config(config_path("config.yaml")))
    path, loaded, result = read["short.png"]
    controller.add_waiting(1, path.name, path)
    controller.add_waiting(2, "waits.png", Path("waits.png"))
    controller.handle(JobDone(1, path.name, loaded, result))
    controller.take_changes()
    assert controller.timings is not None
    gone = controller.clear_finished()
    assert gone == [1] and list(controller.jobs) == [2]
    assert controller.timings is None and controller.take_changes().timings
    assert controller.count() == (0, 1, 0)


def test_skips_failures_cancels_and_their_words(tmp_path):
    controller = WindowController(load_config(config_path("config.yaml")))
    a, b = tmp_path / "one" / "labels.json", tmp_path / "two" / "labels.json"
    reason = "not a supported image type (.json)"
    skipped = [controller.add_skipped(a, reason), controller.add_skipped(b, reason)]
    assert [e.folder for e in skipped] == ["one", "two"]
    message = controller.added_message(0, [(a, reason), (b, reason)])
    assert message.text == f"Skipped 2 files (labels.json, labels.json): {reason}."
    assert message.warning
    assert controller.added_message(1, []).text == "Queued 1 image."
    assert controller.added_message(3, []).text == "Queued 3 images."
    controller.add_waiting(1, "x.png", tmp_path / "x.png")
    controller.handle(JobFailed(1, "x.png", "not an image"))
    assert controller.jobs[1].state == "failed"
    assert controller.take_changes().message.warning
    controller.add_waiting(2, "y.png", tmp_path / "y.png")
    controller.handle(JobCancelled(2, "y.png"))
    assert controller.jobs[2].state == "cancelled"
    assert controller.cancelled_message(1).text == "Cancelled 1 waiting image."
    assert controller.cancelled_message(0).text == "Nothing is waiting."
    assert controller.count() == (1, 1, 1)


def test_edits_are_kept_and_exported_beside_the_recognition(read):
    controller = WindowController(load_config(config_path("config.yaml")))
    path, loaded, result = read["ch_en_num.jpg"]
    controller.add_waiting(1, path.name, path)
    controller.handle(JobDone(1, path.name, loaded, result))
    # What the window shows and the user edits: reading order, paragraphs apart.
    assert controller.jobs[1].text == result.page_text != result.text
    edited = result.page_text.replace(result.lines[0].text, "正品促销!")
    assert controller.set_edited_text(1, edited)
    [item] = controller.export_items("current")
    assert item.edited_text == edited and item.result is result
    assert item.lines()[0][0] == "正品促销!"
    assert controller.jobs[1].text == edited
    controller.set_edited_text(1, result.page_text)  # typed back to what was read
    assert controller.jobs[1].edited_text is None
    assert not controller.set_edited_text(99, "no such job")


def test_cuda_failing_after_it_was_granted_is_said_as_such(samples_dir):
    """A real worker whose CUDA fails on the first image: the status says the CPU took over."""
    import queue
    import time

    from desktop_ocr.services.settings_store import build_engine_config
    from desktop_ocr.services.worker import OcrWorker
    from tests.cuda_faults import failing_cuda

    config = build_engine_config({"device": "cuda", "runtime": {"warmup": False}})
    worker = OcrWorker(config, session_factory=failing_cuda("out_of_memory", after_runs=0))
    controller = WindowController(config)
    worker.start()
    try:
        job = worker.submit(samples_dir / "rapidocr" / "short.png")
        controller.add_waiting(job.job_id, "short.png", samples_dir / "rapidocr" / "short.png")
        messages = []
        deadline = time.monotonic() + 180
        while controller.jobs[job.job_id].state not in ("done", "failed"):
            assert time.monotonic() < deadline, messages
            try:
                controller.handle(worker.events.get(timeout=1))
            except queue.Empty:
                continue
            message = controller.take_changes().message
            if message is not None:
                messages.append(message)
    finally:
        assert worker.stop(timeout=180)
    assert controller.jobs[job.job_id].state == "done"
    failed = [m for m in messages if m.text.startswith("CUDA failed, so the engine was rebuilt")]
    assert len(failed) == 1 and failed[0].warning
    assert controller.providers.granted == ("CPUExecutionProvider",)


def test_a_warning_is_not_covered_by_news_of_the_same_burst(read):
    """A failure and the next result come between two draws: the user must see the failure."""
    controller = WindowController(load_config(config_path("config.yaml")))
    ready(controller)
    controller.take_changes()
    bad, good = Path("/no/such/a.png"), read["short.png"]
    controller.add_waiting(1, bad.name, bad)
    controller.add_waiting(2, good[0].name, good[0])
    controller.handle(JobFailed(1, bad.name, "file not found"))
    controller.handle(JobStarted(2, good[0].name))
    controller.handle(JobDone(2, good[0].name, good[1], good[2]))
    message = controller.take_changes().message
    assert message.text == "a.png: file not found" and message.warning
    # Drawn once, it gives way to the next news.
    controller.handle(JobStarted(2, good[0].name))
    assert controller.take_changes().message.text == "Reading short.png…"
