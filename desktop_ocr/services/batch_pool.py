"""Reads work items in worker processes on this machine, each process with its own engine.

Processes rather than threads because the engine is not thread-safe and much of a page's
time is Python between onnxruntime calls. At most two items per worker are handed out at
a time, so memory stays flat however long the list is. A worker that dies (a crash, the
out-of-memory killer) costs a retry, not the batch: the items it may have been reading are
read again one at a time at the end, and only the one that kills a worker on its own is
recorded as failed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from desktop_ocr.engine import EngineConfig
from desktop_ocr.services.batch_plan import WorkItem
from desktop_ocr.services.batch_reader import (
    BatchAbortedError,
    ItemOutcome,
    ItemReader,
    worker_config,
)

logger = logging.getLogger(__name__)

ITEMS_PER_WORKER = 2  # handed out ahead, so a worker never waits for the next item
MAX_CRASHES_IN_A_ROW = 3  # then the workers cannot run at all here: stop, do not spin
WORKER_DIED = "the worker process reading it ended unexpectedly (a crash or out of memory)"


_reader: ItemReader | None = None


def _init_worker(config: EngineConfig) -> None:
    global _reader
    # Ctrl-C reaches every process of the terminal; the batch decides what it means.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent()
    _reader = ItemReader(config)


def _exit_with_parent() -> None:
    """Ends this worker when the batch process is gone, even after a kill -9.

    A pool worker otherwise waits on its task queue forever, holding its engine's memory.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _read(index: int, item: WorkItem) -> ItemOutcome:
    if _reader is None:
        raise RuntimeError("the worker was not initialised")
    return _reader.read(index, item)


def cpu_count() -> int:
    """Cores this process may run on (the affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def default_layout(
    cores: int, workers: int | None = None, threads: int | None = None, device: str = "cpu"
) -> tuple[int, int | None]:
    """Worker processes and onnxruntime threads per worker for a batch on this machine.

    On the CPU, one single-threaded worker per core measured fastest
    (benchmarks/batch_throughput.py); workers x threads never exceeds the cores unless
    asked. With CUDA one worker drives the GPU and its threads are left to the config.
    """
    if device == "cuda":
        return workers or 1, threads
    if workers is None:
        threads = threads or 1
        return max(1, cores // threads), threads
    return workers, threads or max(1, cores // workers)


class LocalPool:
    """`workers` processes, each with an engine of `threads` onnxruntime threads per model."""

    def __init__(self, config: EngineConfig, workers: int, threads: int | None) -> None:
        if workers < 1:
            raise ValueError("workers must be 1 or more")
        self.config = worker_config(config, threads)
        self.workers = workers
        self.threads = threads

    def describe(self) -> str:
        threads = self.threads if self.threads is not None else "default"
        return f"{self.workers} worker process(es) x {threads} thread(s)"

    def run(self, items: Sequence[WorkItem], cancel: threading.Event) -> Iterator[ItemOutcome]:
        """Outcomes as they complete; after `cancel` is set, those already handed out."""
        queue = _Dispatch(items, self.workers * ITEMS_PER_WORKER)
        crashes_in_a_row = 0
        pool = self._new_pool()
        try:
            while True:
                broken = False
                if not cancel.is_set():
                    try:
                        queue.hand_out(pool)
                    except BrokenProcessPool:  # a worker died since the last outcome
                        broken = True
                if not broken:
                    if not queue.in_flight:
                        return
                    finished, _ = wait(queue.in_flight, timeout=1.0, return_when=FIRST_COMPLETED)
                    for future in finished:
                        index = queue.in_flight.pop(future)
                        try:
                            outcome = future.result()
                        except BrokenProcessPool:
                            broken = True
                            yield from queue.after_crash(index)
                        else:
                            crashes_in_a_row = 0
                            yield outcome
                if broken:
                    crashes_in_a_row += 1
                    if crashes_in_a_row > MAX_CRASHES_IN_A_ROW:
                        raise BatchAbortedError(
                            f"worker processes ended {crashes_in_a_row} times in a row without "
                            "reading an image; run with -v, or `desktop-ocr selftest`, to see why"
                        )
                    for index in list(queue.in_flight.values()):
                        yield from queue.after_crash(index)
                    queue.in_flight.clear()
                    pool.shutdown(wait=False, cancel_futures=True)
                    logger.warning("a worker process died; starting new ones")
                    pool = self._new_pool()
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn everywhere: a forked child would inherit the parent's threads and locks.
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self.config,),
        )


class _Dispatch:
    """Which items wait, which are out, and which were out when a worker died."""

    def __init__(self, items: Sequence[WorkItem], limit: int) -> None:
        self.items = items
        self.limit = limit
        self.pending: deque[int] = deque(range(len(items)))
        self.suspects: deque[int] = deque()  # in flight when a worker died
        self.alone: set[int] = set()  # suspects handed out with nothing else in flight
        self.in_flight: dict[Future[ItemOutcome], int] = {}

    def hand_out(self, pool: ProcessPoolExecutor) -> None:
        """Fills the pool up to the limit; a suspect goes out only on its own."""
        while self.pending and len(self.in_flight) < self.limit:
            index = self.pending[0]
            future = pool.submit(_read, index, self.items[index])  # may raise BrokenProcessPool
            self.pending.popleft()
            self.in_flight[future] = index
        if not self.pending and self.suspects and not self.in_flight:
            index = self.suspects[0]
            future = pool.submit(_read, index, self.items[index])
            self.suspects.popleft()
            self.alone.add(index)
            self.in_flight[future] = index

    def after_crash(self, index: int) -> Iterator[ItemOutcome]:
        """A suspect again, or a failure when it was the only item out."""
        if index in self.alone:
            label = self.items[index].label
            yield ItemOutcome(index, False, None, f"{label}: {WORKER_DIED}", 0.0, "", None)
        else:
            self.suspects.append(index)
