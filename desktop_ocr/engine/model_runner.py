"""One model's onnxruntime session as the engine's stages use it: run, timed, its shapes
remembered (CUDA tunes once per shape), its spare memory handed back when asked."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from desktop_ocr.engine.errors import InferenceError

logger = logging.getLogger(__name__)
Task = TypeVar("Task")
Result = TypeVar("Result")


@dataclass
class ModelRunner:
    """One model's session, with the input shapes it has seen and time spent in run()."""

    role: str
    path: Path
    session: Any
    providers: tuple[str, ...]
    input_name: str = ""
    shapes: set[tuple[int, ...]] = field(default_factory=set)
    run_seconds: float = 0.0
    runs: int = 0
    arena: bool = False  # onnxruntime's CPU memory arena keeps buffers between runs
    releases: int = 0  # times the arena's spare buffers were handed back

    def __post_init__(self) -> None:
        self.input_name = self.session.get_inputs()[0].name

    def run(self, batch: np.ndarray) -> np.ndarray:
        self.shapes.add(tuple(int(d) for d in batch.shape))
        start = time.perf_counter()
        try:
            output = self.session.run(None, {self.input_name: batch})[0]
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise InferenceError(
                f"{self.role} model failed on input {batch.shape}: {exc}", str(exc)
            ) from exc
        finally:
            self.run_seconds += time.perf_counter() - start
            self.runs += 1
        return output

    def each(
        self, tasks: Iterable[Task], work: Callable[[ModelRunner, Task], Result]
    ) -> list[Result]:
        """`work(self, task)` for every task in turn (RunnerPool shares them out)."""
        return [work(self, task) for task in tasks]

    def release_memory(self, shape: tuple[int, ...]) -> None:
        """Hands the arena's spare buffers back to the system.

        onnxruntime shrinks an arena only at the end of a run that asks for it, so the
        model runs once more on a small input of `shape`, all zeros.
        """
        if not self.arena or not self.runs:
            return
        import onnxruntime as ort

        options = ort.RunOptions()
        options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
        try:
            self.session.run(None, {self.input_name: np.zeros(shape, np.float32)}, options)
        except Exception as exc:  # noqa: BLE001 - untyped onnxruntime errors; memory only
            logger.warning("could not release the %s model's spare memory: %s", self.role, exc)
            return
        self.releases += 1

    def metadata(self) -> dict[str, str]:
        return dict(self.session.get_modelmeta().custom_metadata_map)
