"""CUDA granted and then failing, in the real window: what the user is told, and the queue.

The engine's sessions come from tests/cuda_faults.py: real CPU sessions that say CUDA was
granted and raise onnxruntime's own CUDA errors on their first run, so this runs on any
machine and the engine's rebuild on the CPU is the real one.
"""

from __future__ import annotations

import pytest

from desktop_ocr.services.settings_store import Settings, SettingsStore
from tests.cuda_faults import CPU, counting_cuda, cpu_sessions_made, failing_cuda
from tests.gui.driving import pump, wait_done

pytestmark = pytest.mark.gui

IMAGES = ("issue_170.png", "short.png", "img_exif_orientation.jpg")


def warm_up_runs() -> int:
    """How many runs the CUDA config's warm-up makes, so a fault can come just after it."""
    from desktop_ocr.engine import OcrEngine
    from desktop_ocr.services.settings_store import build_engine_config

    probe = counting_cuda()
    OcrEngine(build_engine_config({"device": "cuda"}), session_factory=probe)
    return probe.counter.runs


def messages_seen(window) -> list[str]:
    """Every text the status bar's message shows, as the window draws it, from now on."""
    seen: list[str] = []
    own = window.status.set_message

    def recording(text: str, *, warning: bool = False) -> None:
        seen.append(("⚠ " if warning else "") + text)
        own(text, warning=warning)

    window.status.set_message = recording
    return seen


@pytest.mark.parametrize(
    ("fault", "on_first_image", "problems", "during"),
    [
        # On a GPU machine with cuDNN it is "cudnn_failed"; without it, "missing_cudnn".
        ("cudnn_not_initialized", False, ("missing_cudnn", "cudnn_failed"), "during the warm-up"),
        ("out_of_memory", True, ("gpu_out_of_memory",), "while reading {first}"),
    ],
    ids=["cudnn-in-the-warm-up", "out-of-memory-on-the-first-image"],
)
def test_cuda_failing_while_running_is_told_and_the_queue_goes_on(
    open_app, config_dir, samples_dir, fault, on_first_image, problems, during
):
    SettingsStore(config_dir).save(Settings(engine={"device": "cuda"}))
    factory = failing_cuda(fault, after_runs=warm_up_runs() if on_first_image else 0)
    window = open_app(session_factory=factory)
    seen = messages_seen(window)
    paths = [samples_dir / "rapidocr" / name for name in IMAGES]
    window.add_paths(paths)
    wait_done(window, len(IMAGES))
    pump(window.root, lambda: window.worker.pending == 0, what="the queue to empty")

    # The queue carried on: every image read, on the CPU, each saying why.
    entries = list(window.jobs.values())
    assert [e.state for e in entries] == ["done"] * len(IMAGES)
    report = window.providers
    diagnosis = report.diagnosis
    assert diagnosis is not None and diagnosis.at_run_time
    assert diagnosis.problem in problems
    assert during.format(first=paths[0]) in diagnosis.summary, diagnosis.summary
    assert report.granted == (CPU,)
    for entry in entries:
        assert entry.result.providers.granted == (CPU,)
        assert entry.result.notes[-1] == (
            f"read on the CPU after CUDA failed: {diagnosis.summary}"
        )
    assert entries[0].result.lines[0].text == "TEST"
    assert entries[2].result.lines[0].text == "我是中国人"
    # Rebuilt on the CPU once, not per image.
    assert factory.counter.cpu_sessions == cpu_sessions_made(window.worker._engine)

    # The status bar: the provider says CUDA failed while running, not "not granted".
    label = window.status.text_of("providers")
    assert label == "⚠ CPUExecutionProvider (CUDA failed while running, click for why)"
    assert str(window.status.providers.cget("style")) == "Warning.TLabel"
    told = [m for m in seen if m.startswith("⚠ CUDA failed")]
    assert told == [
        "⚠ CUDA failed, so the engine was rebuilt on the CPU and carries on there: "
        + diagnosis.summary
    ]

    # A click on it gives the diagnosis in the same words, with what to do.
    window.status.providers.event_generate("<Button-1>")
    window.root.update()
    details = window.dialogs[-1]
    assert details.title() == "CUDA failed while running"
    assert details.heading_text == diagnosis.summary
    assert details.body_text == diagnosis.text()
    shown = details.text.get("1.0", "end")
    assert f"How to fix: {diagnosis.fix}" in shown
    assert "onnxruntime package: onnxruntime-gpu" in shown

    # The text pane's header says it too, for the image shown.
    header = str(window.text_panel.subheader.cget("text"))
    assert "read on the CPU after CUDA failed" in header
