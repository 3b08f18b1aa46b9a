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
from desktop_ocr.i18n import Msg
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


def _cudnn_fix(major: int, version: str) -> str:
    """How to install cuDNN 9 beside onnxruntime-gpu from pip."""
    return Msg(
        "Install it with `pip install nvidia-cudnn-cu{major}` (or the "
        "`onnxruntime-gpu[cuda,cudnn]=={version}` extras), or install cuDNN 9 for "
        "CUDA {major} and put it on the library path.",
        major=major,
        version=version,
    )


def _app_cuda_fix(major: int) -> str:
    """How to add CUDA to the packaged app (see README, CUDA for the GPU flavour)."""
    folder = getattr(sys, "_MEIPASS", "<app folder>/_internal")
    return Msg(
        "Install CUDA {major} and cuDNN 9 system-wide (their lib folders on the library "
        'path), or add them to the app with any Python: pip install --target "{folder}" '
        "{wheels}",
        major=major,
        folder=folder,
        wheels=_APP_CUDA_WHEELS,
    )


# cuInit return codes worth naming (CUDA driver API).
_CU_ERRORS = {
    100: Msg("no CUDA-capable GPU was found (CUDA_ERROR_NO_DEVICE)"),
    999: Msg("unknown driver error (CUDA_ERROR_UNKNOWN)"),
    3: Msg("the driver could not be initialised (CUDA_ERROR_NOT_INITIALIZED)"),
    35: Msg("the driver is older than the CUDA runtime (CUDA_ERROR_INSUFFICIENT_DRIVER)"),
    34: Msg("a CUDA stub library was loaded instead of the real driver (CUDA_ERROR_STUB_LIBRARY)"),
    46: Msg("the GPU is busy or unavailable (CUDA_ERROR_DEVICES_UNAVAILABLE)"),
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
            Msg(
                "The installed onnxruntime ({package} {version}) is CPU-only: it has no CUDA "
                "support.",
                package=package,
                version=version,
            ),
            Msg("This is the CPU build of desktop-ocr: install its GPU build to use CUDA.")
            if is_frozen()
            else Msg(
                "Replace it with the GPU build: `pip uninstall -y {package}` then "
                "`pip install {pin}`. Never install onnxruntime and onnxruntime-gpu "
                "side by side: they share one folder and break each other.",
                package=package,
                pin=GPU_PACKAGE_PIN,
            ),
            tuple(details) + tail,
        )
    need_major = int(build_cuda.split(".")[0])

    driver, error = _load(_driver_library())
    if driver is None:
        details.append(f"{_driver_library()}: {error}")
        return CudaDiagnosis(
            "no_driver",
            Msg("No NVIDIA driver found: {lib} could not be loaded.", lib=_driver_library()),
            Msg(
                "Install the NVIDIA driver for your GPU (for CUDA {major}: driver R580 or "
                "newer) and check that `nvidia-smi` works. Without an NVIDIA GPU, choose the "
                "CPU.",
                major=need_major,
            ),
            tuple(details) + tail,
        )

    status = int(driver.cuInit(0))
    if status != 0:
        reason = _CU_ERRORS.get(status) or Msg("error code {status}", status=status)
        details.append(f"cuInit(0) returned {status}")
        problem = "no_device" if status == 100 else "driver_error"
        return CudaDiagnosis(
            problem,
            Msg("The NVIDIA driver is installed but CUDA cannot start: {reason}.", reason=reason),
            Msg(
                "Check that the GPU is present and visible (`nvidia-smi`, CUDA_VISIBLE_DEVICES, "
                "the container's GPU access), then restart the app."
            ),
            tuple(details) + tail,
        )

    drv_version = ctypes.c_int(0)
    if int(driver.cuDriverGetVersion(ctypes.byref(drv_version))) == 0:
        details.append(f"driver supports CUDA up to {_format_cuda_version(drv_version.value)}")
        if drv_version.value // 1000 < need_major:
            return CudaDiagnosis(
                "driver_too_old",
                Msg(
                    "The NVIDIA driver supports CUDA {supported}, but this onnxruntime build "
                    "needs CUDA {needed}.",
                    supported=_format_cuda_version(drv_version.value),
                    needed=build_cuda,
                ),
                Msg(
                    "Update the NVIDIA driver (CUDA {major} needs R580 or newer), or install "
                    "an onnxruntime-gpu release built for your CUDA (1.24 to 1.26 use CUDA 12).",
                    major=need_major,
                ),
                tuple(details) + tail,
            )

    provider, error = _load(_provider_library())
    if provider is None:
        match = _MISSING_LIB.search(error.split(":", 1)[-1]) or _MISSING_LIB.search(error)
        missing = match.group(1) if match else "a CUDA library"
        details.append(f"{_provider_library().name}: {error}")
        return CudaDiagnosis(
            "missing_cuda_library",
            Msg("The CUDA {n} library {missing} is missing.", n=need_major, missing=missing),
            _app_cuda_fix(need_major)
            if is_frozen()
            else Msg(
                "Install CUDA {major} and cuDNN 9 as pip packages with "
                '`pip install "onnxruntime-gpu[cuda,cudnn]=={version}"`, or install the CUDA '
                "{major}.x toolkit and put its lib folder on the library path.",
                major=need_major,
                version=version,
            ),
            tuple(details) + tail,
        )

    cudnn, error = _load(_cudnn_library())
    if cudnn is None:
        details.append(f"{_cudnn_library()}: {error}")
        return CudaDiagnosis(
            "missing_cudnn",
            Msg("cuDNN 9 ({library}) is missing.", library=_cudnn_library()),
            _app_cuda_fix(need_major)
            if is_frozen()
            else _cudnn_fix(need_major, version),
            tuple(details) + tail,
        )

    return CudaDiagnosis(
        "unknown",
        Msg("CUDA was not enabled, although the driver, CUDA and cuDNN libraries load."),
        Msg("Read onnxruntime's messages below; check the device_id and gpu_mem_limit settings."),
        tuple(details) + tail,
    )


