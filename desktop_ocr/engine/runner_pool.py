"""Several sessions of one model, each on a thread of its own, for the lines of a page.

A text line is a small input: onnxruntime splits its layers over two threads less well
than it splits a page, so two lines read side by side, each by a one-thread session, get
more done than one line at a time on two threads (benchmarks/cpu_settings.py measures it).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from desktop_ocr.engine.errors import ModelLoadError
from desktop_ocr.engine.model_runner import ModelRunner, Result, Task

logger = logging.getLogger(__name__)



class RunnerPool:
    """Looks like one ModelRunner to the engine; `each` spreads work over the members.

    `solo` has all the threads and reads alone: one line, a warm-up. The members share
    those threads out and read side by side when there are two lines or more; they are
    made when first needed, so reading single lines costs no extra session.
    """

    def __init__(
        self, solo: ModelRunner, make_member: Callable[[], ModelRunner], size: int
    ) -> None:
        if size < 2:
            raise ValueError("a pool needs two members or more")
        self.solo = solo
        self.size = size
        self.members: tuple[ModelRunner, ...] = ()
        self._make_member = make_member
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._overlap = 0.0  # seconds that members spent in run() at the same time

    @property
    def everyone(self) -> tuple[ModelRunner, ...]:
        return (self.solo, *self.members)

    @property
    def role(self) -> str:
        return self.solo.role

    @property
    def session(self) -> Any:
        return self.solo.session

    @property
    def path(self) -> Path:
        return self.solo.path

    @property
    def providers(self) -> tuple[str, ...]:
        return self.solo.providers

    @property
    def shapes(self) -> set[tuple[int, ...]]:
        return set().union(*(r.shapes for r in self.everyone))

    @property
    def run_seconds(self) -> float:
        """Time inside run() as a clock on the wall sees it: side by side counts once."""
        return sum(r.run_seconds for r in self.everyone) - self._overlap

    @property
    def runs(self) -> int:
        return sum(r.runs for r in self.everyone)

    def metadata(self) -> dict[str, str]:
        return self.solo.metadata()

    def run(self, batch: np.ndarray) -> np.ndarray:
        return self.solo.run(batch)

    def release_memory(self, shape: tuple[int, ...]) -> None:
        for runner in self.everyone:
            runner.release_memory(shape)

    def each(
        self, tasks: Iterable[Task], work: Callable[[ModelRunner, Task], Result]
    ) -> list[Result]:
        """`work(runner, task)` for every task, each member on one thread at a time.

        Results come back in the order of the tasks; the first error is raised once the
        running tasks end.
        """
        items = list(tasks)
        if len(items) < 2 or not self._ready():
            return [work(self.solo, item) for item in items]
        results: list[Result | None] = [None] * len(items)
        queue = iter(range(len(items)))
        failed = threading.Event()

        def drain(runner: ModelRunner) -> None:
            while not failed.is_set():
                with self._lock:
                    index = next(queue, None)
                if index is None:
                    return
                try:
                    results[index] = work(runner, items[index])
                except BaseException:
                    failed.set()
                    raise

        executor = self._pool()
        started, busy = time.perf_counter(), sum(m.run_seconds for m in self.members)
        futures = [executor.submit(drain, member) for member in self.members]
        for future in futures:
            future.exception()  # waits; every drain ends before any error is raised
        busy = sum(m.run_seconds for m in self.members) - busy
        self._overlap += max(0.0, busy - (time.perf_counter() - started))
        for future in futures:
            future.result()
        return results  # type: ignore[return-value]

    def _ready(self) -> bool:
        """Makes the members on first use; False (read alone) if that fails."""
        if not self.members:
            try:
                self.members = tuple(self._make_member() for _ in range(self.size))
            except ModelLoadError as exc:
                logger.warning("lines are read one at a time: %s", exc)
                self.size = 0
        return bool(self.members)

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                len(self.members), thread_name_prefix=f"{self.role}-session"
            )
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None
