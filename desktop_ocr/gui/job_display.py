"""Shows one queued job in the image view and the text pane, with a cache of display copies.

Going back to an earlier image is common (compare, copy again), and decoding a large
scan takes longer than the user should wait, so each result keeps a display-sized copy
(and the most recent ones all their pixels) up to a budget of memory; an image dropped
from it is decoded again on the display thread, never on the window's.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Container

from desktop_ocr.engine import EngineConfig, LoadedImage
from desktop_ocr.gui.about_dialog import APP_NAME
from desktop_ocr.gui.image_view import ImageView
from desktop_ocr.gui.job_entry import JobEntry
from desktop_ocr.gui.text_panel import TextPanel
from desktop_ocr.i18n import _
from desktop_ocr.services.display_images import (
    INLINE_PIXELS,
    DisplayCache,
    DisplayImage,
    DisplayLoader,
    DisplayReady,
    make_display_image,
)

logger = logging.getLogger(__name__)


class JobDisplay:
    """Draws a job (or nothing) in the image view and text pane and titles the window."""

    def __init__(self, root: tk.Tk, image_view: ImageView, text_panel: TextPanel) -> None:
        self.root = root
        self.image_view = image_view
        self.text_panel = text_panel
        self.images = DisplayCache()
        self.shown_id: int | None = None
        self.loader = DisplayLoader()
        self._shown: JobEntry | None = None
        self._config: EngineConfig | None = None
        image_view.set_detail_handler(self._need_detail)

    def show_nothing(self, note: str) -> None:
        self.shown_id, self._shown = None, None
        self.images.pinned = None
        self.root.title(APP_NAME)
        self.image_view.show_empty(note)
        self.text_panel.show_note(_("Text"), "", _("Open or drop images to read their text."))

    def show_entry(self, entry: JobEntry, *, loading: bool, config: EngineConfig) -> None:
        """Shows a job in its current state; `loading`: the models are not ready yet."""
        self.shown_id, self._shown, self._config = entry.job_id, entry, config
        self.images.pinned = entry.job_id
        self.root.title(f"{entry.name} — {APP_NAME}")
        name, label, reason = entry.name, entry.label, entry.reason or ""
        view, text = self.image_view, self.text_panel
        if entry.state == "done" and entry.result is not None:
            self._show_result(entry, config)
        elif entry.state == "failed":
            view.show_message(_("Could not read {name}").format(name=name), reason)
            text.show_note(name, label, _("Failed: {reason}").format(reason=reason))
        elif entry.state == "skipped":
            view.show_message(_("Skipped {name}").format(name=name), reason)
            text.show_note(name, label, _("Skipped: {reason}").format(reason=reason))
        elif entry.state == "cancelled":
            view.show_message(
                _("{name} was cancelled").format(name=name), _("Add it again to read it.")
            )
            text.show_note(name, label, _("Cancelled."))
        else:
            waiting = entry.state == "waiting"
            title = (
                _("{name} is waiting").format(name=name)
                if waiting
                else _("Reading {name}…").format(name=name)
            )
            view.show_message(title, _("Loading models…") if loading and waiting else "")
            text.show_note(name, label, _("The text appears here when read."))

    def _show_result(self, entry: JobEntry, config: EngineConfig) -> None:
        image = self.images.get(entry.job_id)
        if image is not None:
            self._draw_image(entry, image)
        else:
            self._decode(entry, config)
            self.image_view.show_message(_("Preparing {name}…").format(name=entry.name))
        self.text_panel.show_result(entry)

    def _draw_image(self, entry: JobEntry, image: DisplayImage) -> None:
        assert entry.result is not None
        self.image_view.show_image(image, [line.box for line in entry.result.lines])

    def add_result(self, job_id: int, loaded: LoadedImage) -> None:
        """Keeps a newly read image for display; a large one is converted on the display thread."""
        width, height = loaded.size
        if width * height <= INLINE_PIXELS:  # a few milliseconds: no waiting on a thread
            self.images.put(job_id, make_display_image(loaded))
        else:
            self.loader.prepare(job_id, loaded)

    def take_ready(self, known: Container[int]) -> None:
        """Shows and keeps the display copies made since last time, of the `known` jobs."""
        while self.loader.ready:
            outcome = self.loader.ready.popleft()
            if outcome.key in known:  # not cleared from the queue meanwhile
                self._ready(outcome)

    def _ready(self, outcome: DisplayReady) -> None:
        shown = self._shown if outcome.key == self.shown_id else None
        if outcome.image is None:
            # Zoomed in on a display copy whose file is gone since: the copy stays shown.
            if shown is not None and shown.state == "done" and self.image_view.mode != "image":
                reason = outcome.error.reason if outcome.error is not None else ""
                self.image_view.show_message(_("The image cannot be shown again"), reason)
            return
        self.images.put(outcome.key, outcome.image)
        if shown is None or shown.state != "done" or shown.result is None:
            return
        if not self.image_view.add_detail(outcome.image):
            self._draw_image(shown, outcome.image)

    def _need_detail(self) -> None:
        """The view zoomed in past the display copy: decode every pixel of the shown image."""
        if self._shown is not None and self._config is not None:
            self._decode(self._shown, self._config)

    def _decode(self, entry: JobEntry, config: EngineConfig) -> None:
        """Asks the display thread for the entry's pixels again, from its file (or page)."""
        if entry.source is None or self.loader.is_waiting(entry.job_id):
            return
        self.loader.decode(entry.job_id, entry.source, config, entry.page, entry.dpi)

    def forget(self, job_ids: list[int]) -> None:
        for job_id in job_ids:
            self.images.forget(job_id)
            self.loader.forget(job_id)

    def release(self) -> None:
        """Stops the display thread and drops every copy (the window is closing)."""
        self.loader.stop(timeout=5)
        self.images.clear()
        self._shown = None
