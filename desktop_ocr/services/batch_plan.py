"""Turns the inputs of a batch into work items, each knowing where its results go.

Results mirror the inputs under the output folder: each input keeps its own name at the
top (`scans/` -> `OUT/scans/...`, `photo.jpg` -> `OUT/photo.jpg.json`), and a result is
named after the whole file name (`a.jpg.json`, `a.png.json`), so no two inputs share one.
A document page goes into a folder named after the document
(`OUT/scans/report.pdf/page-0003.json`). Result paths depend on the input paths alone,
never on what else is in the batch, which is what lets a later run find them again.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_ocr.engine import ImageLoadError
from desktop_ocr.services import batch_pages
from desktop_ocr.services.discovery import expand_paths

logger = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.jsonl"
PageCounter = Callable[[Path], "int | None"]


class PlanError(ValueError):
    """The inputs cannot be laid out under the output folder (the message says why)."""


@dataclass(frozen=True)
class WorkItem:
    """One image to read: a file, or one page of a document."""

    source: Path
    stem: str  # where its results go: a POSIX path under the output folder, no suffix
    page_index: int | None = None  # 0-based; None for a file read as one image
    page_count: int | None = None

    @property
    def page(self) -> int | None:
        """The page number a person reads (1-based), or None."""
        return None if self.page_index is None else self.page_index + 1

    @property
    def label(self) -> str:
        if self.page_index is None:
            return str(self.source)
        return f"{self.source} (page {self.page} of {self.page_count})"

    def to_row(self) -> dict[str, Any]:
        """A plain mapping that travels to other processes and machines as JSON."""
        return {
            "source": str(self.source),
            "stem": self.stem,
            "page_index": self.page_index,
            "page_count": self.page_count,
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> WorkItem:
        return cls(Path(row["source"]), row["stem"], row["page_index"], row["page_count"])


@dataclass
class BatchPlan:
    """The work items in a stable order, and what was left out or found broken on the way."""

    items: list[WorkItem] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


def page_stem(stem: str, index: int, count: int) -> str:
    """`report.pdf` page index 2 of 12 -> `report.pdf/page-0003` (at least 4 digits)."""
    width = max(4, len(str(count)))
    return f"{stem}/page-{index + 1:0{width}d}"


def root_name(path: Path) -> str:
    """The name an input keeps at the top of the output folder."""
    name = path.name
    if name in ("", ".", ".."):
        name = path.resolve().name
    return name or "root"


def plan_batch(
    inputs: Sequence[str | Path],
    out_dir: Path,
    *,
    pages: PageCounter | None = None,
) -> BatchPlan:
    """Every image file and document page under `inputs`, recursively, in a stable order.

    Files inside `out_dir` are left out, so an output folder kept inside the input folder
    is not read as input. A file reached from two inputs is read once, under the first.
    """
    count_pages = pages or batch_pages.page_count
    roots = [Path(raw).expanduser() for raw in inputs]
    _check_names(roots)
    out_real = os.path.realpath(out_dir)
    plan = BatchPlan()
    seen: set[str] = set()
    for root in roots:
        found = expand_paths([root], documents=True)
        top = root_name(root)
        for path, reason in found.skipped:
            if not _inside(os.path.realpath(path), out_real):
                plan.skipped.append((path, reason))
        for path in found.files:
            real = os.path.realpath(path)
            if real in seen or _inside(real, out_real):
                continue
            seen.add(real)
            stem = top if path == root else f"{top}/{path.relative_to(root).as_posix()}"
            _add_file(plan, path, stem, count_pages)
    return plan


def _add_file(plan: BatchPlan, path: Path, stem: str, count_pages: PageCounter) -> None:
    try:
        count = count_pages(path)
    except ImageLoadError as exc:
        plan.failed.append((path, str(exc)))
        return
    if count is None:
        plan.items.append(WorkItem(path, stem))
    elif count <= 0:
        plan.skipped.append((path, "a document without pages"))
    else:
        plan.items.extend(WorkItem(path, page_stem(stem, i, count), i, count) for i in range(count))


def _check_names(roots: list[Path]) -> None:
    by_name: dict[str, Path] = {}
    for root in roots:
        name = root_name(root)
        if name == MANIFEST_NAME and root.is_dir():
            raise PlanError(f"the folder {root} would hide the manifest; rename it")
        other = by_name.get(name)
        if other is not None and os.path.realpath(other) != os.path.realpath(root):
            raise PlanError(
                f"{other} and {root} would share the results folder '{name}': "
                "run them as two batches or give one of them under another name"
            )
        by_name[name] = root


def _inside(real: str, folder_real: str) -> bool:
    return real == folder_real or real.startswith(folder_real.rstrip(os.sep) + os.sep)
