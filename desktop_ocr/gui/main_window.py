"""The main window: menu, toolbar, queue, image view, text panel and status bar.

It owns no OCR: it hands files to the worker and polls the worker's events with
`after()`, so every Tk call happens on the main thread and the window keeps
answering while an image is read.
"""

from __future__ import annotations

import collections
import gc
import logging
import queue
import sys
import time
import tkinter as tk
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from tkinter import filedialog, ttk
from typing import Any

from PIL import Image

from desktop_ocr.engine import IMAGE_SUFFIXES, ConfigError, EngineConfig, ImageLoadError
from desktop_ocr.engine.results import OcrResult, ProviderReport
from desktop_ocr.gui.about_dialog import APP_NAME, AboutDialog
from desktop_ocr.gui.clipboard import ClipboardContent, read_clipboard
from desktop_ocr.gui.dnd import enable_drop
from desktop_ocr.gui.fonts import AppFonts, setup_fonts
from desktop_ocr.gui.image_view import ImageView
from desktop_ocr.gui.message_dialog import MessageDialog
from desktop_ocr.gui.queue_panel import QueuePanel
from desktop_ocr.gui.settings_dialog import SettingsDialog
from desktop_ocr.gui.status_bar import StatusBar, format_ms
from desktop_ocr.gui.text_panel import TextPanel
from desktop_ocr.resources import asset_path
from desktop_ocr.services.discovery import BackgroundDiscovery, Discovery
from desktop_ocr.services.exporters import FORMATS, ExportItem, export, format_for_path
from desktop_ocr.services.settings_store import (
    LoadOutcome,
    Settings,
    SettingsStore,
    build_engine_config,
    engine_values,
    with_engine,
    with_gui,
)
from desktop_ocr.services.worker import (
    EngineFailed,
    EngineLoading,
    EngineReady,
    JobCancelled,
    JobDone,
    JobFailed,
    JobStarted,
    OcrWorker,
    Progress,
    WorkerEvent,
    load_preview,
    rgb_image,
)

logger = logging.getLogger(__name__)

POLL_MS = 40
POLL_BUDGET_S = 0.03  # time one poll may spend on events before yielding to Tk
IMAGE_CACHE_PIXELS = 60_000_000  # decoded images kept for going back to them
DEFAULT_GEOMETRY = "1280x800"
WORKER_EXIT_TIMEOUT_S = 30.0
SAMPLE_IMAGE = "sample.png"
EXPORT_TYPES = [
    ("Plain text", "*.txt"),
    ("JSON", "*.json"),
    ("Markdown", "*.md"),
    ("CSV", "*.csv"),
]
IMAGE_TYPES = [
    ("Images", " ".join(f"*{s} *{s.upper()}" for s in IMAGE_SUFFIXES)),
    ("All files", "*"),
]
FINISHED = ("done", "failed", "cancelled", "skipped")


@dataclass
class JobEntry:
    """One row of the queue and what is known about it."""

    job_id: int
    name: str  # shown in the queue: the file name, or "Pasted image 2"
    source: Path | bytes | None  # None for skipped files
    state: str
    reason: str | None = None
    result: OcrResult | None = None
    started: float | None = None

    @property
    def label(self) -> str:
        """The full name, for headers and exports."""
        return str(self.source) if isinstance(self.source, Path) else self.name


