"""What a benchmark measured: the settings, one row per image, one run per config, the report.

Plain data with no timing code, so the report writers, the dialog and the command line
read the same objects the runner fills in.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from desktop_ocr.engine import EngineConfig
from desktop_ocr.resources import config_path
from desktop_ocr.services.machine_info import MachineInfo
from desktop_ocr.services.peak_memory import PeakMemory

logger = logging.getLogger(__name__)

CPU_PROVIDER = "CPUExecutionProvider"
CUDA_PROVIDER = "CUDAExecutionProvider"
ROLES = ("det", "cls", "rec")

# What happened to one config. A config whose device was not granted is never timed as
# if it were that device: it is skipped, or timed and labelled as the CPU fallback.
RunStatus = Literal["measured", "cpu_fallback", "not_granted", "failed", "not_run"]
MEASURED: RunStatus = "measured"
CPU_FALLBACK: RunStatus = "cpu_fallback"
NOT_GRANTED: RunStatus = "not_granted"
FAILED: RunStatus = "failed"
NOT_RUN: RunStatus = "not_run"

DEVICE_CONFIGS = {"cpu": ("CPU", "config.yaml"), "cuda": ("CUDA", "config_gpu.yaml")}


class NoImagesError(ValueError):
    """The folders given hold no image the engine can read."""


@dataclass(frozen=True)
class ConfigChoice:
    """One engine config to time, and the heading of its column in the report."""

    label: str
    config: EngineConfig | Path | str

    @property
    def source(self) -> str | None:
        if isinstance(self.config, EngineConfig):
            return self.config.source
        return str(self.config)


def device_choice(device: str) -> ConfigChoice:
    """The bundled config for 'cpu' or 'cuda' (config.yaml or config_gpu.yaml)."""
    try:
        label, name = DEVICE_CONFIGS[device]
    except KeyError:
        raise ValueError(f"unknown device {device!r}; choose from cpu, cuda") from None
    return ConfigChoice(label, config_path(name))


@dataclass(frozen=True)
class BenchmarkSettings:
    """What to time: folders (searched recursively), configs, warm-up images, repeats."""

    paths: tuple[Path, ...]
    configs: tuple[ConfigChoice, ...]
    warmup: int = 1
    repeat: int = 1
    time_fallback: bool = False  # time a CUDA config that fell back, labelled as the CPU

    def __post_init__(self) -> None:
        if self.warmup < 0:
            raise ValueError("warm-up must be 0 or more images")
        if self.repeat < 1:
            raise ValueError("repeat must be at least 1")
        if not self.configs:
            raise ValueError("choose at least one config to time")

    def to_dict(self) -> dict[str, Any]:
        return {
            "paths": [str(p) for p in self.paths],
            "configs": [{"label": c.label, "source": c.source} for c in self.configs],
            "warmup": self.warmup,
            "repeat": self.repeat,
            "time_fallback": self.time_fallback,
        }


@dataclass(frozen=True)
class ImageRow:
    """One image under one config: the run with the median total of its repeats."""

    config: str
    path: str
    name: str  # relative to the folder it was found in
    width: int | None = None
    height: int | None = None
    lines: int = 0
    load_ms: float = 0.0
    det_ms: float = 0.0
    cls_ms: float = 0.0
    rec_ms: float = 0.0
    infer_ms: float = 0.0  # inside onnxruntime's run(); total - infer is Python and OpenCV
    total_ms: float = 0.0
    runs_ms: tuple[float, ...] = ()
    new_shapes: int = 0  # input shapes no earlier image (or the warm-up) had shown a model
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["runs_ms"] = [round(v, 3) for v in self.runs_ms]
        for key in ("load_ms", "det_ms", "cls_ms", "rec_ms", "infer_ms", "total_ms"):
            data[key] = round(data[key], 3)
        data["ok"] = self.ok
        return data


@dataclass(frozen=True)
class ConfigSummary:
    """The figures of one config over the images that were read without error."""

    images: int
    failures: int
    total_s: float
    average_s: float | None
    median_s: float | None
    p90_s: float | None
    images_per_s: float | None
    load_s: float
    det_s: float
    cls_s: float
    rec_s: float
    infer_s: float

    @property
    def infer_share(self) -> float | None:
        """The part of the total spent inside onnxruntime."""
        return self.infer_s / self.total_s if self.total_s > 0 else None

    @classmethod
    def from_rows(cls, rows: Sequence[ImageRow]) -> ConfigSummary:
        good = [r for r in rows if r.ok]
        totals = [r.total_ms / 1000 for r in good]
        total_s = sum(totals)
        count = len(good)
        return cls(
            images=count,
            failures=len(rows) - count,
            total_s=total_s,
            average_s=total_s / count if count else None,
            median_s=statistics.median(totals) if totals else None,
            p90_s=float(np.percentile(totals, 90)) if totals else None,
            images_per_s=count / total_s if total_s > 0 else None,
            load_s=sum(r.load_ms for r in good) / 1000,
            det_s=sum(r.det_ms for r in good) / 1000,
            cls_s=sum(r.cls_ms for r in good) / 1000,
            rec_s=sum(r.rec_ms for r in good) / 1000,
            infer_s=sum(r.infer_ms for r in good) / 1000,
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["infer_share"] = self.infer_share
        return data


@dataclass
class ConfigRun:
    """Everything measured (or why nothing was) for one config."""

    label: str
    source: str | None
    device: str
    requested: tuple[str, ...] = ()
    granted: tuple[str, ...] = ()
    status: RunStatus = NOT_RUN
    reason: str | None = None  # why the device was not granted or the engine did not start
    cuda_failed: bool = False  # CUDA was granted, then failed on a run (reason says why)
    engine_start_s: float | None = None  # sessions plus the config's own shape warm-up
    warmup_images: int = 0
    rows: list[ImageRow] = field(default_factory=list)
    shapes_seen: dict[str, int] = field(default_factory=dict)
    shapes_new: dict[str, int] = field(default_factory=dict)
    peak: PeakMemory | None = None
    wall_s: float = 0.0
    cancelled: bool = False

    @property
    def timed(self) -> bool:
        return self.status in (MEASURED, CPU_FALLBACK)

    @property
    def summary(self) -> ConfigSummary:
        return ConfigSummary.from_rows(self.rows)

    @property
    def failures(self) -> list[ImageRow]:
        return [r for r in self.rows if not r.ok]

    def verdict(self) -> str:
        """What ran this column, in the words the report's first row uses."""
        why = "CUDA failed" if self.cuda_failed else "CUDA not granted"
        if self.status == NOT_GRANTED:
            return f"{why}: {self.reason}"
        if self.status == CPU_FALLBACK:
            return f"CPU fallback ({why}: {self.reason})"
        if self.status == FAILED:
            return f"could not start: {self.reason}"
        if self.status == NOT_RUN:
            return f"not run: {self.reason or 'cancelled'}"
        if self.cuda_failed:
            timed = sum(r.ok for r in self.rows)
            return (
                f"{', '.join(self.granted)} for {timed} images, then {why} "
                f"and the rest was not timed: {self.reason}"
            )
        return ", ".join(self.granted)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "source": self.source,
            "device": self.device,
            "requested": list(self.requested),
            "granted": list(self.granted),
            "status": self.status,
            "verdict": self.verdict(),
            "reason": self.reason,
            "cuda_failed": self.cuda_failed,
            "engine_start_s": self.engine_start_s,
            "warmup_images": self.warmup_images,
            "cancelled": self.cancelled,
            "wall_s": self.wall_s,
            "peak_memory_mib": round(self.peak.mib, 1) if self.peak else None,
            "peak_memory_scope": self.peak.scope if self.peak else None,
            "shapes_seen": dict(self.shapes_seen),
            "shapes_new": dict(self.shapes_new),
            "summary": self.summary.to_dict() if self.timed else None,
            "rows": [r.to_dict() for r in self.rows],
        }


@dataclass
class BenchmarkReport:
    """A whole benchmark: where it ran, what was asked, and one ConfigRun per config."""

    machine: MachineInfo
    settings: BenchmarkSettings
    started: str
    files: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    runs: list[ConfigRun] = field(default_factory=list)
    duration_s: float = 0.0
    cancelled: bool = False

    @property
    def complete(self) -> bool:
        """True when every config was timed over every file and none of them failed."""
        return not self.cancelled and all(
            run.timed and len(run.rows) == len(self.files) and not run.failures for run in self.runs
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "started": self.started,
            "duration_s": round(self.duration_s, 3),
            "cancelled": self.cancelled,
            "machine": self.machine.to_dict(),
            "settings": self.settings.to_dict(),
            "files": list(self.files),
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "configs": [run.to_dict() for run in self.runs],
        }


