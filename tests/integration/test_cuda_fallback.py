"""CUDA asked for on a machine without it: CPU is granted and the reason is named."""

from __future__ import annotations

import pytest

from desktop_ocr.engine.cuda_diagnosis import diagnose_cuda

KNOWN_PROBLEMS = {
    "cpu_only_onnxruntime",
    "no_driver",
    "no_device",
    "driver_error",
    "driver_too_old",
    "missing_cuda_library",
    "missing_cudnn",
}


def test_cuda_request_falls_back_with_a_diagnosis(cuda_engine, samples_dir):
    report = cuda_engine.providers
    if "CUDAExecutionProvider" in report.granted:
        pytest.skip("this machine has a working CUDA setup")
    assert report.requested == ("CUDAExecutionProvider", "CPUExecutionProvider")
    assert report.granted == ("CPUExecutionProvider",)
    assert report.fell_back
    diagnosis = report.diagnosis
    assert diagnosis is not None
    assert diagnosis.problem in KNOWN_PROBLEMS
    assert diagnosis.fix
    # The engine still works, on the CPU, and says so in every result.
    result = cuda_engine(samples_dir / "rapidocr" / "ch_en_num.jpg")
    assert result.lines[0].text == "正品促销"
    assert result.providers.granted == ("CPUExecutionProvider",)


def test_diagnosis_names_the_missing_piece_here(cuda_engine):
    diagnosis = cuda_engine.providers.diagnosis
    if diagnosis is None:
        pytest.skip("CUDA works here")
    text = diagnosis.text()
    names = {
        "no_driver": "libcuda.so.1",
        "missing_cuda_library": ".so",
        "missing_cudnn": "cudnn",
        "cpu_only_onnxruntime": "CPU-only",
        "driver_too_old": "driver supports CUDA",
        "no_device": "cuInit",
        "driver_error": "cuInit",
    }
    assert names[diagnosis.problem] in text
    # onnxruntime's own words, captured from the native stderr, are kept as details.
    assert any(line.startswith("onnxruntime:") for line in diagnosis.details)


def test_diagnosis_is_reproducible_without_an_engine():
    diagnosis = diagnose_cuda("")
    import onnxruntime as ort

    if "CUDAExecutionProvider" not in ort.get_available_providers():
        assert diagnosis.problem == "cpu_only_onnxruntime"
    assert diagnosis.summary and diagnosis.fix


def test_cpu_fallback_drops_the_cuda_shape_padding(cuda_engine):
    if "CUDAExecutionProvider" in cuda_engine.providers.granted:
        pytest.skip("CUDA works here")
    assert cuda_engine.config.det.shape_buckets  # asked for ...
    assert cuda_engine.detector.opts.shape_buckets == ()  # ... but not used on the CPU
    assert cuda_engine.recognizer.opts.width_buckets == ()
    assert not cuda_engine.recognizer.opts.pad_batch
