"""Explains why CUDA was not granted, by probing the pieces it needs in the order they load.

onnxruntime-gpu falls back to the CPU silently and writes its reason to the C++ stderr,
so the engine probes the driver, the device, the driver's CUDA version, the CUDA
provider library and cuDNN itself, and names the first piece that is missing.
"""

from __future__ import annotations

import ctypes
import logging
import re
import sys
from pathlib import Path

from desktop_ocr.engine.results import CudaDiagnosis
from desktop_ocr.resources import is_frozen

logger = logging.getLogger(__name__)

IS_WINDOWS = sys.platform == "win32"
CUDA_PROVIDER = "CUDAExecutionProvider"
GPU_PACKAGE_PIN = "onnxruntime-gpu==1.31.1"
# CUDA 13 and cuDNN 9 as pip wheels, for the packaged app, which has no pip of its own.
_APP_CUDA_WHEELS = (
    '"nvidia-cuda-runtime~=13.0" "nvidia-cuda-nvrtc~=13.0" "nvidia-cufft~=12.0" '
    '"nvidia-curand~=10.0" "nvidia-cudnn-cu13~=9.0"'
)


def _app_cuda_fix(major: int) -> str:
    """How to add CUDA to the packaged app (see README, CUDA for the GPU flavour)."""
    folder = getattr(sys, "_MEIPASS", "<app folder>/_internal")
    return (
        f"Install CUDA {major} and cuDNN 9 system-wide (their lib folders on the library "
        f'path), or add them to the app with any Python: pip install --target "{folder}" '
        f"{_APP_CUDA_WHEELS}"
    )


# cuInit return codes worth naming (CUDA driver API).
_CU_ERRORS = {
    100: "no CUDA-capable GPU was found (CUDA_ERROR_NO_DEVICE)",
    999: "unknown driver error (CUDA_ERROR_UNKNOWN)",
    3: "the driver could not be initialised (CUDA_ERROR_NOT_INITIALIZED)",
    35: "the driver is older than the CUDA runtime (CUDA_ERROR_INSUFFICIENT_DRIVER)",
    34: "a CUDA stub library was loaded instead of the real driver (CUDA_ERROR_STUB_LIBRARY)",
    46: "the GPU is busy or unavailable (CUDA_ERROR_DEVICES_UNAVAILABLE)",
}
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_MISSING_LIB = re.compile(r"([\w.+-]+\.so(?:\.\d+)*|[\w.+-]+\.dll)", re.IGNORECASE)


def onnxruntime_build() -> tuple[str, str, str | None]:
    """(package name, version, CUDA version it was built for or None)."""
    import onnxruntime as ort

    try:
        from onnxruntime.capi import build_and_package_info as info
    except ImportError:  # pragma: no cover - very old or unusual builds
        return "onnxruntime", ort.__version__, None
    return (
        getattr(info, "package_name", "onnxruntime"),
        ort.__version__,
        getattr(info, "cuda_version", None) or None,
    )


def _driver_library() -> str:
    return "nvcuda.dll" if IS_WINDOWS else "libcuda.so.1"


def _provider_library() -> Path:
    import onnxruntime as ort

    name = "onnxruntime_providers_cuda.dll" if IS_WINDOWS else "libonnxruntime_providers_cuda.so"
    return Path(ort.__file__).parent / "capi" / name


def _cudnn_library() -> str:
    return "cudnn64_9.dll" if IS_WINDOWS else "libcudnn.so.9"


def _load(name: str | Path) -> tuple[ctypes.CDLL | None, str]:
    try:
        return ctypes.CDLL(str(name)), ""
    except OSError as exc:
        return None, str(exc)


def _format_cuda_version(value: int) -> str:
    return f"{value // 1000}.{(value % 1000) // 10}"


def _onnxruntime_lines(messages: str) -> tuple[str, ...]:
    clean = _ANSI.sub("", messages)
    lines = [line.strip() for line in clean.splitlines() if line.strip()]
    return tuple(f"onnxruntime: {line}" for line in lines[-8:])


