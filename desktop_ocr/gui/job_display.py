"""Shows one queued job in the image view and the text pane, with a cache of decoded images.

Going back to an earlier image is common (compare, copy again), and decoding a large
scan takes longer than the user should wait, so the most recent images stay decoded
up to a budget of pixels; older ones are decoded again from their file.
"""

from __future__ import annotations

import collections
import logging
import tkinter as tk

from PIL import Image

from desktop_ocr.engine import EngineConfig, ImageLoadError
from desktop_ocr.gui.about_dialog import APP_NAME
from desktop_ocr.gui.controller import JobEntry
from desktop_ocr.gui.image_view import ImageView
from desktop_ocr.gui.text_panel import TextPanel
from desktop_ocr.i18n import _
from desktop_ocr.services.page_reader import load_preview, rgb_image

logger = logging.getLogger(__name__)

IMAGE_CACHE_PIXELS = 60_000_000  # decoded images kept for going back to them


class JobDisplay:
    """Draws a job (or nothing) in the image view and text pane and titles the window."""

    def __init__(self, root: tk.Tk, image_view: ImageView, text_panel: TextPanel) -> None:
        self.root = root
        self.image_view = image_view
        self.text_panel = text_panel
        self.images: collections.OrderedDict[int, Image.Image] = collections.OrderedDict()
        self.shown_id: int | None = None

    def show_nothing(self, note: str) -> None:
        self.shown_id = None
        self.root.title(APP_NAME)
        self.image_view.show_empty(note)
        self.text_panel.show_note(_("Text"), "", _("Open or drop images to read their text."))

    def show_entry(self, entry: JobEntry, *, loading: bool, config: EngineConfig) -> None:
        """Shows a job in its current state; `loading`: the models are not ready yet."""
        self.shown_id = entry.job_id
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
        result = entry.result
        assert result is not None
        image = self.images.get(entry.job_id)
        if image is not None:
            self.images.move_to_end(entry.job_id)
        elif entry.source is not None:
            try:
                image = rgb_image(load_preview(entry.source, config, entry.page, entry.dpi))
                self.cache(entry.job_id, image)
            except ImageLoadError as exc:
                self.image_view.show_message(_("The image cannot be shown again"), exc.reason)
        if image is not None:
            self.image_view.show_image(image, [line.box for line in result.lines])
        self.text_panel.show_result(entry)

    def cache(self, job_id: int, image: Image.Image) -> None:
        self.images[job_id] = image
        self.images.move_to_end(job_id)
        total = sum(i.width * i.height for i in self.images.values())
        while total > IMAGE_CACHE_PIXELS and len(self.images) > 1:
            _id, dropped = self.images.popitem(last=False)
            total -= dropped.width * dropped.height

    def forget(self, job_ids: list[int]) -> None:
        for job_id in job_ids:
            self.images.pop(job_id, None)

    def release(self) -> None:
        self.images.clear()
