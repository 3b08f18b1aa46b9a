"""Adding work to the window: open dialogs, folders, drops, the sample and the clipboard.

Folders are searched on a background thread (a network drive or a big tree must not
freeze the window); what a search finds is queued when the window's poll picks it up.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_ocr.engine import IMAGE_SUFFIXES
from desktop_ocr.engine.pages import DOCUMENT_SUFFIXES
from desktop_ocr.gui import file_dialogs
from desktop_ocr.gui.clipboard import ClipboardContent, read_clipboard
from desktop_ocr.gui.controller import Message
from desktop_ocr.i18n import _, localize
from desktop_ocr.resources import asset_path
from desktop_ocr.services.discovery import BackgroundDiscovery, Discovery

if TYPE_CHECKING:
    from desktop_ocr.gui.controller import WindowController
    from desktop_ocr.gui.status_bar import StatusBar
    from desktop_ocr.gui.text_panel import TextPanel
    from desktop_ocr.services.settings_store import Settings
    from desktop_ocr.services.worker import OcrWorker

logger = logging.getLogger(__name__)

SAMPLE_IMAGE = "sample.png"
OPEN_SUFFIXES = (*IMAGE_SUFFIXES, *DOCUMENT_SUFFIXES)


class AddingWork:
    """The ways to queue images; mixed into MainWindow, which sets the attributes and
    provides remember_dir, show_message and _draw_changes."""

    root: tk.Tk
    controller: WindowController
    worker: OcrWorker
    discovery: BackgroundDiscovery
    status: StatusBar
    settings: Settings
    text_panel: TextPanel
    searching: int
    _closed: bool

    def open_images(self) -> None:
        file_dialogs.open_files(
            self.root,
            title=_("Open images"),
            initialdir=self.settings.gui.last_open_dir,
            filetypes=[
                (_("Images and PDFs"), " ".join(f"*{s} *{s.upper()}" for s in OPEN_SUFFIXES)),
                (_("All files"), "*"),
            ],
            on_chosen=self._files_chosen,
        )

    def _files_chosen(self, paths: list[str]) -> None:
        self.remember_dir("last_open_dir", Path(paths[0]).parent)
        self.add_paths(paths)

    def open_folder(self) -> None:
        file_dialogs.choose_folder(
            self.root,
            title=_("Open a folder of images"),
            initialdir=self.settings.gui.last_open_dir,
            on_chosen=self._folder_chosen,
        )

    def _folder_chosen(self, folder: str) -> None:
        self.remember_dir("last_open_dir", Path(folder))
        self.add_paths([folder])

    def open_sample(self) -> None:
        try:
            sample = asset_path(SAMPLE_IMAGE)
        except FileNotFoundError as exc:
            self.show_message(_("The sample image is missing"), str(exc), kind="error")
            return
        self.add_paths([sample])

    def add_dropped(self, paths: list[str]) -> None:
        """A drop: folders are searched, and files that are not images are skipped."""
        self.add_paths(paths, keep_named_files=False)

    def add_paths(self, paths: Iterable[str | Path], *, keep_named_files: bool = True) -> None:
        """Queues files and the images in folders, searched on a background thread."""
        self.discovery.search(list(paths), keep_named_files=keep_named_files, documents=True)
        self.searching += 1
        self.status.set_message(_("Looking for images…"))

    def _queue_found(self, found: Discovery) -> None:
        """Queues what a search found, a row per page of a document; reports what was skipped."""
        images = pages = 0
        for path in found.files:
            count = found.pages.get(path)
            if count is None:
                job = self.worker.submit(path, name=path.name)
                self.controller.add_waiting(job.job_id, path.name, path)
                images += 1
                continue
            for job in self.worker.submit_document(path, name=path.name, page_count=count):
                self.controller.add_waiting(job.job_id, job.name, path, job.page, count)
            pages += count
        # The search says why in English; the window says it in its own language.
        skipped = [(path, localize(reason)) for path, reason in found.skipped]
        for path, reason in skipped:
            self.controller.add_skipped(path, reason)
        self.controller.changes.message = self.controller.added_message(images, skipped, pages)
        self._draw_changes()

    def add_image_bytes(self, data: bytes, name: str) -> None:
        job = self.worker.submit(data, name=name)
        self.controller.add_waiting(job.job_id, name, data)
        self.controller.changes.message = Message(_("Queued {name}.").format(name=name))
        self._draw_changes()

    def paste_from_clipboard(self) -> None:
        if self.text_panel.paste_text_if_editing():
            return
        self.status.set_message(_("Reading the clipboard…"))
        read_clipboard(self.root, self._on_clipboard)

    def _on_clipboard(self, content: ClipboardContent) -> None:
        if self._closed:
            return
        if content.image is not None:
            self.add_image_bytes(content.image, self.controller.next_paste_name())
        elif content.paths:
            self.add_paths(content.paths, keep_named_files=False)
        else:
            self.status.set_message(content.problem or _("Nothing to paste."), warning=True)