# -- CUDA granted, then failing on a run ------------------------------------------------------

# How onnxruntime words a failing CUDA, cuDNN or cuBLAS call (cuda_call.cc), a cuDNN frontend
# failure, and its GPU arena running dry. An error without any of these is not CUDA's.
_CUDA_ERROR = re.compile(
    r"\b(?:CUDA|CUDNN|CUDNN_FE|CUBLAS|CUBLASLT|CUFFT|CURAND) failure -?\d+"
    r"|\bcudaError\w+|\bCUDNN_STATUS_\w+|\bCUBLAS_STATUS_\w+|\bCUDA_ERROR_\w+"
    r"|CUDNN Frontend|CUDA error executing|CUDNN error executing|CUBLAS error executing"
    r"|BFCArena[^\n]*?Failed to allocate memory",
    re.IGNORECASE,
)
_OUT_OF_MEMORY = re.compile(
    r"out of memory|CUDA failure 2\b|cudaErrorMemoryAllocation|CUBLAS_STATUS_ALLOC_FAILED"
    r"|CUDNN_STATUS_ALLOC_FAILED|Failed to allocate memory",
    re.IGNORECASE,
)
_GPU_FAULT = re.compile(
    r"CUDA failure (?:4|46|201|214|700|701|702|709|710|716|717|718|719|999)\b"
    r"|unspecified launch failure|cudaErrorLaunch\w*|cudaErrorIllegal\w+|cudaErrorECC\w*"
    r"|cudaErrorHardwareStackError|cudaErrorDevicesUnavailable|cudaErrorUnknown"
    r"|illegal memory access|uncorrectable ECC|device-side assert|launch timed out"
    r"|driver shutting down|CUDA_ERROR_LAUNCH_FAILED|CUDA_ERROR_ILLEGAL_ADDRESS",
    re.IGNORECASE,
)
_CUDNN = re.compile(r"\bCUDNN", re.IGNORECASE)
_CUDNN_LIBRARY = re.compile(r"((?:lib)?cudnn[\w]*?(?:\.so(?:\.\d+)*|64_\d+\.dll))", re.IGNORECASE)
# cuDNN 9 is split into libraries loaded when first needed, so a missing one shows only at
# the first convolution. The order is the order they depend on each other.
_CUDNN_PARTS = ("", "_graph", "_ops", "_cnn", "_engines_precompiled",
                "_engines_runtime_compiled", "_heuristic", "_adv")  # fmt: skip


def is_cuda_failure(error_text: str) -> bool:
    """True when an onnxruntime run error comes from CUDA, cuDNN, cuBLAS or the GPU arena."""
    return bool(_CUDA_ERROR.search(error_text))


def _cudnn_part(part: str) -> str:
    return f"cudnn{part}64_9.dll" if IS_WINDOWS else f"libcudnn{part}.so.9"


def _cudnn_version(cudnn: ctypes.CDLL) -> str | None:
    try:
        value = int(cudnn.cudnnGetVersion())
    except (AttributeError, OSError):
        return None
    return f"{value // 10000}.{(value % 10000) // 100}.{value % 100}"


