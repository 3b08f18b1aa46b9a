"""The benchmark window: time a folder on the CPU, CUDA or both, and export the report.

The benchmark runs on its own thread (BenchmarkJob); this window polls its events with
after(), so the window stays responsive and Tk is only ever touched from the main thread.
The form, the tables and the chart are views of their own; this class runs them.
"""

from __future__ import annotations

import logging
import queue
import threading
import tkinter as tk
from collections.abc import Mapping, Sequence
from pathlib import Path
from tkinter import ttk

from desktop_ocr.engine import EngineConfig
from desktop_ocr.gui import file_dialogs
from desktop_ocr.gui.benchmark_chart import TimeChart
from desktop_ocr.gui.benchmark_form import BenchmarkForm
from desktop_ocr.gui.benchmark_tables import ERROR_COLOUR, BenchmarkTables, ImagesTable
from desktop_ocr.i18n import N_, _, localize_error, ngettext
from desktop_ocr.services.benchmark import BenchmarkProgress
from desktop_ocr.services.benchmark_job import BenchmarkFailed, BenchmarkJob
from desktop_ocr.services.benchmark_report import BenchmarkReport, ConfigRun
from desktop_ocr.services.machine_info import MachineInfo, machine_info
from desktop_ocr.services.report_writers import to_markdown, write_report

logger = logging.getLogger(__name__)

EXPORT_TYPES = [
    ("Markdown", "*.md"),
    (N_("CSV (spreadsheet)"), "*.csv"),
    ("JSON", "*.json"),
]