class MainWindow:
    """Builds the window on `root` and runs it with a worker thread."""

    def __init__(
        self,
        root: tk.Tk,
        *,
        store: SettingsStore,
        loaded: LoadOutcome,
        dnd_error: str | None = None,
    ) -> None:
        self.root = root
        self.store = store
        self.settings: Settings = loaded.settings
        self.dnd_error = dnd_error
        self.jobs: dict[int, JobEntry] = {}
        self.images: collections.OrderedDict[int, Image.Image] = collections.OrderedDict()
        self.current: int | None = None
        self.follow = True
        self.providers: ProviderReport | None = None
        self.engine_error: str | None = None
        self._skipped_ids = -1
        self._pasted = 0
        self._closed = False
        self._poll_id: str | None = None
        self._count_dirty = False
        self._running: JobEntry | None = None
        self._settings_dialog: SettingsDialog | None = None
        self.dialogs: list[tk.Toplevel] = []

        self._setup_style()
        self.fonts: AppFonts = setup_fonts(root)
        self.icon = self._load_icon()
        root.title(APP_NAME)
        root.minsize(860, 520)
        self._restore_geometry()
        root.protocol("WM_DELETE_WINDOW", self.close)

        self._build_menu()
        self._build_toolbar()
        self._build_body()
        self._bind_keys()

        config = self._initial_config()
        self.worker = OcrWorker(config)
        self.discovery = BackgroundDiscovery()
        self.searching = 0  # searches asked for and not yet back
        self.engine_config: EngineConfig = config
        self._show_nothing()
        self.status.set_count(0, 0)
        if dnd_error is None:
            enable_drop(
                self.body,
                self.add_dropped,
                on_enter=lambda: self.image_view.set_drop_highlight(True),
                on_leave=lambda: self.image_view.set_drop_highlight(False),
            )
        else:
            self.status.set_message(
                "Drag-and-drop is unavailable here; use Open images or Open folder.",
                warning=True,
            )
        if loaded.problem:
            self._report_settings_problem(loaded)
        elif loaded.warnings:
            self.status.set_message("; ".join(loaded.warnings), warning=True)
        self.worker.start()
        self._poll_id = root.after(POLL_MS, self._poll)

    # -- set-up --------------------------------------------------------------------------

    def _setup_style(self) -> None:
        style = ttk.Style(self.root)
        if sys.platform.startswith("linux") and "clam" in style.theme_names():
            style.theme_use("clam")
        style.configure("Muted.TLabel", foreground="#6b7280")
        style.configure("Status.TFrame", background="#eceef1")
        style.configure("Status.TLabel", background="#eceef1")
        style.configure("Warning.TLabel", background="#ffe8a3", foreground="#6b4100")
        style.configure("WarningText.TLabel", background="#eceef1", foreground="#9a4a00")
        style.configure("Error.TLabel", foreground="#b42318")
        style.configure(
            "Status.Horizontal.TProgressbar",
            background="#2f9e63",
            troughcolor="#ffffff",
            bordercolor="#b8bec8",
            lightcolor="#45b97c",
            darkcolor="#23804f",
        )
        style.configure("DialogHeading.TLabel", font="TkHeadingFont")
        style.configure("DialogIcon.TLabel", font=("TkDefaultFont", 22))
        style.configure("Toolbar.TFrame", padding=(6, 4))
        style.configure("Toolbar.TButton", width=0, padding=(10, 3))
        style.configure("Toolbar.TMenubutton", width=0, padding=(10, 3))
        for widget in ("TEntry", "TSpinbox", "TCombobox"):
            style.map(widget, fieldbackground=[("invalid", "#ffe1e1")])

    def _load_icon(self) -> tk.PhotoImage | None:
        try:
            icon = tk.PhotoImage(master=self.root, file=str(asset_path("icon.png")))
        except (FileNotFoundError, tk.TclError) as exc:
            logger.info("no window icon: %s", exc)
            return None
        self.root.iconphoto(True, icon)
        if sys.platform == "win32":
            try:
                self.root.iconbitmap(default=str(asset_path("icon.ico")))
            except (FileNotFoundError, tk.TclError) as exc:
                logger.info("no .ico icon: %s", exc)
        return icon

    def _restore_geometry(self) -> None:
        geometry = self.settings.gui.geometry or DEFAULT_GEOMETRY
        try:
            size, _, _ = geometry.partition("+")
            width, height = (int(v) for v in size.split("x"))
        except ValueError:
            geometry, width, height = DEFAULT_GEOMETRY, 1280, 800
        screen_w, screen_h = self.root.winfo_screenwidth(), self.root.winfo_screenheight()
        if width > screen_w or height > screen_h:
            geometry = f"{min(width, screen_w)}x{min(height, screen_h)}"
        elif "+" in geometry:
            # A position on a monitor that is gone would hide the window.
            try:
                x, y = (int(v) for v in geometry.split("+")[1:3])
            except ValueError:
                x, y = 0, 0
            if not (0 <= x < screen_w - 100 and 0 <= y < screen_h - 100):
                geometry = size
        self.root.geometry(geometry)

    def _initial_config(self) -> EngineConfig:
        try:
            return self.settings.engine_config()
        except ConfigError as exc:
            # The store validated the file; this means the bundled base changed under it.
            logger.warning("saved engine settings no longer apply: %s", exc)
            self.status.set_message(f"Saved engine settings ignored: {exc}", warning=True)
            self.settings = with_engine(self.settings, {})
            return build_engine_config({})

    def _empty_note(self) -> str:
        if self.dnd_error is None:
            return ""
        return (
            "Drag-and-drop is unavailable on this system "
            f"({self.dnd_error}); use Open images or Open folder instead."
        )

    def _build_menu(self) -> None:
        menubar = tk.Menu(self.root)
        file_menu = tk.Menu(menubar, tearoff=False)
        file_menu.add_command(label="Open images…", accelerator="Ctrl+O", command=self.open_images)
        file_menu.add_command(
            label="Open folder…", accelerator="Ctrl+Shift+O", command=self.open_folder
        )
        file_menu.add_command(
            label="Paste image", accelerator="Ctrl+V", command=self.paste_from_clipboard
        )
        file_menu.add_command(label="Try the sample image", command=self.open_sample)
        file_menu.add_separator()
        file_menu.add_command(
            label="Export current image…",
            accelerator="Ctrl+S",
            command=lambda: self.export_dialog("current"),
        )
        file_menu.add_command(
            label="Export all results…",
            accelerator="Ctrl+Shift+S",
            command=lambda: self.export_dialog("all"),
        )
        file_menu.add_separator()
        file_menu.add_command(label="Quit", accelerator="Ctrl+Q", command=self.close)
        edit_menu = tk.Menu(menubar, tearoff=False)
        edit_menu.add_command(
            label="Copy all text", accelerator="Ctrl+Shift+C", command=self.copy_all
        )
        edit_menu.add_separator()
        edit_menu.add_command(label="Settings…", accelerator="Ctrl+,", command=self.open_settings)
        queue_menu = tk.Menu(menubar, tearoff=False)
        queue_menu.add_command(label="Cancel waiting images", command=self.cancel)
        queue_menu.add_command(label="Clear finished", command=self.clear_finished)
        tools_menu = tk.Menu(menubar, tearoff=False)
        tools_menu.add_command(label="Benchmark…", command=self.open_benchmark)
        help_menu = tk.Menu(menubar, tearoff=False)
        help_menu.add_command(label="About", accelerator="F1", command=self.open_about)
        menubar.add_cascade(label="File", menu=file_menu, underline=0)
        menubar.add_cascade(label="Edit", menu=edit_menu, underline=0)
        menubar.add_cascade(label="Queue", menu=queue_menu, underline=0)
        menubar.add_cascade(label="Tools", menu=tools_menu, underline=0)
        menubar.add_cascade(label="Help", menu=help_menu, underline=0)
        self.root.configure(menu=menubar)
        self.menus = {
            "file": file_menu,
            "edit": edit_menu,
            "queue": queue_menu,
            "tools": tools_menu,
            "help": help_menu,
        }

    def _export_menu(self, parent: tk.Misc) -> tk.Menu:
        menu = tk.Menu(parent, tearoff=False)
        menu.add_command(label="Current image…", command=lambda: self.export_dialog("current"))
        menu.add_command(label="All results…", command=lambda: self.export_dialog("all"))
        return menu

    def _build_toolbar(self) -> None:
        bar = ttk.Frame(self.root, style="Toolbar.TFrame")
        bar.pack(side="top", fill="x")
        self.toolbar: dict[str, ttk.Widget] = {}

        def button(key: str, text: str, command: Any) -> None:
            widget = ttk.Button(bar, text=text, command=command, style="Toolbar.TButton")
            widget.pack(side="left", padx=(0, 4))
            self.toolbar[key] = widget

        def gap() -> None:
            ttk.Separator(bar, orient="vertical").pack(side="left", fill="y", padx=6)

        button("open", "Open images…", self.open_images)
        button("folder", "Open folder…", self.open_folder)
        button("paste", "Paste", self.paste_from_clipboard)
        gap()
        export_button = ttk.Menubutton(bar, text="Export", style="Toolbar.TMenubutton")
        export_button["menu"] = self._export_menu(export_button)
        export_button.pack(side="left", padx=(0, 4))
        self.toolbar["export"] = export_button
        gap()
        button("settings", "Settings…", self.open_settings)
        button("benchmark", "Benchmark…", self.open_benchmark)
        button("about", "About", self.open_about)
        ttk.Separator(self.root, orient="horizontal").pack(side="top", fill="x")

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
            heading_font=self.fonts.heading,
            on_select=self.select_line,
            on_copy_all=self.copy_all,
            export_menu=self._export_menu,
        )
        panes.add(self.queue, weight=0)
        panes.add(self.image_view, weight=3)
        panes.add(self.text_panel, weight=1)
        self.panes = panes

    def _bind_keys(self) -> None:
        root = self.root
        bindings = {
            "<Control-o>": self.open_images,
            "<Control-O>": self.open_folder,
            "<Control-v>": self.paste_from_clipboard,
            "<Control-s>": lambda: self.export_dialog("current"),
            "<Control-S>": lambda: self.export_dialog("all"),
            "<Control-C>": self.copy_all,
            "<Control-comma>": self.open_settings,
            "<Control-q>": self.close,
            "<F1>": self.open_about,
        }
        for sequence, command in bindings.items():
            root.bind(sequence, lambda _e, c=command: (c(), "break")[1])

    # -- adding work ---------------------------------------------------------------------

    def open_images(self) -> None:
        chosen = filedialog.askopenfilenames(
            parent=self.root,
            title="Open images",
            initialdir=self.settings.gui.last_open_dir or str(Path.home()),
            filetypes=IMAGE_TYPES,
        )
        paths = list(self.root.tk.splitlist(chosen)) if chosen else []
        if paths:
            self._remember_dir("last_open_dir", Path(paths[0]).parent)
            self.add_paths(paths)

    def open_folder(self) -> None:
        folder = filedialog.askdirectory(
            parent=self.root,
            title="Open a folder of images",
            initialdir=self.settings.gui.last_open_dir or str(Path.home()),
            mustexist=True,
        )
        if folder:
            self._remember_dir("last_open_dir", Path(folder))
            self.add_paths([folder])

    def open_sample(self) -> None:
        try:
            sample = asset_path(SAMPLE_IMAGE)
        except FileNotFoundError as exc:
            self.show_message("The sample image is missing", str(exc), kind="error")
            return
        self.add_paths([sample])

    def add_dropped(self, paths: list[str]) -> None:
        """A drop: folders are searched, and files that are not images are skipped."""
        self.add_paths(paths, keep_named_files=False)

    def add_paths(self, paths: Iterable[str | Path], *, keep_named_files: bool = True) -> None:
        """Queues files and the images in folders, searched on a background thread."""
        self.discovery.search(list(paths), keep_named_files=keep_named_files)
        self.searching += 1
        self.status.set_message("Looking for images…")

    def _queue_found(self, found: Discovery) -> None:
        """Queues what a search found; reports what was skipped."""
        if found.files:
            self.follow = True
        for path in found.files:
            job = self.worker.submit(path, name=path.name)
            self._add_entry(JobEntry(job.job_id, path.name, path, "waiting"))
        for path, reason in found.skipped:
            entry = JobEntry(self._skipped_ids, path.name, None, "skipped", reason=reason)
            self._skipped_ids -= 1
            self._add_entry(entry, detail=f"skipped: {reason}")
        self._report_added(len(found.files), found.skipped)
        self._update_count()

    def add_image_bytes(self, data: bytes, name: str) -> None:
        self.follow = True
        job = self.worker.submit(data, name=name)
        self._add_entry(JobEntry(job.job_id, name, data, "waiting"))
        self.status.set_message(f"Queued {name}.")
        self._update_count()

    def paste_from_clipboard(self) -> None:
        self.status.set_message("Reading the clipboard…")
        read_clipboard(self.root, self._on_clipboard)

    def _on_clipboard(self, content: ClipboardContent) -> None:
        if self._closed:
            return
        if content.image is not None:
            self._pasted += 1
            self.add_image_bytes(content.image, f"Pasted image {self._pasted}")
        elif content.paths:
            self.add_paths(content.paths, keep_named_files=False)
        else:
            self.status.set_message(content.problem or "Nothing to paste.", warning=True)

    def _add_entry(self, entry: JobEntry, detail: str = "") -> None:
        self.jobs[entry.job_id] = entry
        self.queue.add(entry.job_id, entry.name, entry.state, detail)
        if self.current is None and entry.state == "waiting":
            self.current = entry.job_id
            self.queue.select(entry.job_id)
            self._show_entry(entry)

    def _report_added(self, queued: int, skipped: Sequence[tuple[Path, str]]) -> None:
        parts = []
        if queued:
            parts.append(f"Queued {queued} image{'s' if queued != 1 else ''}.")
        if skipped:
            names = ", ".join(p.name for p, _ in skipped[:3])
            more = f" and {len(skipped) - 3} more" if len(skipped) > 3 else ""
            reason = skipped[0][1] if len({r for _, r in skipped}) == 1 else "see the queue"
            parts.append(
                f"Skipped {len(skipped)} file{'s' if len(skipped) != 1 else ''} "
                f"({names}{more}): {reason}."
            )
        if not queued and not skipped:
            parts.append("No images found there.")
        self.status.set_message(" ".join(parts), warning=bool(skipped) or not queued)

    # -- queue actions -------------------------------------------------------------------

    def cancel(self) -> None:
        dropped = self.worker.cancel()
        running = any(e.state == "running" for e in self.jobs.values())
        if dropped:
            tail = " The running image will finish." if running else ""
            self.status.set_message(f"Cancelled {len(dropped)} waiting image(s).{tail}")
        else:
            self.status.set_message("Nothing is waiting.")

    def clear_finished(self) -> None:
        gone = [j for j, e in self.jobs.items() if e.state in FINISHED]
        self.queue.remove(gone)
        for job_id in gone:
            del self.jobs[job_id]
            self.images.pop(job_id, None)
        if self.current in gone:
            self.current = None
            self._show_nothing()
        self._update_count()

    # -- worker events -------------------------------------------------------------------

    def _poll(self) -> None:
        self._poll_id = None
        if self._closed:
            return
        deadline = time.perf_counter() + POLL_BUDGET_S
        while not self.discovery.results.empty():
            _, found = self.discovery.results.get_nowait()
            self.searching -= 1
            self._queue_found(found)
        to_show: int | None = None
        while time.perf_counter() < deadline:
            try:
                event = self.worker.events.get_nowait()
            except queue.Empty:
                break
            shown = self._handle(event)
            if shown is not None:
                to_show = shown
        if to_show is not None and self.follow:
            self.current = to_show
            self.queue.select(to_show)
            self._show_entry(self.jobs[to_show])
        if self._count_dirty:
            self._update_count()
        self._tick_running()
        self._poll_id = self.root.after(POLL_MS, self._poll)

    def _handle(self, event: WorkerEvent) -> int | None:
        """Applies one event; returns a job id that has just finished (to show it)."""
        if isinstance(event, EngineLoading):
            self.providers = None
            self.status.set_loading(event.device)
        elif isinstance(event, EngineReady):
            self._engine_ready(event)
        elif isinstance(event, EngineFailed):
            self.providers = None
            self.engine_error = event.message
            self.status.set_engine_failed(event.message.split(":")[0][:60])
            self.show_message(
                "The OCR engine could not start", event.message, kind="error", title="OCR engine"
            )
        elif isinstance(event, JobStarted):
            entry = self.jobs.get(event.job_id)
            if entry is not None:
                entry.state, entry.started = "running", time.perf_counter()
                self._running = entry
                self.queue.update_row(entry.job_id, "running", time_text="0.0 s")
                self.status.set_message(f"Reading {entry.name}…")
                if self.current == entry.job_id:
                    self._show_entry(entry)
        elif isinstance(event, JobDone):
            return self._job_done(event)
        elif isinstance(event, JobFailed):
            entry = self.jobs.get(event.job_id)
            if entry is not None:
                entry.state, entry.reason = "failed", event.reason
                self.queue.update_row(entry.job_id, "failed", f"failed: {event.reason}")
                self.status.set_message(f"{entry.name}: {event.reason}", warning=True)
                self._count_dirty = True
                return entry.job_id
        elif isinstance(event, JobCancelled):
            entry = self.jobs.get(event.job_id)
            if entry is not None:
                entry.state = "cancelled"
                self.queue.update_row(entry.job_id, "cancelled")
                if self.current == entry.job_id:
                    self._show_entry(entry)
                self._count_dirty = True
        elif isinstance(event, Progress):
            self._count_dirty = True
        return None

    def _engine_ready(self, event: EngineReady) -> None:
        self.providers = event.providers
        self.engine_error = None
        self.engine_config = event.config
        self.status.set_providers(event.providers)
        diagnosis = event.providers.diagnosis
        if event.providers.fell_back:
            summary = diagnosis.summary if diagnosis else "the provider was not granted"
            self.status.set_message(
                f"CUDA was requested, but images are read on the CPU: {summary}", warning=True
            )
        else:
            warm = " (warmed up)" if event.warmed_up else ""
            self.status.set_message(
                f"Models loaded in {event.seconds:.1f} s on {event.config.device.upper()}{warm}."
            )

    def _job_done(self, event: JobDone) -> int | None:
        entry = self.jobs.get(event.job_id)
        if entry is None:
            return None  # cleared while it was running
        entry.state, entry.result = "done", event.result
        self._cache_image(entry.job_id, rgb_image(event.image))
        timings = event.result.timings
        self.queue.update_row(entry.job_id, "done", time_text=format_ms(timings.total))
        self.status.set_timings(entry.name, timings)
        self.status.set_message(
            f"{entry.name}: {len(event.result.lines)} lines in {format_ms(timings.total)}."
        )
        self._count_dirty = True
        return entry.job_id

    def _tick_running(self) -> None:
        """The running image's time so far, so a long one visibly progresses."""
        entry = self._running
        if entry is None or entry.state != "running" or entry.started is None:
            self._running = None
            return
        self.queue.set_time(entry.job_id, f"{time.perf_counter() - entry.started:.1f} s")

    def _update_count(self) -> None:
        self._count_dirty = False
        states = [e.state for e in self.jobs.values()]
        total = sum(s in ("waiting", "running", "done", "failed") for s in states)
        finished = sum(s in ("done", "failed") for s in states)
        self.status.set_count(finished, total, failed=states.count("failed"))

    # -- showing a job -------------------------------------------------------------------

    def _queue_selected(self, job_id: int) -> None:
        """The user picked a row: show it and stop following new results."""
        entry = self.jobs.get(job_id)
        if entry is None:
            return
        self.follow = False
        self.current = job_id
        self._show_entry(entry)

    def show_job(self, job_id: int) -> None:
        """Shows a queued job as if the user had picked it."""
        self.queue.select(job_id)
        self._queue_selected(job_id)

    def _show_nothing(self) -> None:
        self.root.title(APP_NAME)
        self.image_view.show_empty(self._empty_note())
        self.text_panel.show_note("Text", "", "Open or drop images to read their text.")

    def _show_entry(self, entry: JobEntry) -> None:
        self.root.title(f"{entry.name} — {APP_NAME}")
        if entry.state == "done" and entry.result is not None:
            self._show_result(entry, entry.result)
        elif entry.state == "failed":
            self.image_view.show_message(f"Could not read {entry.name}", entry.reason or "")
            self.text_panel.show_note(entry.name, entry.label, f"Failed: {entry.reason}")
        elif entry.state == "skipped":
            self.image_view.show_message(f"Skipped {entry.name}", entry.reason or "")
            self.text_panel.show_note(entry.name, entry.label, f"Skipped: {entry.reason}")
        elif entry.state == "cancelled":
            self.image_view.show_message(f"{entry.name} was cancelled", "Add it again to read it.")
            self.text_panel.show_note(entry.name, entry.label, "Cancelled.")
        else:
            waiting = entry.state == "waiting"
            title = f"{entry.name} is waiting" if waiting else f"Reading {entry.name}…"
            detail = "Loading models…" if self.providers is None and waiting else ""
            self.image_view.show_message(title, detail)
            self.text_panel.show_note(entry.name, entry.label, "The text appears here when read.")

    def _show_result(self, entry: JobEntry, result: OcrResult) -> None:
        image = self.images.get(entry.job_id)
        if image is not None:
            self.images.move_to_end(entry.job_id)
        elif entry.source is not None:
            try:
                image = rgb_image(load_preview(entry.source, self.engine_config))
                self._cache_image(entry.job_id, image)
            except ImageLoadError as exc:
                self.image_view.show_message("The image cannot be shown again", exc.reason)
        if image is not None:
            self.image_view.show_image(image, [line.box for line in result.lines])
        width, height = result.image_size
        parts = [
            f"{len(result.lines)} line{'s' if len(result.lines) != 1 else ''}",
            f"{width}×{height} px",
            format_ms(result.timings.total),
            *result.notes,
        ]
        self.text_panel.show_lines(entry.name, " · ".join(parts), result.lines)

    def _cache_image(self, job_id: int, image: Image.Image) -> None:
        self.images[job_id] = image
        self.images.move_to_end(job_id)
        total = sum(i.width * i.height for i in self.images.values())
        while total > IMAGE_CACHE_PIXELS and len(self.images) > 1:
            _, dropped = self.images.popitem(last=False)
            total -= dropped.width * dropped.height

    def select_line(self, index: int | None) -> None:
        """A line picked in the text or a box picked on the image: highlight both."""
        self.image_view.select(index)
        self.text_panel.select(index)

    def current_entry(self) -> JobEntry | None:
        return self.jobs.get(self.current) if self.current is not None else None

    # -- copy and export -----------------------------------------------------------------

    def copy_all(self) -> None:
        entry = self.current_entry()
        if entry is None or entry.result is None:
            self.status.set_message("No text to copy yet.", warning=True)
            return
        text = entry.result.text
        self.root.clipboard_clear()
        self.root.clipboard_append(text)
        count = len(entry.result.lines)
        self.status.set_message(f"Copied {count} line{'s' if count != 1 else ''} of {entry.name}.")

    def export_items(self, scope: str) -> list[ExportItem]:
        """What an export of the current image ('current') or of all results ('all') holds."""
        if scope == "current":
            entry = self.current_entry()
            entries = [entry] if entry is not None else []
        else:
            entries = list(self.jobs.values())
        return [
            ExportItem(e.label, result=e.result, error=e.reason if e.state == "failed" else None)
            for e in entries
            if e.state in ("done", "failed")
        ]

    def export_dialog(self, scope: str) -> None:
        items = self.export_items(scope)
        if not items:
            what = "The current image has" if scope == "current" else "The queue has"
            self.status.set_message(f"{what} no results to export yet.", warning=True)
            return
        stem = Path(items[0].name).stem if scope == "current" else "ocr-results"
        path = filedialog.asksaveasfilename(
            parent=self.root,
            title="Export current image" if scope == "current" else "Export all results",
            initialdir=self.settings.gui.last_export_dir or self.settings.gui.last_open_dir,
            initialfile=f"{stem}.txt",
            defaultextension=".txt",
            filetypes=EXPORT_TYPES,
        )
        if path:
            self.export_to(scope, path)

    def export_to(self, scope: str, path: str | Path) -> Path | None:
        """Writes an export; the format comes from the file's suffix."""
        items = self.export_items(scope)
        try:
            fmt = format_for_path(path)
            written = export(items, path, fmt)
        except ValueError as exc:
            self.show_message("Choose a file type", str(exc), kind="warning")
            return None
        except OSError as exc:
            self.show_message("The export could not be written", str(exc), kind="error")
            return None
        self._remember_dir("last_export_dir", Path(written).parent)
        self.status.set_message(
            f"Exported {len(items)} image{'s' if len(items) != 1 else ''} "
            f"as {FORMATS[fmt]} to {written}."
        )
        return written

    # -- dialogs -------------------------------------------------------------------------

    def show_message(
        self, heading: str, body: str = "", *, kind: str = "info", title: str = ""
    ) -> MessageDialog:
        dialog = MessageDialog(
            self.root, title=title or APP_NAME, heading=heading, body=body, kind=kind
        )
        self._keep_dialog(dialog)
        return dialog

    def _keep_dialog(self, dialog: tk.Toplevel) -> None:
        """Remembers open dialogs (newest last), forgetting the closed ones."""
        self.dialogs = [d for d in self.dialogs if d.winfo_exists()]
        self.dialogs.append(dialog)

    def open_settings(self) -> SettingsDialog:
        if self._settings_dialog is not None and self._settings_dialog.winfo_exists():
            self._settings_dialog.lift()
            return self._settings_dialog
        dialog = SettingsDialog(
            self.root,
            values=engine_values(self.worker.config),
            on_apply=self.apply_settings,
        )
        self._settings_dialog = dialog
        return dialog

    def apply_settings(self, overrides: dict[str, Any], config: EngineConfig) -> None:
        """The dialog's Apply: save, then rebuild the engine on the worker."""
        self.settings = with_engine(self.settings, overrides)
        self._save_settings()
        self.providers, self.engine_error = None, None
        self.worker.reconfigure(config)
        self.status.set_loading(config.device)

    def open_about(self) -> AboutDialog:
        dialog = AboutDialog(self.root, self.engine_config, self.icon)
        self._keep_dialog(dialog)
        return dialog

    def open_benchmark(self) -> tk.Toplevel | None:
        try:
            from desktop_ocr.gui.benchmark_dialog import BenchmarkDialog
        except ModuleNotFoundError as exc:
            if exc.name != "desktop_ocr.gui.benchmark_dialog":
                raise
            self.show_message(
                "The benchmark is not available in this build.",
                "Run `desktop-ocr bench` from a terminal instead, if it is installed.",
            )
            return None
        except ImportError as exc:
            logger.exception("benchmark dialog failed to load")
            self.show_message("The benchmark could not be opened", str(exc), kind="error")
            return None
        dialog = BenchmarkDialog(self.root)
        self._keep_dialog(dialog)
        return dialog

    def show_provider_details(self) -> MessageDialog | None:
        if self.engine_error is not None:
            return self.show_message(
                "The OCR engine could not start", self.engine_error, kind="error"
            )
        report = self.providers
        if report is None or not report.fell_back:
            return None
        if report.diagnosis is not None:
            return self.show_message(
                report.diagnosis.summary,
                report.diagnosis.text(),
                kind="warning",
                title="Why CUDA is not used",
            )
        return self.show_message(
            "A requested execution provider was not granted",
            f"Requested: {', '.join(report.requested)}\nGranted: {', '.join(report.granted)}",
            kind="warning",
        )

    def _report_settings_problem(self, loaded: LoadOutcome) -> None:
        kept = f" The old file was kept as {loaded.backup}." if loaded.backup else ""
        self.status.set_message("Settings file unreadable; defaults in use.", warning=True)
        self.show_message(
            "Your settings could not be read, so the defaults are used.",
            f"{loaded.problem}{kept}",
            kind="warning",
            title="Settings",
        )

    # -- settings and closing ------------------------------------------------------------

    def _remember_dir(self, key: str, folder: Path) -> None:
        self.settings = with_gui(self.settings, **{key: str(folder)})

    def _save_settings(self) -> None:
        try:
            self.store.save(self.settings)
        except OSError as exc:
            logger.warning("settings not saved: %s", exc)
            self.status.set_message(f"Settings could not be saved: {exc}", warning=True)

    def close(self) -> None:
        """Saves the window's size and settings, stops the worker and closes the window."""
        if self._closed:
            return
        self._closed = True
        if self._poll_id is not None:
            self.root.after_cancel(self._poll_id)
        if self.root.state() == "normal":
            self.settings = with_gui(self.settings, geometry=self.root.geometry())
        self._save_settings()
        self.discovery.stop()
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
        self.images.clear()
        gc.collect()
