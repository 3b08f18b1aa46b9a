"""The main window: builds the views, wires the actions, and draws the controller's state.

It owns no OCR: it hands files to the worker and polls the worker's events with
`after()`, so every Tk call happens on the main thread and the window keeps
answering while an image is read. What the events mean is decided by the Tk-free
WindowController; this class only draws what changed.
"""

from __future__ import annotations

import gc
import logging
import queue
import time
import tkinter as tk
from pathlib import Path
from tkinter import ttk
from typing import Any

from desktop_ocr.engine import ConfigError, EngineConfig
from desktop_ocr.engine.sessions import SessionConstructor
from desktop_ocr.gui import actions
from desktop_ocr.gui.about_dialog import APP_NAME
from desktop_ocr.gui.adding_work import AddingWork
from desktop_ocr.gui.capture_actions import WindowCapture
from desktop_ocr.gui.controller import WindowController
from desktop_ocr.gui.dnd import enable_drop
from desktop_ocr.gui.dpi import apply_scaling, factor, px, scale_pixel_fonts
from desktop_ocr.gui.export_actions import ExportActions
from desktop_ocr.gui.fonts import AppFonts, setup_fonts
from desktop_ocr.gui.image_view import ImageView
from desktop_ocr.gui.job_display import JobDisplay
from desktop_ocr.gui.job_entry import JobEntry, origin_text
from desktop_ocr.gui.queue_panel import QueuePanel
from desktop_ocr.gui.status_bar import StatusBar
from desktop_ocr.gui.text_panel import TextPanel
from desktop_ocr.gui.theme import apply_theme
from desktop_ocr.gui.window_dialogs import WindowDialogs
from desktop_ocr.gui.window_setup import drop_unavailable_note, load_icon, restore_geometry
from desktop_ocr.i18n import _
from desktop_ocr.services.discovery import BackgroundDiscovery
from desktop_ocr.services.settings_store import (
    LoadOutcome,
    Settings,
    SettingsStore,
    build_engine_config,
    with_engine,
    with_gui,
)
from desktop_ocr.services.worker import JobDone, OcrWorker, WorkerEvent

logger = logging.getLogger(__name__)

POLL_MS = 40
POLL_BUDGET_S = 0.03  # time one poll may spend on events before yielding to Tk
WORKER_EXIT_TIMEOUT_S = 30.0


