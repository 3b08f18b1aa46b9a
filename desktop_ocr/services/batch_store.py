"""Results of a batch on disk: one file per work item and format, and the manifest.

A result is written whole or not at all (services/atomic_file), so a result file that
exists is complete, and one newer than its input is up to date: a later run skips it.
That is all resume needs, so a run killed at any moment loses only the images it was
reading. The manifest is appended a line at a time and flushed: after a kill it holds
every outcome but, at most, a torn last line, which the reader skips.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from desktop_ocr.services.atomic_file import write_text_atomic
from desktop_ocr.services.batch_plan import MANIFEST_NAME, WorkItem

logger = logging.getLogger(__name__)

FORMATS = ("json", "txt")
LOCK_NAME = ".desktop-ocr-batch.lock"
# What write_text_atomic leaves behind when the process is killed mid-write.
_PARTIAL = re.compile(r"^\..+\.(json|txt)\.[A-Za-z0-9_]+\.tmp$")


class OutputBusyError(RuntimeError):
    """Another batch is writing into the same output folder."""


class ResultStore:
    """Where each work item's results go, whether they are up to date, and writing them."""

    def __init__(self, out_dir: Path, formats: Sequence[str] = FORMATS) -> None:
        unknown = [f for f in formats if f not in FORMATS]
        if unknown or not formats:
            raise ValueError(f"formats must be among {', '.join(FORMATS)}; got {list(formats)}")
        self.out_dir = out_dir
        self.formats = tuple(formats)

    def relative_paths(self, item: WorkItem) -> list[str]:
        return [f"{item.stem}.{fmt}" for fmt in self.formats]

    def paths(self, item: WorkItem) -> list[Path]:
        return [self.out_dir / rel for rel in self.relative_paths(item)]

    def is_up_to_date(self, item: WorkItem) -> bool:
        """True when every result of `item` exists and is newer than its input file."""
        try:
            source_mtime = item.source.stat().st_mtime_ns
        except OSError:
            return False  # the run reads it and records why it cannot
        for path in self.paths(item):
            try:
                if path.stat().st_mtime_ns <= source_mtime:
                    return False
            except OSError:
                return False
        return True

    def write(self, item: WorkItem, result: dict[str, Any]) -> list[str]:
        """Writes every format of one result; returns their paths under the output folder."""
        rels = self.relative_paths(item)
        for fmt, rel in zip(self.formats, rels, strict=True):
            target = self.out_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(target, render(result, fmt))
        return rels

    def remove_partial_files(self) -> int:
        """Deletes the temporary files of writes that a killed run left unfinished."""
        removed = 0
        for folder, _dirs, files in os.walk(self.out_dir):
            for name in files:
                if _PARTIAL.match(name):
                    try:
                        (Path(folder) / name).unlink()
                        removed += 1
                    except OSError as exc:
                        logger.warning("cannot remove %s: %s", Path(folder) / name, exc)
        return removed


def render(result: dict[str, Any], fmt: str) -> str:
    """The text of one result file: the `ocr --format jsonl` object on one line, or the text.

    One JSON object per file on a single line means `cat` of the result files is the
    JSON Lines that `desktop-ocr ocr --format jsonl` prints for the same images.
    """
    if fmt == "json":
        return json.dumps(result, ensure_ascii=False) + "\n"
    lines = [line["text"] for line in result.get("lines", [])]
    return "".join(text + "\n" for text in lines)


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Holds the output folder for one batch; OutputBusyError when another holds it.

    Two batches writing into one folder would read inputs twice and interleave their
    manifest lines. The lock is the operating system's, so a killed run leaves none.
    """
    handle = (out_dir / LOCK_NAME).open("a+b")
    try:
        if not _try_lock(handle):
            raise OutputBusyError(f"another batch is writing into {out_dir}")
        yield
    finally:
        handle.close()  # closing releases the lock


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class ManifestEntry:
    """What happened to one input (or page) in one run."""

    status: str  # "done", "failed" or "skipped"
    input: str
    page: int | None = None
    reason: str | None = None
    results: tuple[str, ...] = ()
    ms: float | None = None
    worker: str | None = None  # host:pid that read it


class Manifest:
    """`manifest.jsonl` in the output folder: one JSON object per outcome, every run appended."""

    def __init__(self, out_dir: Path, run_id: str | None = None) -> None:
        self.path = out_dir / MANIFEST_NAME
        self.run_id = run_id or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + f"-{os.getpid()}"
        self._handle: IO[str] | None = None

    def __enter__(self) -> Manifest:
        torn = self.path.exists() and not _ends_with_newline(self.path)
        self._handle = self.path.open("a", encoding="utf-8", newline="\n")
        if torn:
            self._handle.write("\n")  # a torn last line stays a line of its own
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            self._handle = None

    def record(self, entry: ManifestEntry) -> None:
        if self._handle is None:
            raise RuntimeError("the manifest is not open")
        row = {
            "run": self.run_id,
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "status": entry.status,
            "input": entry.input,
            "page": entry.page,
            "reason": entry.reason,
            "results": list(entry.results),
            "ms": None if entry.ms is None else round(entry.ms, 1),
            "worker": entry.worker,
        }
        self._handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._handle.flush()


def read_manifest(out_dir: Path) -> list[dict[str, Any]]:
    """Every entry of the manifest in `out_dir`, oldest first; a torn line is skipped."""
    path = out_dir / MANIFEST_NAME
    if not path.exists():
        return []
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                logger.info("%s line %d is incomplete; skipped", path, number)
    return rows


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        try:
            handle.seek(-1, os.SEEK_END)
        except OSError:
            return True  # empty
        return handle.read(1) == b"\n"
