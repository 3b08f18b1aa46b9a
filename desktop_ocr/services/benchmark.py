"""The benchmark: times engine configs over folders of images and sums each one up.

It reproduces the CPU-versus-GPU runs that RapidOCR users make by hand with two configs,
but it records why a device was not used instead of silently timing the CPU twice. No Tk
here: the command line, the dialog (through BenchmarkJob) and the tests all run it.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from desktop_ocr.engine import ConfigError, EngineConfig, ModelLoadError, OcrEngine, OcrError
from desktop_ocr.engine.config import load_config
from desktop_ocr.engine.cuda_diagnosis import diagnose_cuda
from desktop_ocr.engine.sessions import SessionConstructor
from desktop_ocr.services.benchmark_report import (
    CPU_FALLBACK,
    FAILED,
    MEASURED,
    NOT_GRANTED,
    NOT_RUN,
    BenchmarkReport,
    BenchmarkSettings,
    ConfigChoice,
    ConfigRun,
    ImageRow,
    NoImagesError,
)
from desktop_ocr.services.discovery import expand_paths
from desktop_ocr.services.machine_info import MachineInfo, machine_info
from desktop_ocr.services.peak_memory import peak_memory, reset_peak

logger = logging.getLogger(__name__)


Phase = Literal["start", "warmup", "image", "config_done"]


@dataclass(frozen=True)
class BenchmarkProgress:
    """One step of a running benchmark; `done` and `total` count images over all configs."""

    phase: Phase
    config: str
    config_index: int
    config_count: int
    done: int
    total: int  # images the configs still expected to run are expected to time
    elapsed_s: float
    eta_s: float | None = None
    row: ImageRow | None = None
    run: ConfigRun | None = None
    message: str = ""
    files: int = 0  # images found, each to be read once per config


ProgressCallback = Callable[[BenchmarkProgress], None]


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
    """Counts measured images and estimates the time left from the current config's pace.

    `planned` is the number of images each config is expected to time: a config whose
    device cannot be granted plans none, so the progress never counts runs that will
    not happen.
    """

    def __init__(self, planned: Sequence[int]) -> None:
        self.started = time.perf_counter()
        self.planned = list(planned)
        self.total = sum(planned)
        self.done = 0
        self._index = -1
        self._config_started = self.started
        self._config_done = 0

    def start_config(self) -> None:
        self._index += 1
        self._config_started = time.perf_counter()
        self._config_done = 0

    def image_done(self) -> None:
        self.done += 1
        self._config_done += 1

    def finish_config(self, measured: int) -> None:
        """A config timed `measured` images; the total follows what really happened."""
        self.total += measured - self.planned[self._index]
        self.planned[self._index] = measured

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def eta(self) -> float | None:
        if self._config_done == 0:
            return None
        pace = (time.perf_counter() - self._config_started) / self._config_done
        left = max(self.planned[self._index] - self._config_done, 0)
        left += sum(self.planned[self._index + 1 :])
        return pace * left


def _device_of(choice: ConfigChoice) -> str | None:
    try:
        config = (
            choice.config if isinstance(choice.config, EngineConfig) else load_config(choice.config)
        )
    except (ConfigError, OSError):
        return None  # reported when the config is run
    return config.device


def cuda_blocked() -> str | None:
    """Why CUDA cannot start on this machine, when that is certain before trying."""
    diagnosis = diagnose_cuda()
    return None if diagnosis.problem == "unknown" else diagnosis.summary


def planned_images(settings: BenchmarkSettings, files: int) -> list[int]:
    """Images each config is expected to time: none for a CUDA config that cannot start."""
    devices = [_device_of(choice) for choice in settings.configs]
    blocked = None
    if "cuda" in devices and not settings.time_fallback:
        blocked = cuda_blocked()
    return [0 if blocked and device == "cuda" else files for device in devices]


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
    clock = _Clock(planned_images(settings, len(files)))
    count = len(settings.configs)

    def emit(phase: Phase, index: int, label: str, **extra: Any) -> None:
        if progress is None:
            return
        event = BenchmarkProgress(
            phase=phase,
            config=label,
            config_index=index,
            config_count=count,
            done=clock.done,
            total=clock.total,
            elapsed_s=clock.elapsed(),
            eta_s=clock.eta(),
            files=len(files),
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
        clock.finish_config(len(run.rows))
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


