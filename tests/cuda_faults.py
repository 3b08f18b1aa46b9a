"""CUDA that is granted and then fails, on a machine without a GPU.

`failing_cuda(fault, after_runs)` is a session factory for OcrEngine: asked for CUDA, it
makes a real CPU session that says CUDA was granted and, from its `after_runs`-th run on
(counted over all sessions it made), raises the error onnxruntime raises in that case,
with onnxruntime's own exception type and text. Sessions asked for the CPU alone are
plain onnxruntime sessions, so the engine's rebuild on the CPU is the real thing.

The texts are onnxruntime's, as users reported them:
- cudnn_frontend: microsoft/onnxruntime#23301 (cuDNN 9 failing at the first convolution)
- cudnn_not_initialized: Comfy-Org/ComfyUI#5562 (CUDNN_STATUS_NOT_INITIALIZED in Conv)
- out_of_memory: hacksider/Deep-Live-Cam#584 (`CUDA failure 2: out of memory`)
- arena_out_of_memory: microsoft/onnxruntime#22702 (BFCArena cannot allocate)
- launch_failure: C0untFloyd/roop-unleashed#32 (`CUDA failure 719`, a driver reset)

Run as a process's sitecustomize (see `sitecustomize_dir`), it puts the failing factory in
place of onnxruntime.InferenceSession for a whole `desktop-ocr` command, as set by the
DESKTOP_OCR_TEST_CUDA_FAULT variable ("<fault>:<after_runs>").
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"
ENV = "DESKTOP_OCR_TEST_CUDA_FAULT"

_CONV = "Non-zero status code returned while running Conv node. Name:'Conv_0' Status Message: "
_WHERE = " ; GPU=0 ; hostname=desk ; file=/onnxruntime_src/onnxruntime/core/providers/cuda/"

# fault -> (exception class name in onnxruntime_pybind11_state, message)
FAULTS: dict[str, tuple[str, str]] = {
    "cudnn_frontend": (
        "EPFail",
        "[ONNXRuntimeError] : 11 : EP_FAIL : "
        + _CONV.replace("'Conv_0'", "'/features/features.0/Conv'")
        + "Failed to initialize CUDNN Frontend",
    ),
    "cudnn_not_initialized": (
        "Fail",
        "[ONNXRuntimeError] : 1 : FAIL : "
        + _CONV
        + "CUDNN failure 1001: CUDNN_STATUS_NOT_INITIALIZED"
        + _WHERE
        + "nn/conv.cc ; line=467 ; expr=cudnnConvolutionForward(cudnn_handle, &alpha, "
        "s_.x_tensor, s_.x_data, s_.w_desc, s_.w_data, s_.conv_desc, s_.algo, workspace.get(), "
        "s_.workspace_bytes, &beta, s_.y_tensor, s_.y_data); ",
    ),
    "out_of_memory": (
        "Fail",
        "[ONNXRuntimeError] : 1 : FAIL : /onnxruntime_src/onnxruntime/core/providers/cuda/"
        "cuda_call.cc:121 onnxruntime::CudaCall /onnxruntime_src/onnxruntime/core/providers/"
        "cuda/cuda_call.cc:114 onnxruntime::CudaCall CUDA failure 2: out of memory"
        + _WHERE
        + "cuda_stream_handle.cc ; line=175 ; "
        "expr=cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking); ",
    ),
    "arena_out_of_memory": (
        "RuntimeException",
        "[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : "
        + _CONV
        + "/onnxruntime_src/onnxruntime/core/framework/bfc_arena.cc:376 void* "
        "onnxruntime::BFCArena::AllocateRawInternal(size_t, bool, onnxruntime::Stream*, bool, "
        "onnxruntime::WaitNotificationFn) Failed to allocate memory for requested buffer of "
        "size 4585490524",
    ),
    "launch_failure": (
        "Fail",
        "[ONNXRuntimeError] : 1 : FAIL : CUDA failure 719: unspecified launch failure"
        + _WHERE
        + "gpu_data_transfer.cc ; line=73 ; expr=cudaMemcpyAsync(dst_data, src_data, bytes, "
        "cudaMemcpyDeviceToHost, static_cast<cudaStream_t>(stream.GetHandle())); ",
    ),
    # Not CUDA's: a wrong input fails on any device and must not cost the GPU.
    "invalid_argument": (
        "InvalidArgument",
        "[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got invalid dimensions for input: x for "
        "the following indices index: 1 Got: 4 Expected: 3 Please fix either the inputs/outputs "
        "or the model.",
    ),
}


def fault_error(fault: str) -> Exception:
    from onnxruntime.capi import onnxruntime_pybind11_state as state

    kind, message = FAULTS[fault]
    return getattr(state, kind)(message)


class _Counter:
    def __init__(self) -> None:
        self.runs = 0
        self.cpu_sessions = 0
        self.lock = threading.Lock()

    def next_run(self) -> int:
        with self.lock:
            self.runs += 1
            return self.runs


class FailingCudaSession:
    """A CPU session that says CUDA was granted and fails as CUDA does."""

    def __init__(self, real: Any, fault: str, after_runs: int, counter: _Counter) -> None:
        self._real = real
        self._fault = fault
        self._after = after_runs
        self._counter = counter

    def get_providers(self) -> list[str]:
        return [CUDA, CPU]

    def run(self, output_names: Any, feeds: Any, run_options: Any = None) -> Any:
        if self._counter.next_run() > self._after:
            raise fault_error(self._fault)
        return self._real.run(output_names, feeds, run_options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def failing_cuda(fault: str, after_runs: int = 0) -> Callable[..., Any]:
    """A session factory whose CUDA sessions fail from run `after_runs + 1` on."""
    import onnxruntime as ort

    real_session = ort.InferenceSession
    counter = _Counter()

    def factory(path: str, sess_options: Any = None, providers: Any = None, **kw: Any) -> Any:
        names = [p[0] if isinstance(p, tuple) else p for p in providers or []]
        if CUDA not in names:
            counter.cpu_sessions += 1
            return real_session(path, sess_options=sess_options, providers=providers, **kw)
        real = real_session(path, sess_options=sess_options, providers=[CPU], **kw)
        return FailingCudaSession(real, fault, after_runs, counter)

    factory.counter = counter  # type: ignore[attr-defined]
    return factory


def counting_cuda() -> Callable[..., Any]:
    """A session factory whose CUDA sessions never fail; its counter says how many runs."""
    return failing_cuda("launch_failure", after_runs=10**9)


def sitecustomize_dir(tmp_path: Path) -> Path:
    """A folder whose sitecustomize.py installs the fault named by ENV in a child process."""
    folder = tmp_path / "cuda_fault_site"
    folder.mkdir(exist_ok=True)
    repo = Path(__file__).resolve().parent.parent
    (folder / "sitecustomize.py").write_text(
        "import os, sys\n"
        f"sys.path.insert(0, {str(repo)!r})\n"
        f"if os.environ.get({ENV!r}):\n"
        "    import onnxruntime\n"
        "    from tests.cuda_faults import failing_cuda\n"
        f"    fault, after = os.environ[{ENV!r}].split(':')\n"
        "    onnxruntime.InferenceSession = failing_cuda(fault, int(after))\n",
        encoding="utf-8",
    )
    return folder


def fault_env(tmp_path: Path, fault: str, after_runs: int = 0) -> dict[str, str]:
    """The environment of a `desktop-ocr` child process whose CUDA fails as `fault` says."""
    repo = Path(__file__).resolve().parent.parent
    site = sitecustomize_dir(tmp_path)
    return dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(site), str(repo)]),
        PYTHONUNBUFFERED="1",
        **{ENV: f"{fault}:{after_runs}"},
    )


def cpu_sessions_made(engine: Any) -> int:
    """The CPU sessions an engine rebuilt on the CPU once holds: one per model, and the
    recogniser's sessions that read lines side by side, made at its first page."""
    return 3 + len(getattr(engine.runners["rec"], "members", ()))
