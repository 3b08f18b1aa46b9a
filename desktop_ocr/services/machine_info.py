"""Describes the machine a result was measured on: OS, CPU, GPU, onnxruntime build."""

from __future__ import annotations

import logging
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from desktop_ocr import __version__
from desktop_ocr.engine.cuda_diagnosis import onnxruntime_build

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MachineInfo:
    """What a benchmark report needs to say about where it ran."""

    app_version: str
    os: str
    python: str
    cpu: str
    cpu_cores: int
    memory_gb: float | None
    gpu: str | None
    gpu_driver: str | None
    onnxruntime_package: str
    onnxruntime_version: str
    onnxruntime_cuda: str | None
    available_providers: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["available_providers"] = list(self.available_providers)
        return data


def cpu_name() -> str:
    """The CPU model as the OS names it."""
    if sys.platform.startswith("linux"):
        try:
            for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
    if sys.platform == "darwin":
        try:
            out = subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
            if out.stdout.strip():
                return out.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return platform.processor() or platform.machine() or "unknown"


def memory_gb() -> float | None:
    try:
        pages = os.sysconf("SC_PHYS_PAGES")
        size = os.sysconf("SC_PAGE_SIZE")
        return round(pages * size / 2**30, 1)
    except (AttributeError, ValueError, OSError):
        return None


def gpu_name_and_driver() -> tuple[str | None, str | None]:
    """The first NVIDIA GPU and driver version from nvidia-smi, when there is one."""
    tool = shutil.which("nvidia-smi")
    if not tool:
        return None, None
    try:
        out = subprocess.run(
            [tool, "--query-gpu=name,driver_version", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        logger.debug("nvidia-smi failed: %s", exc)
        return None, None
    first = out.stdout.strip().splitlines()[0] if out.stdout.strip() else ""
    if "," not in first:
        return None, None
    name, driver = (part.strip() for part in first.split(",", 1))
    return name, driver


def machine_info() -> MachineInfo:
    import onnxruntime as ort

    package, version, cuda = onnxruntime_build()
    gpu, driver = gpu_name_and_driver()
    return MachineInfo(
        app_version=__version__,
        os=platform.platform(),
        python=platform.python_version(),
        cpu=cpu_name(),
        cpu_cores=os.cpu_count() or 1,
        memory_gb=memory_gb(),
        gpu=gpu,
        gpu_driver=driver,
        onnxruntime_package=package,
        onnxruntime_version=version,
        onnxruntime_cuda=cuda,
        available_providers=tuple(ort.get_available_providers()),
    )
