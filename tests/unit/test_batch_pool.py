"""The local pool when its worker processes cannot run at all: it stops instead of spinning."""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from desktop_ocr.engine import load_config
from desktop_ocr.services.batch import BatchSettings, run_batch
from desktop_ocr.services.batch_pool import LocalPool
from desktop_ocr.services.batch_reader import BatchAbortedError


def _die_at_start(*_args: object) -> None:
    os._exit(3)  # as a worker whose native libraries crash on load would


class DyingPool(LocalPool):
    def _new_pool(self) -> ProcessPoolExecutor:
        self.pools = getattr(self, "pools", 0) + 1
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_die_at_start,
        )


def test_workers_that_die_before_reading_anything_stop_the_batch(tmp_path: Path):
    images = tmp_path / "images"
    images.mkdir()
    for n in range(6):
        (images / f"{n}.png").write_bytes(b"not read")
    pool = DyingPool(load_config(), workers=2, threads=1)
    with pytest.raises(BatchAbortedError, match="ended 4 times in a row without reading"):
        run_batch(BatchSettings((images,), tmp_path / "out"), pool, cancel=threading.Event())
    assert pool.pools == 4
    assert not list((tmp_path / "out").rglob("*.json"))
