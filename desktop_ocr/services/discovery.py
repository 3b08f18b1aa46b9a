"""Expands files and folders given by a user into the image files to process."""

from __future__ import annotations

import itertools
import logging
import os
import queue
import threading
from dataclasses import dataclass, field
from pathlib import Path

from desktop_ocr.engine.image_loader import IMAGE_SUFFIXES
from desktop_ocr.engine.pages import DOCUMENT_SUFFIXES, TIFF_SUFFIXES, PageOptions
from desktop_ocr.i18n import Msg
from desktop_ocr.services.page_reader import count_pages

logger = logging.getLogger(__name__)


@dataclass
class Discovery:
    """Image files found, in a stable order, and what was skipped with the reason.

    `pages` has the page count of each file found that holds several pages (a PDF, a
    multi-page TIFF), when the search was asked to count them.
    """

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    pages: dict[Path, int] = field(default_factory=dict)


def is_image_name(path: Path, *, documents: bool = False) -> bool:
    suffix = path.suffix.lower()
    return suffix in IMAGE_SUFFIXES or (documents and suffix in DOCUMENT_SUFFIXES)


def expand_paths(
    paths: list[str | Path], *, keep_named_files: bool = True, documents: bool = False
) -> Discovery:
    """Walks folders recursively for supported image types (and PDFs with `documents`).

    Files named directly are kept whatever their extension when `keep_named_files` is
    true (the engine then says if one is not an image); otherwise they are filtered like
    folder contents. Symlinked folders are followed once, so a link loop cannot recurse.
    """
    found = Discovery()
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            _walk(path, found, seen, documents)
        elif path.exists() or path.is_symlink():
            if keep_named_files or is_image_name(path, documents=documents):
                _add(path, found, seen)
            else:
                suffix = path.suffix or Msg("no extension")
                found.skipped.append(
                    (path, Msg("not a supported image type ({suffix})", suffix=suffix))
                )
        elif keep_named_files:
            _add(path, found, seen)  # the engine reports it as missing, in order
        else:
            found.skipped.append((path, Msg("not found")))
    return found


def _add(path: Path, found: Discovery, seen: set[Path]) -> None:
    key = path.resolve()
    if key not in seen:
        seen.add(key)
        found.files.append(path)


def _walk(root: Path, found: Discovery, seen: set[Path], documents: bool) -> None:
    visited: set[str] = set()

    def on_error(err: OSError) -> None:
        found.skipped.append(
            (
                Path(err.filename or root),
                Msg("cannot be listed ({detail})", detail=str(err.strerror)),
            )
        )

    for folder, dirs, files in os.walk(root, followlinks=True, onerror=on_error):
        real = os.path.realpath(folder)
        if real in visited:
            found.skipped.append((Path(folder), Msg("folder visited already (symlink loop)")))
            dirs[:] = []
            continue
        visited.add(real)
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if is_image_name(path, documents=documents):
                _add(path, found, seen)
            elif not name.startswith("."):
                suffix = path.suffix or Msg("no extension")
                found.skipped.append(
                    (path, Msg("not a supported image type ({suffix})", suffix=suffix))
                )


@dataclass(frozen=True)
class DiscoveryRequest:
    """Paths to search, in the order a user gave them."""

    request_id: int
    paths: tuple[str | Path, ...]
    keep_named_files: bool
    documents: bool = False  # find PDFs too, and count the pages of every document


class BackgroundDiscovery:
    """Searches folders on a thread of its own, one request after another.

    Dropping a home folder can mean a walk over hundreds of thousands of entries; the
    window must not wait for it. Results come out of `results` in the order asked for,
    as (request, Discovery) pairs, for the caller to poll.
    """

    def __init__(self) -> None:
        self.results: queue.SimpleQueue[tuple[DiscoveryRequest, Discovery]] = queue.SimpleQueue()
        self._requests: queue.SimpleQueue[DiscoveryRequest | None] = queue.SimpleQueue()
        self._ids = itertools.count(1)
        self._thread = threading.Thread(target=self._run, name="discovery", daemon=True)
        self._thread.start()

    def search(
        self, paths: list[str | Path], *, keep_named_files: bool, documents: bool = False
    ) -> DiscoveryRequest:
        request = DiscoveryRequest(next(self._ids), tuple(paths), keep_named_files, documents)
        self._requests.put(request)
        return request

    def stop(self) -> None:
        self._requests.put(None)

    def _run(self) -> None:
        while (request := self._requests.get()) is not None:
            try:
                found = expand_paths(
                    list(request.paths),
                    keep_named_files=request.keep_named_files,
                    documents=request.documents,
                )
                if request.documents:
                    count_document_pages(found)
            except Exception as exc:  # a search must never end the thread
                logger.exception("searching %s failed", request.paths)
                found = Discovery(
                    skipped=[
                        (Path(p), Msg("cannot be searched ({detail})", detail=str(exc)))
                        for p in request.paths
                    ]
                )
            self.results.put((request, found))


def count_document_pages(found: Discovery) -> None:
    """Counts the pages of the files that may hold several, into `found.pages`.

    Done on the search's thread: opening a PDF on a slow drive, or walking the frames of
    a large TIFF, must not hold up a window. Plain images are not opened.
    """
    options = PageOptions(text_layer=False)
    for path in found.files:
        suffix = path.suffix.lower()
        if suffix in IMAGE_SUFFIXES and suffix not in TIFF_SUFFIXES:
            continue
        count = count_pages(path, options)
        if count is not None and count > 1:
            found.pages[path] = count
