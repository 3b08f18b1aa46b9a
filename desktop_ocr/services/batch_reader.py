"""Reads one work item with an engine: the code that local workers and Ray actors share.

Both runners call `ItemReader.read` and nothing else, and the driver writes what it
returns, so a batch gives the same results whichever runner read it.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from dataclasses import asdict, dataclass
from typing import Any

from desktop_ocr.engine import (
    ConfigError,
    EngineConfig,
    ImageLoadError,
    ModelLoadError,
    OcrEngine,
    OcrError,
)
from desktop_ocr.services import batch_pages
from desktop_ocr.services.batch_plan import WorkItem
from desktop_ocr.services.peak_memory import peak_memory

logger = logging.getLogger(__name__)


class BatchAbortedError(RuntimeError):
    """The batch cannot go on at all (the engine cannot be built, the disk is full...)."""


@dataclass(frozen=True)
class ItemOutcome:
    """What reading one work item gave: the result object, or the reason it failed."""

    index: int  # the item's place in the list the runner was given
    ok: bool
    result: dict[str, Any] | None  # the object `desktop-ocr ocr --format jsonl` prints
    error: str | None
    ms: float
    worker: str  # host:pid of the process that read it
    peak_bytes: int | None  # that process's peak resident memory so far
    fatal: bool = False  # the worker has no engine: no item can be read, stop the batch

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ItemOutcome:
        return cls(**json.loads(text))


def worker_config(config: EngineConfig, threads: int | None) -> EngineConfig:
    """The config with `threads` onnxruntime threads per model, so workers share the cores."""
    if threads is None:
        return config
    return config.with_overrides({"runtime": {"intra_op_threads": threads}})


class ItemReader:
    """One engine, built once per worker process or actor, and the reading of one item.

    An engine that cannot be built (a model file missing on that machine) is not an
    exception here: it comes back as a fatal outcome, the same way from a process and
    from a Ray actor, where a failing constructor would only be retried and then
    reported as a stack trace.
    """

    def __init__(self, config: EngineConfig) -> None:
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self.engine: OcrEngine | None = None
        self.engine_error: str | None = None
        try:
            self.engine = OcrEngine(config)
        except (ConfigError, ModelLoadError) as exc:
            self.engine_error = f"the OCR engine cannot be built on {self.worker}: {exc}"

    def read(self, index: int, item: WorkItem) -> ItemOutcome:
        if self.engine is None:
            return ItemOutcome(
                index, False, None, self.engine_error, 0.0, self.worker, None, fatal=True
            )
        start = time.perf_counter()
        result: dict[str, Any] | None = None
        error: str | None = None
        try:
            if item.page_index is None:
                ocr = self.engine(item.source)
            else:
                ocr = batch_pages.read_page(self.engine, item.source, item.page_index)
            result = ocr.to_dict()
            if item.page_index is not None:
                result["page"] = item.page
                result["pages"] = item.page_count
        except (ImageLoadError, OcrError) as exc:
            error = str(exc)
        except Exception as exc:  # one odd file must not end a batch of thousands
            logger.exception("reading %s failed", item.label)
            error = f"{item.label}: unexpected error ({type(exc).__name__}: {exc})"
        peak = peak_memory()
        return ItemOutcome(
            index=index,
            ok=error is None,
            result=result,
            error=error,
            ms=(time.perf_counter() - start) * 1000,
            worker=self.worker,
            peak_bytes=peak.bytes if peak else None,
        )
