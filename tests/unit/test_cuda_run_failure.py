"""CUDA granted, then failing on a run: diagnosed, rebuilt on the CPU once, and carried on.

No GPU is needed: tests/cuda_faults.py hands out real CPU sessions that say CUDA was granted
and raise what onnxruntime raises when cuDNN, GPU memory or the driver fail.
"""

from __future__ import annotations

import ctypes

import pytest

from desktop_ocr.engine import OcrEngine, cuda_diagnosis, load_config
from desktop_ocr.engine.cuda_diagnosis import diagnose_cuda_failure
from desktop_ocr.engine.errors import InferenceError
from tests.conftest import CONFIGS
from tests.cuda_faults import FAULTS, counting_cuda, cpu_sessions_made, failing_cuda

CPU_ONLY = ("CPUExecutionProvider",)
BOTH = ("CUDAExecutionProvider", "CPUExecutionProvider")
IMAGE = "rapidocr/ch_en_num.jpg"
FIRST_LINE = "正品促销"


def _first_missing_cudnn_library() -> str | None:
    """The cuDNN 9 library that cannot be loaded here (None where cuDNN 9 is complete)."""
    for part in cuda_diagnosis._CUDNN_PARTS:
        name = cuda_diagnosis._cudnn_part(part)
        try:
            ctypes.CDLL(name)
        except OSError:
            return name
    return None


MISSING = _first_missing_cudnn_library()
CUDNN = (
    ("missing_cudnn", f"{MISSING} is missing", "nvidia-cudnn-cu13")
    if MISSING
    else ("cudnn_failed", "cuDNN failed", "nvidia-cudnn-cu13")
)
# fault -> (problem, words the summary must hold, words the fix must hold)
EXPECTED = {
    "cudnn_frontend": CUDNN,
    "cudnn_not_initialized": CUDNN,
    "out_of_memory": ("gpu_out_of_memory", "CUDA failure 2: out of memory", "nvidia-smi"),
    "arena_out_of_memory": (
        "gpu_out_of_memory",
        "Failed to allocate memory for requested buffer of size 4585490524",
        "gpu_mem_limit",
    ),
    "launch_failure": ("gpu_fault", "CUDA failure 719: unspecified launch failure", "R580"),
}


def gpu_config(**overrides):
    """config_gpu.yaml, with small shape buckets so a CPU can run its warm-up quickly."""
    base = {"det": {"shape_buckets": [320, 640]}, "rec": {"width_buckets": [320, 640]}}
    for key, value in overrides.items():
        base.setdefault(key, {}).update(value)
    return load_config(CONFIGS / "config_gpu.yaml", overrides=base)


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_each_failure_is_diagnosed_in_words_a_user_can_act_on(fault):
    problem, summary_words, fix_words = EXPECTED[fault]
    diagnosis = diagnose_cuda_failure(FAULTS[fault][1], "while reading scan.png")
    assert diagnosis is not None
    assert diagnosis.problem == problem
    assert diagnosis.at_run_time
    assert summary_words in diagnosis.summary
    assert "while reading scan.png" in diagnosis.summary
    assert fix_words in diagnosis.fix
    assert "onnxruntime package: onnxruntime-gpu 1.31.1" in diagnosis.details
    assert "built for CUDA 13.0" in diagnosis.details


def test_an_error_that_is_not_cudas_is_not_diagnosed_as_one():
    assert diagnose_cuda_failure(FAULTS["invalid_argument"][1]) is None


@pytest.mark.parametrize("fault", ["cudnn_frontend", "launch_failure"])
def test_failing_warm_up_leaves_a_ready_engine_on_the_cpu(fault, samples_dir):
    factory = failing_cuda(fault, after_runs=0)
    engine = OcrEngine(gpu_config(), session_factory=factory)

    report = engine.providers
    assert report.requested == BOTH
    assert report.granted == CPU_ONLY
    assert report.diagnosis is not None and report.diagnosis.problem == EXPECTED[fault][0]
    assert engine.cuda_failure is not None
    assert engine.cuda_failure.during == "during the warm-up"
    assert factory.counter.cpu_sessions == cpu_sessions_made(engine)
    # The CPU engine runs the CPU way: no CUDA shape padding.
    assert engine.detector.opts.shape_buckets == ()
    assert engine.recognizer.opts.width_buckets == ()

    result = engine(samples_dir / IMAGE)
    assert result.lines[0].text == FIRST_LINE
    assert result.providers.granted == CPU_ONLY
    assert result.notes == (f"read on the CPU after CUDA failed: {report.diagnosis.summary}",)


def test_failing_first_image_is_read_again_on_the_cpu_and_the_queue_goes_on(samples_dir):
    factory = failing_cuda("out_of_memory", after_runs=0)
    engine = OcrEngine(gpu_config(runtime={"warmup": False}), session_factory=factory)
    assert engine.providers.granted == BOTH and engine.cuda_failure is None

    first = engine(samples_dir / IMAGE)
    assert first.lines[0].text == FIRST_LINE
    assert first.providers.granted == CPU_ONLY
    diagnosis = first.providers.diagnosis
    assert diagnosis is not None and diagnosis.problem == "gpu_out_of_memory"
    assert str(samples_dir / IMAGE) in diagnosis.summary
    assert first.notes == (f"read on the CPU after CUDA failed: {diagnosis.summary}",)

    second = engine(samples_dir / "rapidocr" / "text_rec.jpg")
    assert second.text == "韩国小馆"
    assert second.providers.granted == CPU_ONLY
    # Rebuilt once, not once per image.
    assert factory.counter.cpu_sessions == cpu_sessions_made(engine)


def test_failure_on_a_later_image_keeps_the_earlier_results(samples_dir):
    counter = counting_cuda()
    probe = OcrEngine(gpu_config(runtime={"warmup": False}), session_factory=counter)
    probe(samples_dir / IMAGE)
    runs_per_image = counter.counter.runs
    del probe

    factory = failing_cuda("launch_failure", after_runs=runs_per_image)
    engine = OcrEngine(gpu_config(runtime={"warmup": False}), session_factory=factory)
    on_gpu = engine(samples_dir / IMAGE)
    assert on_gpu.providers.granted == BOTH and on_gpu.notes == ()
    after = engine(samples_dir / IMAGE)
    assert after.providers.granted == CPU_ONLY
    # ... and reads as the CPU config does: without the padded batches meant for cuDNN.
    on_cpu = OcrEngine(gpu_config(runtime={"warmup": False}).for_cpu())(samples_dir / IMAGE)
    assert [line.text for line in after.lines] == [line.text for line in on_cpu.lines]
    assert len(after.lines) > 10
    assert engine.cuda_failure is not None
    assert engine.cuda_failure.during == f"while reading {samples_dir / IMAGE}"
    assert "CUDA failure 719" in engine.cuda_failure.error


def test_an_error_that_is_not_cudas_is_raised_and_cuda_is_kept(samples_dir):
    factory = failing_cuda("invalid_argument", after_runs=0)
    engine = OcrEngine(gpu_config(runtime={"warmup": False}), session_factory=factory)
    with pytest.raises(InferenceError, match="INVALID_ARGUMENT"):
        engine(samples_dir / IMAGE)
    assert engine.providers.granted == BOTH
    assert engine.cuda_failure is None
    assert factory.counter.cpu_sessions == 0