class BenchmarkDialog(tk.Toplevel):
    """Chooses a folder and devices, runs the benchmark, shows and exports the report.

    Every argument after `master` is optional: `folder` to start with, `devices` ticked
    ("cpu", "cuda"), `warmup` and `repeat`, and `configs` mapping "cpu"/"cuda" to the
    EngineConfig or config file to use instead of the bundled ones (so the main window can
    benchmark the settings the user chose).
    """

    def __init__(
        self,
        master: tk.Misc,
        *,
        folder: str | Path | None = None,
        devices: Sequence[str] = ("cpu", "cuda"),
        warmup: int = 1,
        repeat: int = 1,
        configs: Mapping[str, EngineConfig | Path | str] | None = None,
        poll_ms: int = 50,
    ) -> None:
        super().__init__(master)
        self.title(_("Benchmark"))
        self.geometry("1100x880")
        self.minsize(800, 600)
        self.poll_ms = poll_ms
        self.job: BenchmarkJob | None = None
        self.report: BenchmarkReport | None = None
        self.machine: MachineInfo | None = None
        self._file_count = 0
        self._after_id: str | None = None
        self._machine_queue: queue.Queue[MachineInfo] = queue.Queue()
        self.status_var = tk.StringVar(self, value=_("Choose a folder of images and press Start."))
        self.count_var = tk.StringVar(self, value="")
        self.hover_var = tk.StringVar(self, value="")

        self.columnconfigure(0, weight=1)
        self.rowconfigure(2, weight=1)
        self.form = BenchmarkForm(
            self,
            folder=folder,
            devices=devices,
            warmup=warmup,
            repeat=repeat,
            configs=configs or {},
        )
        self.form.grid(row=0, column=0, sticky="ew", padx=10, pady=(10, 4))
        self._build_run_bar()
        self._build_results()
        self.protocol("WM_DELETE_WINDOW", self.close)
        self.bind("<Escape>", lambda _e: self.close())
        if master.winfo_viewable():
            self.transient(master)
        self._load_machine()
        self._schedule_poll()

    # -- layout -----------------------------------------------------------------------------

    def _build_run_bar(self) -> None:
        run_bar = ttk.Frame(self, padding=(10, 0))
        run_bar.grid(row=1, column=0, sticky="ew")
        run_bar.columnconfigure(2, weight=1)
        self.start_button = ttk.Button(run_bar, text=_("Start"), command=self.start)
        self.start_button.grid(row=0, column=0, padx=(0, 6))
        self.cancel_button = ttk.Button(
            run_bar, text=_("Cancel"), command=self.cancel, state="disabled"
        )
        self.cancel_button.grid(row=0, column=1, padx=(0, 10))
        self.progress = ttk.Progressbar(run_bar, mode="determinate", maximum=1)
        self.progress.grid(row=0, column=2, sticky="ew")
        self.count_label = ttk.Label(run_bar, textvariable=self.count_var, anchor="e")
        self.count_label.grid(row=0, column=3, padx=(8, 0))
        self.status_label = tk.Label(
            run_bar, textvariable=self.status_var, anchor="w", justify="left", wraplength=1000
        )
        self.status_label.grid(row=1, column=0, columnspan=4, sticky="ew", pady=(4, 0))
        self._status_colour = self.status_label.cget("foreground")

    def _build_results(self) -> None:
        panes = ttk.PanedWindow(self, orient="vertical")
        panes.grid(row=2, column=0, sticky="nsew", padx=10, pady=6)
        self.tables = BenchmarkTables(panes)
        panes.add(self.tables, weight=2)
        book = ttk.Notebook(panes)
        chart_page = ttk.Frame(book)
        chart_page.rowconfigure(0, weight=1)
        chart_page.columnconfigure(0, weight=1)
        self.chart = TimeChart(chart_page, on_hover=self.hover_var.set, height=220)
        self.chart.grid(row=0, column=0, sticky="nsew")
        ttk.Label(chart_page, textvariable=self.hover_var, anchor="w").grid(
            row=1, column=0, sticky="ew"
        )
        book.add(chart_page, text=_("Time per image"))
        self.images = ImagesTable(book)
        book.add(self.images, text=_("Images"))
        self.notebook = book
        panes.add(book, weight=3)

        buttons = ttk.Frame(self, padding=(10, 0, 10, 10))
        buttons.grid(row=3, column=0, sticky="ew")
        self.export_button = ttk.Button(
            buttons, text=_("Export…"), command=self.export, state="disabled"
        )
        self.export_button.pack(side="left")
        self.copy_button = ttk.Button(
            buttons, text=_("Copy as Markdown"), command=self.copy_markdown, state="disabled"
        )
        self.copy_button.pack(side="left", padx=6)
        ttk.Button(buttons, text=_("Close"), command=self.close).pack(side="right")

    # -- the parts tests and the window read ------------------------------------------------

    @property
    def rows(self) -> list:
        return self.images.rows

    @property
    def folder_var(self) -> tk.StringVar:
        return self.form.folder_var

    @property
    def device_vars(self) -> dict[str, tk.BooleanVar]:
        return self.form.device_vars

    @property
    def timings_tree(self) -> ttk.Treeview:
        return self.tables.timings_tree

    @property
    def machine_tree(self) -> ttk.Treeview:
        return self.tables.machine_tree

    @property
    def images_tree(self) -> ttk.Treeview:
        return self.images.tree

    @property
    def notes_var(self) -> tk.StringVar:
        return self.tables.notes_var

    # -- actions ----------------------------------------------------------------------------

    def start(self) -> None:
        """Checks the form, then starts the benchmark on its own thread."""
        if self.running:
            return
        try:
            settings = self.form.settings()
        except ValueError as exc:
            self._set_status(str(exc), error=True)
            return
        self.report = None
        self._file_count = 0
        self.images.clear()
        self.chart.clear()
        for choice in settings.configs:
            self.chart.add_series(choice.label)
        self.tables.show_timings([ConfigRun(c.label, c.source, "?") for c in settings.configs], 0)
        self.progress.configure(maximum=1, value=0)
        self.count_var.set("")
        self._set_status(_("Finding images…"))
        self.job = BenchmarkJob(settings)
        self.job.start()
        self._set_running(True)

    def cancel(self) -> None:
        """Stops after the image in progress; the rows measured so far stay."""
        if self.job is not None and self.running:
            self.job.cancel()
            self.cancel_button.configure(state="disabled")
            self._set_status(_("Stopping after the current image…"))

    @property
    def running(self) -> bool:
        return self.job is not None and str(self.start_button.cget("state")) == "disabled"

    def export(self) -> None:
        if self.report is None:
            return
        file_dialogs.save_as(
            self,
            title=_("Export the benchmark report"),
            initialdir=None,
            initialfile="benchmark.md",
            filetypes=[(_(label), pattern) for label, pattern in EXPORT_TYPES],
            on_chosen=self.export_to,
        )

    def export_to(self, path: str | Path) -> Path | None:
        """Writes the report in the format the file's extension names; says where or why not."""
        if self.report is None:
            return None
        try:
            written = write_report(self.report, path)
        except (OSError, ValueError) as exc:
            reason = localize_error(exc)
            self._set_status(_("Not saved: {reason}").format(reason=reason), error=True)
            return None
        self._set_status(_("Saved {path}").format(path=written))
        return written

    def copy_markdown(self) -> None:
        if self.report is None:
            return
        self.clipboard_clear()
        self.clipboard_append(to_markdown(self.report))
        self._set_status(_("The report is on the clipboard as Markdown."))

    def close(self) -> None:
        self.destroy()

    def destroy(self) -> None:
        """Stops polling and asks a running benchmark to stop, however the window goes."""
        if self.job is not None and self.job.running:
            self.job.cancel()  # its thread ends after the current image
        if self._after_id is not None:
            self.after_cancel(self._after_id)
            self._after_id = None
        super().destroy()
        # Free the Tcl variables now, on the Tk thread, not in a later garbage collection
        # that could run on another thread.
        self.status_var = self.count_var = self.hover_var = None  # type: ignore[assignment]

    # -- events from the worker -------------------------------------------------------------

    def _schedule_poll(self) -> None:
        self._after_id = self.after(self.poll_ms, self._poll)

    def _poll(self) -> None:
        self._after_id = None
        try:
            while True:
                self.machine = self._machine_queue.get_nowait()
                self.tables.show_machine(self.machine)
        except queue.Empty:
            pass
        if self.job is not None:
            for event in self.job.poll():
                if isinstance(event, BenchmarkProgress):
                    self._on_progress(event)
                elif isinstance(event, BenchmarkReport):
                    self._on_report(event)
                elif isinstance(event, BenchmarkFailed):
                    self._set_running(False)
                    self._set_status(event.message, error=True)
        self._schedule_poll()

    def _on_progress(self, event: BenchmarkProgress) -> None:
        if event.phase == "start" and event.config_index == 0:
            self._file_count = event.files
        self.progress.configure(maximum=max(event.total, 1), value=event.done)
        count = ngettext(
            "{done} / {total} image", "{done} / {total} images", event.total
        ).format(done=event.done, total=event.total)
        if event.eta_s is not None:
            count += " · " + _("about {time} left").format(time=_duration(event.eta_s))
        self.count_var.set(count)
        if event.phase == "start":
            self._set_status(_("{config}: starting the engine…").format(config=event.config))
        elif event.phase == "warmup":
            self._set_status(
                _("{config}: {message} (not timed)").format(
                    config=event.config, message=event.message
                )
            )
        elif event.phase == "image" and event.row is not None:
            self.images.add(event.row)
            self.chart.add_row(event.row)
            if not (self.job and self.job.cancelling):
                self._set_status(f"{event.config}: {event.row.name}")
        elif event.phase == "config_done" and event.run is not None:
            self.tables.replace_run(event.run, self._file_count)

    def _on_report(self, report: BenchmarkReport) -> None:
        self.report = report
        self._set_running(False)
        self.tables.show_timings(report.runs, len(report.files))
        self.tables.show_machine(report.machine)
        measured = sum(len(run.rows) for run in report.runs)
        self.progress.configure(maximum=max(measured, 1), value=measured)
        self.count_var.set(
            ngettext(
                "{n} image run in {time}", "{n} image runs in {time}", measured
            ).format(n=measured, time=_duration(report.duration_s))
        )
        not_timed = [r.label for r in report.runs if not r.timed]
        failures = sum(len(r.failures) for r in report.runs)
        if report.cancelled:
            text = ngettext(
                "Cancelled: the report keeps the {n} image run measured so far.",
                "Cancelled: the report keeps the {n} image runs measured so far.",
                measured,
            ).format(n=measured)
        else:
            text = _("Done.")
        if failures:
            text += " " + ngettext(
                "{n} image could not be read (see Images).",
                "{n} images could not be read (see Images).",
                failures,
            ).format(n=failures)
        if not_timed:
            # The reason itself is in the note under the table, said once.
            text += " " + _("Not timed: {configs} (see the note under the table).").format(
                configs=", ".join(not_timed)
            )
        self._set_status(text, error=bool(not_timed or failures))

    # -- views ------------------------------------------------------------------------------

    def _load_machine(self) -> None:
        """Fills the machine table without making the window wait for nvidia-smi."""

        def work() -> None:
            try:
                self._machine_queue.put(machine_info())
            except Exception:  # the table stays empty; the report fills it later
                logger.exception("machine information could not be read")

        threading.Thread(target=work, name="machine-info", daemon=True).start()

    def _set_running(self, running: bool) -> None:
        self.start_button.configure(state="disabled" if running else "normal")
        self.cancel_button.configure(state="normal" if running else "disabled")
        self.form.set_enabled(not running)
        has_report = not running and self.report is not None
        for button in (self.export_button, self.copy_button):
            button.configure(state="normal" if has_report else "disabled")

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status_var.set(text)
        self.status_label.configure(foreground=ERROR_COLOUR if error else self._status_colour)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    whole = int(seconds + 0.5)
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60}:{whole % 60:02d} min"