def _first_line_with_cuda_error(error_text: str) -> str:
    """The part of onnxruntime's message that says what failed, without its file and line."""
    match = _CUDA_ERROR.search(error_text)
    if match is None:
        return error_text.strip().splitlines()[0][:200] if error_text.strip() else ""
    what = error_text[match.start() :].split(" ; ")[0].splitlines()[0].strip()
    arena = what.find("Failed to allocate memory")
    return (what[arena:] if arena >= 0 else what)[:200]


def diagnose_cuda_failure(error_text: str, during: str = "") -> CudaDiagnosis | None:
    """Why CUDA, granted at start, failed on a run; None when the error is not CUDA's.

    The three causes users meet: cuDNN missing or broken (it is loaded at the first
    convolution, after the session was granted CUDA), the GPU out of memory, and the GPU
    or its driver failing (a reset, a launch failure). Each says which library or limit,
    which version, and what to do, as the not-granted diagnosis does.
    """
    if not is_cuda_failure(error_text):
        return None
    package, version, build_cuda = onnxruntime_build()
    major = int(build_cuda.split(".")[0]) if build_cuda else 13
    what = _first_line_with_cuda_error(error_text)
    during = f" {during}" if during else ""  # English: it names a file or the warm-up
    details: list[str] = [f"onnxruntime package: {package} {version}"]
    if build_cuda:
        details.append(f"built for CUDA {build_cuda}")
    tail = (f"onnxruntime: {what}",)
    later = Msg(
        "Images are read on the CPU until the engine is rebuilt (apply the settings again)."
    )

    if _OUT_OF_MEMORY.search(error_text):
        return CudaDiagnosis(
            "gpu_out_of_memory",
            Msg("The GPU ran out of memory{during} ({what}).", during=during, what=what),
            Msg(
                "Close other programs that use the GPU (`nvidia-smi` lists them), lower the "
                "detection size limit, or raise the GPU memory limit (cuda.gpu_mem_limit) if "
                "one is set. {later}",
                later=later,
            ),
            tuple(details) + tail,
            at_run_time=True,
        )
    if _GPU_FAULT.search(error_text):
        return CudaDiagnosis(
            "gpu_fault",
            Msg(
                "The GPU stopped working{during} ({what}); its driver may have reset it.",
                during=during,
                what=what,
            ),
            Msg(
                "Check the GPU with `nvidia-smi` and the system log (NVIDIA Xid errors), update "
                "the NVIDIA driver (CUDA {major} needs R580 or newer), then restart the app to "
                "use the GPU again.",
                major=major,
            ),
            tuple(details) + tail,
            at_run_time=True,
        )
    if _CUDNN.search(error_text):
        named = _CUDNN_LIBRARY.search(error_text)
        candidates = ([named.group(1)] if named else []) + [_cudnn_part(p) for p in _CUDNN_PARTS]
        cudnn_version = None
        for name in candidates:
            library, error = _load(name)
            if library is None:
                details.append(f"{name}: {error}")
                return CudaDiagnosis(
                    "missing_cudnn",
                    Msg(
                        "cuDNN 9 is incomplete: {name} is missing, so CUDA failed at its first "
                        "convolution{during}.",
                        name=name,
                        during=during,
                    ),
                    _app_cuda_fix(major) if is_frozen() else _cudnn_fix(major, version),
                    tuple(details) + tail,
                    at_run_time=True,
                )
            cudnn_version = cudnn_version or _cudnn_version(library)
        if cudnn_version:
            details.append(f"cuDNN {cudnn_version} loaded")
        return CudaDiagnosis(
            "cudnn_failed",
            Msg("cuDNN failed{during} ({what}).", during=during, what=what),
            Msg(
                "Install the cuDNN 9 release for CUDA {major} that onnxruntime {version} was "
                "built with (`pip install --upgrade nvidia-cudnn-cu{major}`), and update the "
                "NVIDIA driver. {later}",
                major=major,
                version=version,
                later=later,
            ),
            tuple(details) + tail,
            at_run_time=True,
        )
    return CudaDiagnosis(
        "cuda_failed",
        Msg("CUDA failed{during} ({what}).", during=during, what=what),
        Msg(
            "Check the GPU with `nvidia-smi` and update the NVIDIA driver; `desktop-ocr doctor` "
            "checks the CUDA {major} libraries. {later}",
            major=major,
            later=later,
        ),
        tuple(details) + tail,
        at_run_time=True,
    )
