"""The benchmark: times engine configs over folders of images and sums each one up.

It reproduces the CPU-versus-GPU runs that RapidOCR users make by hand with two configs,
but it records why a device was not used instead of silently timing the CPU twice. No Tk
here: the command line, the dialog (through BenchmarkJob) and the tests all run it.
"""

from __future__ import annotations

import gc
import logging
import queue
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

import numpy as np

from desktop_ocr.engine import ConfigError, EngineConfig, ModelLoadError, OcrEngine, OcrError
from desktop_ocr.engine.config import load_config
from desktop_ocr.engine.sessions import SessionConstructor
from desktop_ocr.resources import config_path
from desktop_ocr.services.discovery import expand_paths
from desktop_ocr.services.machine_info import MachineInfo, machine_info
from desktop_ocr.services.peak_memory import PeakMemory, peak_memory, reset_peak

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


Phase = Literal["start", "warmup", "image", "config_done"]


@dataclass(frozen=True)
class Progress:
    """One step of a running benchmark; `done` and `total` count images over all configs."""

    phase: Phase
    config: str
    config_index: int
    config_count: int
    done: int
    total: int
    elapsed_s: float
    eta_s: float | None = None
    row: ImageRow | None = None
    run: ConfigRun | None = None
    message: str = ""


ProgressCallback = Callable[[Progress], None]


def find_images(paths: Sequence[Path]) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """Image files under `paths` with a display name each, and what was skipped and why."""
    files: list[tuple[Path, str]] = []
    skipped: list[tuple[str, str]] = []
    seen: set[Path] = set()
    for root in paths:
        found = expand_paths([root])
        skipped.extend((str(p), reason) for p, reason in found.skipped)
        for path in found.files:
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            if root.is_dir():
                name = path.relative_to(root).as_posix()
                if len(paths) > 1:
                    name = f"{root.name}/{name}"
            else:
                name = path.name
            files.append((path, name))
    return files, skipped


class _Clock:
    """Counts measured images and estimates the time left from the current config's pace."""

    def __init__(self, files: int, configs: int) -> None:
        self.started = time.perf_counter()
        self.files = files
        self.total = files * configs
        self.done = 0
        self._config_started = self.started
        self._config_done = 0
        self._configs_left = configs

    def start_config(self) -> None:
        self._config_started = time.perf_counter()
        self._config_done = 0
        self._configs_left -= 1

    def image_done(self) -> None:
        self.done += 1
        self._config_done += 1

    def drop(self, images: int) -> None:
        """A config timed fewer images than planned (skipped, failed or cancelled)."""
        self.total -= images

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def eta(self) -> float | None:
        if self._config_done == 0:
            return None
        pace = (time.perf_counter() - self._config_started) / self._config_done
        left = (self.files - self._config_done) + self.files * self._configs_left
        return pace * left


def run_benchmark(
    settings: BenchmarkSettings,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    machine: MachineInfo | None = None,
    session_factory: SessionConstructor | None = None,
) -> BenchmarkReport:
    """Times every config over every image; returns what was measured even when cancelled.

    Raises NoImagesError when the paths hold no image; every other problem (an image that
    cannot be read, a config that cannot start, a device not granted or failing) is
    recorded in the report instead, so one bad input never costs the rest of a long run.
    `session_factory` is handed to every engine (see OcrEngine).
    """
    cancel = cancel or threading.Event()
    started = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
    files, skipped = find_images(settings.paths)
    if not files:
        where = ", ".join(str(p) for p in settings.paths)
        raise NoImagesError(f"no image files found in {where}")
    report = BenchmarkReport(
        machine=machine or machine_info(),
        settings=settings,
        started=started,
        files=[str(p) for p, _ in files],
        skipped=skipped,
    )
    clock = _Clock(len(files), len(settings.configs))
    count = len(settings.configs)

    def emit(phase: Phase, index: int, label: str, **extra: Any) -> None:
        if progress is None:
            return
        event = Progress(
            phase=phase,
            config=label,
            config_index=index,
            config_count=count,
            done=clock.done,
            total=clock.total,
            elapsed_s=clock.elapsed(),
            eta_s=clock.eta(),
            **extra,
        )
        try:
            progress(event)
        except Exception:  # a broken listener must not lose the measurements
            logger.exception("benchmark progress listener failed")

    for index, choice in enumerate(settings.configs):
        clock.start_config()
        if cancel.is_set():
            run = ConfigRun(choice.label, choice.source, "?", status=NOT_RUN, reason="cancelled")
        else:
            run = _run_config(index, choice, files, settings, cancel, clock, emit, session_factory)
        report.runs.append(run)
        clock.drop(len(files) - len(run.rows))
        emit("config_done", index, choice.label, run=run, message=run.verdict())
        gc.collect()
    report.cancelled = cancel.is_set()
    report.duration_s = clock.elapsed()
    return report