def diagnose_cuda(ort_messages: str = "") -> CudaDiagnosis:
    """Finds the first missing piece on the way to a CUDA session."""
    import onnxruntime as ort

    package, version, build_cuda = onnxruntime_build()
    details: list[str] = [f"onnxruntime package: {package} {version}"]
    if build_cuda:
        details.append(f"built for CUDA {build_cuda}")
    tail = _onnxruntime_lines(ort_messages)

    if CUDA_PROVIDER not in ort.get_available_providers() or not build_cuda:
        return CudaDiagnosis(
            "cpu_only_onnxruntime",
            f"The installed onnxruntime ({package} {version}) is CPU-only: it has no CUDA support.",
            "This is the CPU build of desktop-ocr: install its GPU build to use CUDA."
            if is_frozen()
            else f"Replace it with the GPU build: `pip uninstall -y {package}` then "
            f"`pip install {GPU_PACKAGE_PIN}`. Never install onnxruntime and onnxruntime-gpu "
            "side by side: they share one folder and break each other.",
            tuple(details) + tail,
        )
    need_major = int(build_cuda.split(".")[0])

    driver, error = _load(_driver_library())
    if driver is None:
        details.append(f"{_driver_library()}: {error}")
        return CudaDiagnosis(
            "no_driver",
            f"No NVIDIA driver found: {_driver_library()} could not be loaded.",
            "Install the NVIDIA driver for your GPU (for CUDA "
            f"{need_major}: driver R580 or newer) and check that `nvidia-smi` works. "
            "Without an NVIDIA GPU, choose the CPU.",
            tuple(details) + tail,
        )

    status = int(driver.cuInit(0))
    if status != 0:
        reason = _CU_ERRORS.get(status, f"error code {status}")
        details.append(f"cuInit(0) returned {status}")
        problem = "no_device" if status == 100 else "driver_error"
        return CudaDiagnosis(
            problem,
            f"The NVIDIA driver is installed but CUDA cannot start: {reason}.",
            "Check that the GPU is present and visible (`nvidia-smi`, CUDA_VISIBLE_DEVICES, "
            "the container's GPU access), then restart the app.",
            tuple(details) + tail,
        )

    drv_version = ctypes.c_int(0)
    if int(driver.cuDriverGetVersion(ctypes.byref(drv_version))) == 0:
        details.append(f"driver supports CUDA up to {_format_cuda_version(drv_version.value)}")
        if drv_version.value // 1000 < need_major:
            return CudaDiagnosis(
                "driver_too_old",
                f"The NVIDIA driver supports CUDA {_format_cuda_version(drv_version.value)}, "
                f"but this onnxruntime build needs CUDA {build_cuda}.",
                f"Update the NVIDIA driver (CUDA {need_major} needs R580 or newer), or install "
                "an onnxruntime-gpu release built for your CUDA (1.24 to 1.26 use CUDA 12).",
                tuple(details) + tail,
            )

    provider, error = _load(_provider_library())
    if provider is None:
        match = _MISSING_LIB.search(error.split(":", 1)[-1]) or _MISSING_LIB.search(error)
        missing = match.group(1) if match else "a CUDA library"
        details.append(f"{_provider_library().name}: {error}")
        return CudaDiagnosis(
            "missing_cuda_library",
            f"The CUDA {need_major} library {missing} is missing.",
            _app_cuda_fix(need_major)
            if is_frozen()
            else f"Install CUDA {need_major} and cuDNN 9 as pip packages with "
            f'`pip install "onnxruntime-gpu[cuda,cudnn]=={version}"`, or install the CUDA '
            f"{need_major}.x toolkit and put its lib folder on the library path.",
            tuple(details) + tail,
        )

    cudnn, error = _load(_cudnn_library())
    if cudnn is None:
        details.append(f"{_cudnn_library()}: {error}")
        return CudaDiagnosis(
            "missing_cudnn",
            f"cuDNN 9 ({_cudnn_library()}) is missing.",
            _app_cuda_fix(need_major)
            if is_frozen()
            else f"Install it with `pip install nvidia-cudnn-cu{need_major}` (or the "
            f"`onnxruntime-gpu[cuda,cudnn]=={version}` extras), or install cuDNN 9 for "
            f"CUDA {need_major} and put it on the library path.",
            tuple(details) + tail,
        )

    return CudaDiagnosis(
        "unknown",
        "CUDA was not enabled, although the driver, CUDA and cuDNN libraries load.",
        "Read onnxruntime's messages below; check the device_id and gpu_mem_limit settings.",
        tuple(details) + tail,
    )
