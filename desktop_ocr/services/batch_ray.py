"""Reads work items on a Ray cluster with Ray Data: an actor pool, one engine per actor.

Ray is an optional extra (`pip install "desktop-ocr[ray]"`) and is imported here only,
when a batch asks for it, so the window, the other commands and the packaged app never
need it. The batch process plans, skips what is up to date and writes every result and
manifest line exactly as with the local pool; Ray only reads: `from_items` of the work
items, `map_batches` with an actor pool whose actors each hold an engine, and the
outcomes streamed back with `iter_rows`. Ray schedules, retries and moves the data.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from desktop_ocr.engine import EngineConfig
from desktop_ocr.services.batch_plan import WorkItem
from desktop_ocr.services.batch_reader import (
    BatchAbortedError,
    ItemOutcome,
    ItemReader,
    worker_config,
)

logger = logging.getLogger(__name__)

INSTALL_HINT = 'Ray is not installed; install the extra: pip install "desktop-ocr[ray]"'
BATCH_SIZE = 4  # items per call of an actor: small, so a stopped run loses little
# Only work items and JSON results travel through the object store, a few KB each; Ray's
# default would set 30% of the memory aside for it.
LOCAL_OBJECT_STORE_BYTES = 256 * 2**20


class OcrActor:
    """A Ray Data actor: builds its engine once, then reads batches of work items."""

    def __init__(self, config: EngineConfig, cwd: str) -> None:
        # Inputs given as relative paths are relative to where the batch was started; on
        # a cluster that folder exists on every node when the inputs are on a shared drive.
        try:
            os.chdir(cwd)
        except OSError as exc:
            logger.warning("cannot enter %s on this node (%s); relative paths will fail", cwd, exc)
        self.reader = ItemReader(config)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        outcomes = [
            self.reader.read(int(index), WorkItem.from_row(json.loads(row))).to_json()
            for index, row in zip(batch["index"], batch["item"], strict=True)
        ]
        return {"outcome": np.array(outcomes, dtype=object)}


class RayRunner:
    """Runs the reading on the Ray cluster at `address`, or on a new local Ray instance."""

    def __init__(
        self,
        config: EngineConfig,
        address: str | None,
        actors: int | None = None,
        threads: int | None = None,
    ) -> None:
        self.gpu = config.device == "cuda"
        self.threads = 1 if threads is None else threads
        self.config = worker_config(config, None if self.gpu else self.threads)
        self.address = address
        self.actors = actors

    def describe(self) -> str:
        where = f"the Ray cluster at {self.address}" if self.address else "a new local Ray"
        if self.actors is None:
            unit = "GPU" if self.gpu else f"{self.threads} CPU(s)"
            return f"{where}: one actor per {unit} of the cluster"
        per_actor = "1 GPU" if self.gpu else f"{self.threads} CPU thread(s)"
        return f"{where}: {self.actors} actor(s) x {per_actor}"

    def run(self, items: Sequence[WorkItem], cancel: threading.Event) -> Iterator[ItemOutcome]:
        ray = _import_ray()
        started_here = not ray.is_initialized()
        if started_here:
            self._connect(ray)
        try:
            yield from self._read(ray, items, cancel)
        finally:
            if started_here:
                ray.shutdown()

    def _connect(self, ray: Any) -> None:
        quiet = {"log_to_driver": False, "logging_level": logging.WARNING}
        try:
            if self.address is None:
                ray.init(
                    address="local",
                    include_dashboard=False,
                    object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                    **quiet,
                )
            else:
                ray.init(address=self.address, **quiet)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = self.address or "a local instance"
            raise BatchAbortedError(f"cannot start or join Ray ({where}): {exc}") from exc

    def _read(
        self, ray: Any, items: Sequence[WorkItem], cancel: threading.Event
    ) -> Iterator[ItemOutcome]:
        if not items:
            return
        if not logging.getLogger().isEnabledFor(logging.INFO):
            # Ray Data's own notes (execution started, finished) would break the progress line.
            logging.getLogger("ray.data").setLevel(logging.ERROR)
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # the batch draws its own
        context.print_on_execution_start = False
        actors = self.actors or self._default_actors(ray)
        self.actors = actors
        rows = [
            {"index": i, "item": json.dumps(item.to_row(), ensure_ascii=False)}
            for i, item in enumerate(items)
        ]
        dataset = ray.data.from_items(
            rows, override_num_blocks=max(1, math.ceil(len(rows) / BATCH_SIZE))
        ).map_batches(
            OcrActor,
            fn_constructor_kwargs={"config": self.config, "cwd": str(Path.cwd())},
            batch_size=BATCH_SIZE,
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=1 if self.gpu else self.threads,
            num_gpus=1 if self.gpu else 0,
        )
        try:
            for row in dataset.iter_rows():
                yield ItemOutcome.from_json(row["outcome"])
                if cancel.is_set():
                    return
        except ray.exceptions.RayError as exc:
            raise BatchAbortedError(f"the Ray job failed: {_first_line(exc)}") from exc

    def _default_actors(self, ray: Any) -> int:
        resources = ray.cluster_resources()
        if self.gpu:
            gpus = int(resources.get("GPU", 0))
            if gpus < 1:
                raise BatchAbortedError("the config asks for CUDA but the Ray cluster has no GPU")
            return gpus
        return max(1, int(resources.get("CPU", 1)) // self.threads)


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise BatchAbortedError(INSTALL_HINT) from exc
    return ray


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