def _run_config(
    index: int,
    choice: ConfigChoice,
    files: list[tuple[Path, str]],
    settings: BenchmarkSettings,
    cancel: threading.Event,
    clock: _Clock,
    emit: Callable[..., None],
    session_factory: SessionConstructor | None = None,
) -> ConfigRun:
    label = choice.label
    emit("start", index, label, message=f"Starting {label}")
    run = ConfigRun(label, choice.source, "?")
    was_reset = reset_peak()
    begun = time.perf_counter()
    try:
        config = (
            choice.config if isinstance(choice.config, EngineConfig) else load_config(choice.config)
        )
        run.device = config.device
        engine = OcrEngine(config, session_factory=session_factory)
    except (ConfigError, ModelLoadError) as exc:
        run.status, run.reason = FAILED, str(exc)
        logger.warning("%s could not start: %s", label, exc)
        return run
    run.engine_start_s = time.perf_counter() - begun
    run.requested, run.granted = engine.providers.requested, engine.providers.granted
    if not engine.providers.fell_back:
        run.status = MEASURED
        _warm_up(
            engine,
            files,
            settings.warmup,
            cancel,
            run,
            lambda m: emit("warmup", index, label, message=m),
        )
    if engine.providers.fell_back:  # not granted, or failed in a warm-up: nothing timed yet
        providers = engine.providers
        diagnosis = providers.diagnosis
        run.granted = providers.granted
        run.cuda_failed = engine.cuda_failure is not None
        run.reason = (
            diagnosis.summary if diagnosis else f"granted only {', '.join(providers.granted)}"
        )
        if not settings.time_fallback:
            run.status = NOT_GRANTED
            run.wall_s = time.perf_counter() - begun
            logger.info("%s not timed: %s", label, run.verdict())
            return run
        run.status = CPU_FALLBACK
        if run.warmup_images < settings.warmup:
            _warm_up(
                engine,
                files,
                settings.warmup,
                cancel,
                run,
                lambda m: emit("warmup", index, label, message=m),
            )

    before = engine.seen_shapes()
    known = {role: set(shapes) for role, shapes in before.items()}
    after: dict[str, frozenset[tuple[int, ...]]] | None = None
    for path, name in files:
        if cancel.is_set():
            run.cancelled = True
            break
        failed_before = engine.cuda_failure is not None
        so_far = engine.seen_shapes()
        row = _measure(engine, path, name, label, settings.repeat, cancel, known)
        if engine.cuda_failure is not None and not failed_before:
            # This image was read again on the CPU: its time is not the column's device,
            # and neither would the rest be, so the column ends here.
            run.cuda_failed, run.reason = True, engine.cuda_failure.diagnosis.summary
            row = ImageRow(label, str(path), name, error=f"CUDA failed: {run.reason}")
            logger.warning("%s: %s", label, run.verdict())
            after = so_far
        run.rows.append(row)
        clock.image_done()
        emit("image", index, label, row=row, message=name)
        if after is not None:
            break
    after = after if after is not None else engine.seen_shapes()
    run.shapes_seen = {role: len(shapes) for role, shapes in after.items()}
    run.shapes_new = {role: len(shapes - before[role]) for role, shapes in after.items()}
    run.peak = peak_memory(was_reset)
    run.wall_s = time.perf_counter() - begun
    del engine
    return run


