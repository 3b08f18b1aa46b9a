"""What the engine returns: plain dataclasses that the CLI, GUI and benchmark all read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Point = tuple[float, float]
Box = tuple[Point, Point, Point, Point]


@dataclass(frozen=True)
class TextLine:
    """One recognised line: its quadrilateral (clockwise from top-left), text and confidence."""

    box: Box
    text: str
    score: float
    angle: int = 0  # degrees the classifier found the crop rotated by (0 or 180)

    def to_dict(self) -> dict[str, Any]:
        return {
            "box": [[round(float(x), 2), round(float(y), 2)] for x, y in self.box],
            "text": self.text,
            "score": round(float(self.score), 5),
        }


@dataclass(frozen=True)
class StageTimings:
    """Milliseconds per stage; `infer` is the part spent inside onnxruntime's run()."""

    load: float = 0.0
    det: float = 0.0
    cls: float = 0.0
    rec: float = 0.0
    total: float = 0.0
    infer: float = 0.0

    def to_dict(self) -> dict[str, float]:
        return {
            "load": round(self.load, 2),
            "det": round(self.det, 2),
            "cls": round(self.cls, 2),
            "rec": round(self.rec, 2),
            "total": round(self.total, 2),
            "infer": round(self.infer, 2),
        }


@dataclass(frozen=True)
class CudaDiagnosis:
    """Why CUDA was asked for and is not used, in words a user can act on.

    Either it was not granted when the sessions were made, or (`at_run_time`) it was
    granted and then failed on a run, and the engine was rebuilt on the CPU.
    """

    problem: str  # a short stable code: no_driver, no_device, missing_cudnn, gpu_fault, ...
    summary: str  # one sentence for a status bar
    fix: str  # what to do about it
    details: tuple[str, ...] = ()  # findings and onnxruntime's own messages
    at_run_time: bool = False  # granted, then failed on a run

    def text(self) -> str:
        lines = [self.summary, "", f"How to fix: {self.fix}"]
        if self.details:
            lines += ["", "Details:", *(f"  {d}" for d in self.details)]
        return "\n".join(lines)


@dataclass(frozen=True)
class CudaRunFailure:
    """CUDA was granted, then failed on a run, and the engine was rebuilt on the CPU."""

    diagnosis: CudaDiagnosis
    error: str  # onnxruntime's message
    during: str  # "during the warm-up", "while reading a.png"
    rebuild_seconds: float

    def note(self) -> str:
        """The line every result read after it carries."""
        return f"read on the CPU after CUDA failed: {self.diagnosis.summary}"


@dataclass(frozen=True)
class ProviderReport:
    """Execution providers asked for and those onnxruntime actually granted."""

    requested: tuple[str, ...]
    granted: tuple[str, ...]
    diagnosis: CudaDiagnosis | None = None

    @property
    def cuda_requested(self) -> bool:
        return "CUDAExecutionProvider" in self.requested

    @property
    def fell_back(self) -> bool:
        """True when a provider that was asked for is missing from what was granted."""
        return any(p not in self.granted for p in self.requested)


@dataclass(frozen=True)
class OcrResult:
    """The outcome of one image: lines in reading order, timings, sizes, providers."""

    lines: tuple[TextLine, ...]
    timings: StageTimings
    image_size: tuple[int, int]  # (width, height) of the image as read
    providers: ProviderReport
    source: str | None = None
    angles: tuple[tuple[str, float], ...] = field(default=())  # cls-only mode output
    notes: tuple[str, ...] = field(default=())  # what the loader did (EXIF, frames, ...)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.source,
            "ok": True,
            "error": None,
            "image_size": list(self.image_size),
            "lines": [line.to_dict() for line in self.lines],
            "timings_ms": self.timings.to_dict(),
            "providers": list(self.providers.granted),
            "requested": list(self.providers.requested),
            "notes": list(self.notes),
        }
