"""A batch over files and folders: plan, skip what is up to date, read the rest, write it all.

The same function drives the local process pool and the Ray cluster; a runner only turns
work items into outcomes, and everything that touches the output folder (results,
manifest, resume) happens here, in the one process that runs the batch. So both give the
same files for the same inputs, and a kill -9 at any moment loses at most the items a
runner was reading.
"""

from __future__ import annotations

import errno
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from desktop_ocr.services.batch_plan import BatchPlan, PlanError, WorkItem, plan_batch
from desktop_ocr.services.batch_reader import BatchAbortedError, ItemOutcome
from desktop_ocr.services.batch_store import (
    FORMATS,
    Manifest,
    ManifestEntry,
    ResultStore,
    output_lock,
)
from desktop_ocr.services.peak_memory import peak_memory

logger = logging.getLogger(__name__)

UP_TO_DATE = "result up to date"
# Errors that every later write would meet too: stop, and let the next run resume.
_FATAL_WRITE = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EACCES, errno.EPERM}


class Runner(Protocol):
    """Reads work items somewhere and yields their outcomes in any order."""

    def describe(self) -> str: ...

    def run(self, items: Sequence[WorkItem], cancel: threading.Event) -> Iterator[ItemOutcome]: ...


@dataclass(frozen=True)
class BatchSettings:
    inputs: tuple[Path, ...]
    out_dir: Path
    formats: tuple[str, ...] = FORMATS
    force: bool = False  # read everything again, even what is up to date


@dataclass(frozen=True)
class BatchProgress:
    """Where a running batch stands; `total` counts the items to read in this run."""

    done: int
    failed: int
    total: int
    elapsed_s: float
    current: str = ""
    phase: str = "reading"  # "planned", "reading" or "finished"


@dataclass
class BatchSummary:
    """What a run did, for the closing lines and the exit code."""

    run_id: str = ""
    runner: str = ""
    items: int = 0  # images and pages found
    to_read: int = 0
    read: int = 0  # outcomes of this run's reading (done or failed)
    done: int = 0
    failed: int = 0
    up_to_date: int = 0
    skipped: int = 0  # not images, folders that could not be listed, ...
    cancelled: bool = False
    read_s: float = 0.0  # from the start of the runner (engines loading) to the end
    peak_bytes: int | None = None  # this process
    worker_peaks: dict[str, int] = field(default_factory=dict)  # worker -> its peak
    failures: list[tuple[str, str]] = field(default_factory=list)  # (input, reason)
    providers: set[tuple[str, ...]] = field(default_factory=set)  # granted, as results say
    partial_files_removed: int = 0

    @property
    def not_read(self) -> int:
        return self.to_read - self.read

    @property
    def images_per_s(self) -> float:
        return self.read / self.read_s if self.read_s > 0 else 0.0


ProgressCallback = Callable[[BatchProgress], None]


def run_batch(
    settings: BatchSettings,
    runner: Runner,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> BatchSummary:
    """Runs one batch to the end, or until `cancel` is set (then what is in flight ends).

    Raises PlanError for inputs that cannot be laid out, OutputBusyError when another
    batch holds the output folder, BatchAbortedError when the batch cannot go on.
    """
    cancel = cancel or threading.Event()
    report = progress or (lambda _event: None)
    out_dir = settings.out_dir
    plan = plan_batch(settings.inputs, out_dir)
    if not (plan.items or plan.skipped or plan.failed):
        raise PlanError("no image files found in the given paths")
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = BatchSummary(runner=runner.describe())
    with output_lock(out_dir):
        store = ResultStore(out_dir, settings.formats)
        summary.partial_files_removed = store.remove_partial_files()
        with Manifest(out_dir) as manifest:
            summary.run_id = manifest.run_id
            pending = _plan_outcomes(plan, store, manifest, summary, settings.force)
            summary.to_read = len(pending)
            report(BatchProgress(0, 0, len(pending), 0.0, phase="planned"))
            started = time.perf_counter()
            try:
                for outcome in runner.run(pending, cancel):
                    if outcome.fatal:
                        raise BatchAbortedError(outcome.error or "the batch cannot go on")
                    item = pending[outcome.index]
                    _record(item, outcome, store, manifest, summary)
                    report(
                        BatchProgress(
                            summary.done,
                            summary.read - summary.done,
                            len(pending),
                            time.perf_counter() - started,
                            item.label,
                        )
                    )
            finally:
                summary.runner = runner.describe()  # a runner may size itself as it starts
                summary.read_s = time.perf_counter() - started
                summary.cancelled = cancel.is_set() and summary.not_read > 0
                peak = peak_memory()
                summary.peak_bytes = peak.bytes if peak else None
    report(
        BatchProgress(
            summary.done,
            summary.read - summary.done,
            len(pending),
            summary.read_s,
            phase="finished",
        )
    )
    return summary


def _plan_outcomes(
    plan: BatchPlan,
    store: ResultStore,
    manifest: Manifest,
    summary: BatchSummary,
    force: bool,
) -> list[WorkItem]:
    """Records what planning already decided; returns the items left to read."""
    summary.items = len(plan.items) + len(plan.failed)
    for path, reason in plan.skipped:
        summary.skipped += 1
        manifest.record(ManifestEntry("skipped", str(path), reason=reason))
    for path, reason in plan.failed:
        summary.failed += 1
        summary.failures.append((str(path), reason))
        manifest.record(ManifestEntry("failed", str(path), reason=reason))
    pending = []
    for item in plan.items:
        if not force and store.is_up_to_date(item):
            summary.up_to_date += 1
            manifest.record(
                ManifestEntry(
                    "skipped",
                    str(item.source),
                    item.page,
                    UP_TO_DATE,
                    tuple(store.relative_paths(item)),
                )
            )
        else:
            pending.append(item)
    summary.to_read = len(pending)
    return pending


def _record(
    item: WorkItem,
    outcome: ItemOutcome,
    store: ResultStore,
    manifest: Manifest,
    summary: BatchSummary,
) -> None:
    if outcome.peak_bytes is not None and outcome.worker:
        summary.worker_peaks[outcome.worker] = max(
            outcome.peak_bytes, summary.worker_peaks.get(outcome.worker, 0)
        )
    reason = outcome.error
    results: tuple[str, ...] = ()
    if outcome.ok and outcome.result is not None:
        summary.providers.add(tuple(outcome.result.get("providers") or ()))
        try:
            results = tuple(store.write(item, outcome.result))
        except OSError as exc:
            if exc.errno in _FATAL_WRITE:
                raise BatchAbortedError(
                    f"{exc}; the results written so far are kept, and the same command "
                    "resumes once the output folder can be written"
                ) from exc
            reason = f"{item.label}: its result cannot be written ({exc})"
    summary.read += 1
    status = "done" if results else "failed"
    if status == "done":
        summary.done += 1
    else:
        summary.failed += 1
        summary.failures.append((item.label, reason or "no result"))
    entry = ManifestEntry(
        status, str(item.source), item.page, reason, results, outcome.ms, outcome.worker or None
    )
    manifest.record(entry)