def _warm_up(
    engine: OcrEngine,
    files: list[tuple[Path, str]],
    count: int,
    cancel: threading.Event,
    run: ConfigRun,
    say: Callable[[str], None],
) -> None:
    """Reads the first `count` readable images untimed; unreadable ones do not count."""
    attempts = 0
    while run.warmup_images < count and attempts < count + len(files) and not cancel.is_set():
        path, name = files[attempts % len(files)]
        attempts += 1
        say(f"Warm-up {run.warmup_images + 1}/{count}: {name}")
        try:
            engine(path)
        except OcrError as exc:
            logger.info("warm-up skipped %s: %s", name, exc)
            continue
        run.warmup_images += 1


def _measure(
    engine: OcrEngine,
    path: Path,
    name: str,
    label: str,
    repeat: int,
    cancel: threading.Event,
    known: dict[str, set[tuple[int, ...]]],
) -> ImageRow:
    results = []
    try:
        for attempt in range(repeat):
            if attempt and cancel.is_set():
                break
            results.append(engine(path))
    except OcrError as exc:
        return ImageRow(label, str(path), name, error=str(exc))
    except Exception as exc:  # a failure is recorded, never fatal
        logger.exception("unexpected failure on %s", path)
        return ImageRow(label, str(path), name, error=f"{type(exc).__name__}: {exc}")
    new_shapes = 0
    for role, shapes in engine.seen_shapes().items():
        fresh = shapes - known[role]
        new_shapes += len(fresh)
        known[role] |= fresh
    ordered = sorted(results, key=lambda r: r.timings.total)
    median = ordered[(len(ordered) - 1) // 2]
    t = median.timings
    width, height = median.image_size
    return ImageRow(
        config=label,
        path=str(path),
        name=name,
        width=width,
        height=height,
        lines=len(median.lines),
        load_ms=t.load,
        det_ms=t.det,
        cls_ms=t.cls,
        rec_ms=t.rec,
        infer_ms=t.infer,
        total_ms=t.total,
        runs_ms=tuple(r.timings.total for r in results),
        new_shapes=new_shapes,
    )


@dataclass(frozen=True)
class JobFailed:
    """The benchmark could not run at all (no images, or an unexpected error)."""

    message: str


JobEvent = Progress | BenchmarkReport | JobFailed


class BenchmarkJob:
    """Runs a benchmark on its own thread and hands its events over through a queue.

    A window polls `poll()` from its own loop, so the benchmark never blocks it and never
    touches the window's toolkit from the wrong thread.
    """

    def __init__(self, settings: BenchmarkSettings) -> None:
        self.settings = settings
        self._events: queue.Queue[JobEvent] = queue.Queue()
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._work, name="benchmark", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        """Stops after the image in progress; the report keeps every row measured so far."""
        self._cancel.set()

    @property
    def cancelling(self) -> bool:
        return self._cancel.is_set()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def poll(self, limit: int = 500) -> list[JobEvent]:
        """The events that arrived since the last call, oldest first (never blocks)."""
        events: list[JobEvent] = []
        while len(events) < limit:
            try:
                events.append(self._events.get_nowait())
            except queue.Empty:
                break
        return events

    def _work(self) -> None:
        try:
            report = run_benchmark(self.settings, self._events.put, self._cancel)
        except (NoImagesError, ValueError) as exc:
            self._events.put(JobFailed(str(exc)))
        except Exception as exc:  # reported to the window, not lost in a thread
            logger.exception("benchmark failed")
            self._events.put(JobFailed(f"the benchmark stopped: {type(exc).__name__}: {exc}"))
        else:
            self._events.put(report)
