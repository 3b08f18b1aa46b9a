"""What goes into the OCR worker (jobs) and what comes out of it (plain event dataclasses
that a window polls from its own thread)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_ocr.engine import EngineConfig, LoadedImage, OcrResult, ProviderReport

Source = Path | bytes


@dataclass(frozen=True)
class Job:
    """One image to read: a file, encoded image bytes (a pasted image), or one page.

    `page` is the 0-based page of a PDF or multi-page TIFF, None for a whole file (of
    which the first page is read).
    """

    job_id: int
    source: Source
    name: str
    page: int | None = None
    page_count: int | None = None


# -- events the worker posts ----------------------------------------------------------------


@dataclass(frozen=True)
class EngineLoading:
    """The engine is being (re)built; jobs wait until it is ready."""

    device: str


@dataclass(frozen=True)
class EngineReady:
    """The engine is built; `providers` says what onnxruntime granted.

    Posted again, with CPU providers and their diagnosis, when CUDA failed on a run and
    the engine was rebuilt on the CPU; `message` then says so in a sentence.
    """

    providers: ProviderReport
    config: EngineConfig
    seconds: float
    warmed_up: bool
    message: str = ""


@dataclass(frozen=True)
class EngineFailed:
    """The engine could not be built; jobs fail until a new config is applied."""

    message: str


@dataclass(frozen=True)
class JobStarted:
    job_id: int
    name: str


@dataclass(frozen=True)
class JobDone:
    """A job's result and the pixels its boxes refer to (EXIF rotation applied)."""

    job_id: int
    name: str
    image: LoadedImage
    result: OcrResult
    dpi: float | None = None  # pixels per inch of a page, when its source says


@dataclass(frozen=True)
class JobFailed:
    job_id: int
    name: str
    reason: str


@dataclass(frozen=True)
class JobCancelled:
    job_id: int
    name: str


@dataclass(frozen=True)
class Progress:
    """Jobs finished (done, failed or cancelled) and still waiting, after each change."""

    finished: int
    pending: int


WorkerEvent = (
    EngineLoading
    | EngineReady
    | EngineFailed
    | JobStarted
    | JobDone
    | JobFailed
    | JobCancelled
    | Progress
)