class MainWindow(AddingWork, WindowDialogs, WindowCapture):
    """Builds the window on `root` and runs it with a worker thread."""

    def __init__(
        self,
        root: tk.Tk,
        *,
        store: SettingsStore,
        loaded: LoadOutcome,
        dnd_error: str | None = None,
        session_factory: SessionConstructor | None = None,
    ) -> None:
        self.root = root
        self.store = store
        self.settings: Settings = loaded.settings
        self.dnd_error = dnd_error
        self._startup_warning: str | None = None
        self._closed = False
        self._poll_id: str | None = None
        self.dialogs: list[tk.Toplevel] = []
        self._settings_dialog: Any = None
        self.searching = 0  # searches asked for and not yet back

        apply_scaling(root)
        apply_theme(root, self.settings.gui.theme)
        scale_pixel_fonts(root)
        self.fonts: AppFonts = setup_fonts(root)
        self.icon = load_icon(root)
        root.title(APP_NAME)
        root.minsize(px(860), px(520))
        restore_geometry(root, self.settings.gui.geometry, factor())
        root.protocol("WM_DELETE_WINDOW", self.close)

        self.menus = actions.build_menus(root, self)
        bar = ttk.Frame(root, style="Toolbar.TFrame")
        bar.pack(side="top", fill="x")
        self.toolbar = actions.build_toolbar(bar, self)
        ttk.Separator(root, orient="horizontal").pack(side="top", fill="x")
        self._build_body()
        self.display = JobDisplay(root, self.image_view, self.text_panel)
        actions.bind_shortcuts(root, self)
        actions.shortcuts_first(self.text_panel.text)
        self.exports = ExportActions(self)

        config = self._initial_config()
        self.controller = WindowController(config)
        self.worker = OcrWorker(config, session_factory=session_factory)
        self.discovery = BackgroundDiscovery()
        self._show_nothing()
        self.status.set_count(*self.controller.count())
        self.status.set_loading(config.device)
        if dnd_error is None:
            enable_drop(
                self.body,
                self.add_dropped,
                on_enter=lambda: self.image_view.set_drop_highlight(True),
                on_leave=lambda: self.image_view.set_drop_highlight(False),
            )
        else:
            # Kept beside the "Models loaded" message that follows, so it is not missed.
            self._startup_warning = _(
                "Drag-and-drop is unavailable here; use Open images or Open folder."
            )
            self.status.set_message(self._startup_warning, warning=True)
        if loaded.problem:
            self._report_settings_problem(loaded)
        elif loaded.warnings:
            self.status.set_message("; ".join(loaded.warnings), warning=True)
        self.worker.start()
        self.start_capturing()
        self._poll_id = root.after(POLL_MS, self._poll)

    # -- set-up --------------------------------------------------------------------------

    def _initial_config(self) -> EngineConfig:
        try:
            return self.settings.engine_config()
        except ConfigError as exc:
            # The store validated the file; this means the bundled base changed under it.
            logger.warning("saved engine settings no longer apply: %s", exc)
            self.status.set_message(
                _("Saved engine settings ignored: {reason}").format(reason=exc), warning=True
            )
            self.settings = with_engine(self.settings, {})
            return build_engine_config({})

    def _build_body(self) -> None:
        self.status = StatusBar(self.root, on_provider_click=self.show_provider_details)
        self.status.pack(side="bottom", fill="x")
        ttk.Separator(self.root, orient="horizontal").pack(side="bottom", fill="x")
        self.body = ttk.Frame(self.root)
        self.body.pack(side="top", fill="both", expand=True)
        panes = ttk.Panedwindow(self.body, orient="horizontal")
        panes.pack(fill="both", expand=True)
        line_height = self.fonts.list.metrics("linespace")
        self.queue = QueuePanel(
            panes,
            heading_font=self.fonts.heading,
            row_height=line_height + 6,
            on_select=self._queue_selected,
            on_cancel=self.cancel,
            on_clear=self.clear_finished,
        )
        ttk.Style(self.root).configure("Queue.Treeview", font=self.fonts.list)
        self.image_view = ImageView(
            panes,
            font=self.fonts.empty,
            on_select=self.select_line,
            on_open=self.open_images,
            on_sample=self.open_sample,
        )
        self.text_panel = TextPanel(
            panes,
            font=self.fonts.text,
            cjk_font=self.fonts.text_cjk,
            heading_font=self.fonts.heading,
            on_select=self.select_line,
            on_copy_all=lambda: self.exports.copy_all(),
            export_menu=lambda parent: actions.dropdown_menu(parent, self, "export"),
        )
        # Every pane grows with the window, the image most.
        panes.add(self.queue, weight=1)
        panes.add(self.image_view, weight=3)
        panes.add(self.text_panel, weight=2)
        self.panes = panes

    # -- state the tests and dialogs read --------------------------------------------------

    @property
    def jobs(self) -> dict[int, JobEntry]:
        return self.controller.jobs

    @property
    def providers(self) -> Any:
        return self.controller.providers

    @property
    def engine_error(self) -> str | None:
        return self.controller.engine_error

    def current_entry(self) -> JobEntry | None:
        return self.controller.current_entry()

    # -- queue actions -------------------------------------------------------------------

    def cancel(self) -> None:
        dropped = self.worker.cancel()
        message = self.controller.cancelled_message(len(dropped))
        self.status.set_message(message.text, warning=message.warning)

    def clear_finished(self) -> None:
        self.keep_edits()
        gone = self.controller.clear_finished()
        self.queue.remove(gone)
        self.display.forget(gone)
        if self.controller.current is None:
            self._show_nothing()
        self._draw_changes()

    # -- worker events -------------------------------------------------------------------

    def _poll(self) -> None:
        self._poll_id = None
        if self._closed:
            return
        deadline = time.perf_counter() + POLL_BUDGET_S
        while not self.discovery.results.empty():
            _id, found = self.discovery.results.get_nowait()
            self.searching -= 1
            self._queue_found(found)
        while time.perf_counter() < deadline:
            try:
                event = self.worker.events.get_nowait()
            except queue.Empty:
                break
            self._handle(event)
        self._draw_changes()
        self.display.take_ready(self.controller.jobs)
        self._tick_running()
        self._poll_id = self.root.after(POLL_MS, self._poll)

    def _handle(self, event: WorkerEvent) -> None:
        """Hands an event to the controller, keeping a finished image's pixels for display."""
        self.controller.handle(event)
        if isinstance(event, JobDone) and event.job_id in self.controller.jobs:
            self.display.add_result(event.job_id, event.image)
        self.capture_event(event)

    def _draw_changes(self) -> None:
        """Draws what the controller says the last events changed."""
        controller = self.controller
        changes = controller.take_changes()
        for job_id in sorted(changes.rows):
            entry = controller.jobs.get(job_id)
            if entry is not None:
                self.queue.show_entry(entry)
        if changes.providers:
            self._draw_providers()
        if changes.timings:
            timings = controller.timings
            if timings is None:
                self.status.clear_timings()
            else:
                self.status.set_timings(*timings)
        if changes.message is not None:
            text, warning = changes.message.text, changes.message.warning
            if self._startup_warning and not warning:
                text, warning = f"{text} {self._startup_warning}", True
            self._startup_warning = None
            self.status.set_message(text, warning=warning)
        if changes.count:
            self.status.set_count(*self.controller.count())
        if changes.engine_error is not None:
            self.show_message(
                _("The OCR engine could not start"),
                changes.engine_error,
                kind="error",
                title=_("OCR engine"),
            )
        shown: int | None = None
        if changes.finished is not None and controller.follow:
            self.keep_edits()
            controller.current = changes.finished
            shown = changes.finished
        elif changes.current or controller.current != self.display.shown_id:
            shown = controller.current
        if shown is not None:
            entry = controller.jobs.get(shown)
            if entry is not None:
                self.queue.select(shown)
                self._show_entry(entry)

    def _draw_providers(self) -> None:
        controller = self.controller
        if controller.engine_error is not None:
            self.status.set_engine_failed(controller.engine_error.split(":")[0][:60])
        elif controller.providers is not None:
            self.status.set_providers(
                controller.providers,
                origin_text(controller.engine_config.source, controller.engine_config.models.pack),
            )
        else:
            self.status.set_loading(controller.loading_device or "cpu")

    def _tick_running(self) -> None:
        """The running image's time so far, so a long one visibly progresses."""
        entry = self.controller.running
        if entry is None or entry.state != "running" or entry.started is None:
            self.controller.running = None
            return
        self.queue.set_time(entry.job_id, f"{time.perf_counter() - entry.started:.1f} s")

    # -- showing a job -------------------------------------------------------------------

    def _queue_selected(self, job_id: int) -> None:
        """The user picked a row: show it and stop following new results."""
        self.keep_edits()
        entry = self.controller.select(job_id)
        if entry is not None:
            self._show_entry(entry)

    def show_job(self, job_id: int) -> None:
        """Shows a queued job as if the user had picked it."""
        self.queue.select(job_id)
        self._queue_selected(job_id)

    def _show_nothing(self) -> None:
        self.display.show_nothing(drop_unavailable_note(self.dnd_error))

    def _show_entry(self, entry: JobEntry) -> None:
        self.display.show_entry(
            entry,
            loading=self.controller.providers is None,
            config=self.controller.engine_config,
        )

    def select_line(self, index: int | None) -> None:
        """A line picked in the text or a box picked on the image: highlight both."""
        self.image_view.select(index)
        self.text_panel.select(index)

    # -- text and export -----------------------------------------------------------------

    def keep_edits(self) -> None:
        """Stores the shown text's edits with its result, before it is replaced or used."""
        job_id = self.text_panel.shown_job
        if job_id is not None and self.text_panel.modified:
            self.controller.set_edited_text(job_id, self.text_panel.content)
            self.text_panel.modified = False

    def revert_text(self) -> None:
        entry = self.controller.current_entry()
        if entry is not None and entry.result is not None:
            entry.edited_text = None
            self.text_panel.show_result(entry)

    # -- settings and closing ------------------------------------------------------------

    def remember_dir(self, key: str, folder: Path) -> None:
        self.settings = with_gui(self.settings, **{key: str(folder)})

    def close(self) -> None:
        """Saves the window's size and settings, stops the worker and closes the window."""
        if self._closed:
            return
        self._closed = True
        if self._poll_id is not None:
            self.root.after_cancel(self._poll_id)
        if self.root.state() == "normal":
            self.settings = with_gui(self.settings, geometry=self.root.geometry())
        self.save_settings()
        self.discovery.stop()
        self.stop_capturing()
        self.exports.close()
        self.root.destroy()
        self._release_tk_objects()
        # The window is gone already; let the running image finish so that onnxruntime
        # is not torn down mid-run when the interpreter exits.
        if not self.worker.stop(timeout=WORKER_EXIT_TIMEOUT_S):
            logger.warning("the OCR thread did not stop in time")

    def _release_tk_objects(self) -> None:
        """Frees images, fonts and variables on this thread.

        Objects that wrap Tcl images or variables call Tcl when they are freed; freed by
        a garbage collection that happens to run on the OCR thread, each such call would
        wait for a Tk event loop that is no longer running.
        """
        self.icon = None
        self.image_view.release()
        self.dialogs.clear()
        self._settings_dialog = None
        self.display.release()
        gc.collect()
