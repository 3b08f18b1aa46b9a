"""The benchmark window: time a folder on the CPU, CUDA or both, and export the report.

The benchmark runs on its own thread (BenchmarkJob); this window polls its events with
after(), so the window stays responsive and Tk is only ever touched from the main thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import tkinter as tk
from collections.abc import Mapping, Sequence
from pathlib import Path
from tkinter import filedialog, ttk

from desktop_ocr.engine import EngineConfig
from desktop_ocr.gui.benchmark_chart import TimeChart
from desktop_ocr.services.benchmark import (
    DEVICE_CONFIGS,
    NOT_RUN,
    BenchmarkJob,
    BenchmarkReport,
    BenchmarkSettings,
    ConfigChoice,
    ConfigRun,
    ImageRow,
    JobFailed,
    Progress,
    device_choice,
)
from desktop_ocr.services.machine_info import MachineInfo, machine_info
from desktop_ocr.services.report_writers import (
    IMAGE_HEADINGS,
    TIMING_ROWS,
    image_cells,
    machine_table,
    timings_rows,
    to_markdown,
    write_report,
)

logger = logging.getLogger(__name__)

EXPORT_TYPES = [
    ("Markdown", "*.md"),
    ("CSV (spreadsheet)", "*.csv"),
    ("JSON", "*.json"),
]
ERROR_COLOUR = "#b00020"


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
        self.title("Benchmark")
        self.geometry("1100x880")
        self.minsize(800, 600)
        self.configs = dict(configs or {})
        self.poll_ms = poll_ms
        self.job: BenchmarkJob | None = None
        self.report: BenchmarkReport | None = None
        self.machine: MachineInfo | None = None
        self.rows: list[ImageRow] = []
        self._file_count = 0
        self._shown_runs: list[ConfigRun] = []
        self._after_id: str | None = None
        self._machine_queue: queue.Queue[MachineInfo] = queue.Queue()

        self.folder_var = tk.StringVar(value=str(folder) if folder else "")
        self.device_vars = {d: tk.BooleanVar(value=d in devices) for d in DEVICE_CONFIGS}
        self.warmup_var = tk.IntVar(value=warmup)
        self.repeat_var = tk.IntVar(value=repeat)
        self.fallback_var = tk.BooleanVar(value=False)
        self.status_var = tk.StringVar(value="Choose a folder of images and press Start.")
        self.count_var = tk.StringVar(value="")
        self.hover_var = tk.StringVar(value="")
        self.notes_var = tk.StringVar(value="")

        self._build()
        self.protocol("WM_DELETE_WINDOW", self.close)
        self.bind("<Escape>", lambda _e: self.close())
        if master.winfo_viewable():
            self.transient(master)
        self._load_machine()
        self._schedule_poll()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.columnconfigure(0, weight=1)
        self.rowconfigure(2, weight=1)

        form = ttk.LabelFrame(self, text="What to time", padding=8)
        form.grid(row=0, column=0, sticky="ew", padx=10, pady=(10, 4))
        form.columnconfigure(1, weight=1)
        ttk.Label(form, text="Folder:").grid(row=0, column=0, sticky="w")
        self.folder_entry = ttk.Entry(form, textvariable=self.folder_var)
        self.folder_entry.grid(row=0, column=1, sticky="ew", padx=6)
        self.browse_button = ttk.Button(form, text="Browse…", command=self.browse)
        self.browse_button.grid(row=0, column=2)

        options = ttk.Frame(form)
        options.grid(row=1, column=0, columnspan=3, sticky="w", pady=(8, 0))
        ttk.Label(options, text="Devices:").pack(side="left")
        self.device_checks: dict[str, ttk.Checkbutton] = {}
        for device, (label, name) in DEVICE_CONFIGS.items():
            check = ttk.Checkbutton(
                options,
                text=f"{label} ({self._config_name(device, name)})",
                variable=self.device_vars[device],
            )
            check.pack(side="left", padx=(6, 10))
            self.device_checks[device] = check
        counts = ttk.Frame(form)
        counts.grid(row=2, column=0, columnspan=3, sticky="w", pady=(6, 0))
        ttk.Label(counts, text="Warm-up images:").pack(side="left")
        self.warmup_spin = ttk.Spinbox(
            counts, from_=0, to=100, width=4, textvariable=self.warmup_var
        )
        self.warmup_spin.pack(side="left")
        ttk.Label(counts, text="Runs per image (the median is kept):").pack(
            side="left", padx=(12, 4)
        )
        self.repeat_spin = ttk.Spinbox(
            counts, from_=1, to=50, width=4, textvariable=self.repeat_var
        )
        self.repeat_spin.pack(side="left")
        self.fallback_check = ttk.Checkbutton(
            counts,
            text="If CUDA is not granted, time its CPU fallback",
            variable=self.fallback_var,
        )
        self.fallback_check.pack(side="left", padx=(12, 0))

        run_bar = ttk.Frame(self, padding=(10, 0))
        run_bar.grid(row=1, column=0, sticky="ew")
        run_bar.columnconfigure(2, weight=1)
        self.start_button = ttk.Button(run_bar, text="Start", command=self.start)
        self.start_button.grid(row=0, column=0, padx=(0, 6))
        self.cancel_button = ttk.Button(
            run_bar, text="Cancel", command=self.cancel, state="disabled"
        )
        self.cancel_button.grid(row=0, column=1, padx=(0, 10))
        self.progress = ttk.Progressbar(run_bar, mode="determinate", maximum=1)
        self.progress.grid(row=0, column=2, sticky="ew")
        self.count_label = ttk.Label(run_bar, textvariable=self.count_var, width=34, anchor="e")
        self.count_label.grid(row=0, column=3, padx=(8, 0))
        self.status_label = tk.Label(run_bar, textvariable=self.status_var, anchor="w")
        self.status_label.grid(row=1, column=0, columnspan=4, sticky="ew", pady=(4, 0))
        self._status_colour = self.status_label.cget("foreground")

        panes = ttk.PanedWindow(self, orient="vertical")
        panes.grid(row=2, column=0, sticky="nsew", padx=10, pady=6)
        tables = ttk.Frame(panes)
        tables.columnconfigure(0, weight=2)
        tables.columnconfigure(1, weight=3)
        tables.rowconfigure(1, weight=1)
        ttk.Label(tables, text="Machine").grid(row=0, column=0, sticky="w")
        ttk.Label(tables, text="Timings").grid(row=0, column=1, sticky="w", padx=(10, 0))
        self.machine_tree = _tree(tables, ("what", "value"), ("Component", "Details"), (100, 300))
        self.machine_tree.master.grid(row=1, column=0, sticky="nsew")
        self.timings_tree = _tree(tables, ("what",), ("",), (170,), rows=len(TIMING_ROWS))
        self.timings_tree.master.grid(row=1, column=1, sticky="nsew", padx=(10, 0))
        # A reason too long for a table cell (why CUDA was not granted) is spelt out here.
        self.notes_label = tk.Label(
            tables,
            textvariable=self.notes_var,
            anchor="w",
            justify="left",
            foreground=ERROR_COLOUR,
            wraplength=900,
        )
        self.notes_label.grid(row=2, column=0, columnspan=2, sticky="ew", pady=(4, 0))
        panes.add(tables, weight=2)

        book = ttk.Notebook(panes)
        chart_page = ttk.Frame(book)
        chart_page.rowconfigure(0, weight=1)
        chart_page.columnconfigure(0, weight=1)
        self.chart = TimeChart(chart_page, on_hover=self.hover_var.set, height=220)
        self.chart.grid(row=0, column=0, sticky="nsew")
        ttk.Label(chart_page, textvariable=self.hover_var, anchor="w").grid(
            row=1, column=0, sticky="ew"
        )
        book.add(chart_page, text="Time per image")
        images_page = ttk.Frame(book)
        images_page.rowconfigure(0, weight=1)
        images_page.columnconfigure(0, weight=1)
        headings = ("config", *IMAGE_HEADINGS)
        widths = (80, 36, 200, 80, 44, 64, 64, 64, 70, 100, 80, 260)
        self.images_tree = _tree(images_page, headings, headings, widths)
        self.images_tree.master.grid(row=0, column=0, sticky="nsew")
        book.add(images_page, text="Images")
        self.notebook = book
        panes.add(book, weight=3)

        buttons = ttk.Frame(self, padding=(10, 0, 10, 10))
        buttons.grid(row=3, column=0, sticky="ew")
        self.export_button = ttk.Button(
            buttons, text="Export…", command=self.export, state="disabled"
        )
        self.export_button.pack(side="left")
        self.copy_button = ttk.Button(
            buttons, text="Copy as Markdown", command=self.copy_markdown, state="disabled"
        )
        self.copy_button.pack(side="left", padx=6)
        ttk.Button(buttons, text="Close", command=self.close).pack(side="right")
        self._show_timings([])

    def _config_name(self, device: str, default: str) -> str:
        chosen = self.configs.get(device)
        if chosen is None:
            return default
        if isinstance(chosen, EngineConfig):
            return Path(chosen.source).name if chosen.source else "current settings"
        return Path(chosen).name

    # -- actions ----------------------------------------------------------------------------

    def browse(self) -> None:
        folder = filedialog.askdirectory(
            parent=self,
            title="Folder of images to time",
            mustexist=True,
            initialdir=self.folder_var.get() or None,
        )
        if folder:
            self.folder_var.set(folder)

    def start(self) -> None:
        """Checks the form, then starts the benchmark on its own thread."""
        if self.running:
            return
        try:
            settings = self._settings()
        except ValueError as exc:
            self._set_status(str(exc), error=True)
            return
        self.report = None
        self.rows = []
        self._file_count = 0
        self.images_tree.delete(*self.images_tree.get_children())
        self.chart.clear()
        for choice in settings.configs:
            self.chart.add_series(choice.label)
        self._show_timings([ConfigRun(c.label, c.source, "?") for c in settings.configs])
        self.progress.configure(maximum=1, value=0)
        self.count_var.set("")
        self._set_status("Finding images…")
        self.job = BenchmarkJob(settings)
        self.job.start()
        self._set_running(True)

    def cancel(self) -> None:
        """Stops after the image in progress; the rows measured so far stay."""
        if self.job is not None and self.running:
            self.job.cancel()
            self.cancel_button.configure(state="disabled")
            self._set_status("Stopping after the current image…")

    @property
    def running(self) -> bool:
        return self.job is not None and str(self.start_button.cget("state")) == "disabled"

    def export(self) -> None:
        if self.report is None:
            return
        path = filedialog.asksaveasfilename(
            parent=self,
            title="Export the benchmark report",
            defaultextension=".md",
            filetypes=EXPORT_TYPES,
            initialfile="benchmark.md",
        )
        if path:
            self.export_to(path)

    def export_to(self, path: str | Path) -> Path | None:
        """Writes the report in the format the file's extension names; says where or why not."""
        if self.report is None:
            return None
        try:
            written = write_report(self.report, path)
        except (OSError, ValueError) as exc:
            self._set_status(f"Not saved: {exc}", error=True)
            return None
        self._set_status(f"Saved {written}")
        return written

    def copy_markdown(self) -> None:
        if self.report is None:
            return
        self.clipboard_clear()
        self.clipboard_append(to_markdown(self.report))
        self._set_status("The report is on the clipboard as Markdown.")

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

    # -- settings from the form -------------------------------------------------------------

    def _settings(self) -> BenchmarkSettings:
        text = self.folder_var.get().strip()
        if not text:
            raise ValueError("Choose a folder of images first.")
        folder = Path(text).expanduser()
        if not folder.exists():
            raise ValueError(f"{folder} does not exist.")
        devices = [d for d, var in self.device_vars.items() if var.get()]
        if not devices:
            raise ValueError("Tick CPU, CUDA or both.")
        warmup = _int_from(self.warmup_var, "Warm-up images", 0)
        repeat = _int_from(self.repeat_var, "Runs per image", 1)
        choices = []
        for device in devices:
            chosen = self.configs.get(device)
            if chosen is None:
                choices.append(device_choice(device))
            else:
                choices.append(ConfigChoice(DEVICE_CONFIGS[device][0], chosen))
        return BenchmarkSettings(
            paths=(folder,),
            configs=tuple(choices),
            warmup=warmup,
            repeat=repeat,
            time_fallback=self.fallback_var.get(),
        )

    # -- events from the worker -------------------------------------------------------------

    def _schedule_poll(self) -> None:
        self._after_id = self.after(self.poll_ms, self._poll)

    def _poll(self) -> None:
        self._after_id = None
        try:
            while True:
                self.machine = self._machine_queue.get_nowait()
                self._show_machine(self.machine)
        except queue.Empty:
            pass
        if self.job is not None:
            for event in self.job.poll():
                if isinstance(event, Progress):
                    self._on_progress(event)
                elif isinstance(event, BenchmarkReport):
                    self._on_report(event)
                elif isinstance(event, JobFailed):
                    self._on_failed(event)
        self._schedule_poll()

    def _on_progress(self, event: Progress) -> None:
        if event.phase == "start" and event.config_index == 0:
            self._file_count = event.total // max(event.config_count, 1)
        self.progress.configure(maximum=max(event.total, 1), value=event.done)
        left = f" · about {_duration(event.eta_s)} left" if event.eta_s is not None else ""
        self.count_var.set(f"{event.done} / {event.total} images{left}")
        if event.phase == "start":
            self._set_status(f"{event.config}: starting the engine…")
        elif event.phase == "warmup":
            self._set_status(f"{event.config}: {event.message} (not timed)")
        elif event.phase == "image" and event.row is not None:
            self._add_row(event.row)
            if not (self.job and self.job.cancelling):
                self._set_status(f"{event.config}: {event.row.name}")
        elif event.phase == "config_done" and event.run is not None:
            self._replace_column(event.run)

    def _on_report(self, report: BenchmarkReport) -> None:
        self.report = report
        self._set_running(False)
        self._show_timings(report.runs)
        self._show_machine(report.machine)
        measured = sum(len(run.rows) for run in report.runs)
        self.progress.configure(maximum=max(measured, 1), value=measured)
        self.count_var.set(f"{measured} image runs in {_duration(report.duration_s)}")
        problems = [f"{r.label}: {r.verdict()}" for r in report.runs if not r.timed]
        failures = sum(len(r.failures) for r in report.runs)
        if report.cancelled:
            text = f"Cancelled: the report keeps the {measured} image runs measured so far."
        else:
            text = "Done."
        if failures:
            text += f" {failures} image(s) could not be read (see Images)."
        if problems:
            text += " " + " ".join(problems)
        self._set_status(text, error=bool(problems or failures))

    def _on_failed(self, event: JobFailed) -> None:
        self._set_running(False)
        self._set_status(event.message, error=True)

    # -- views ------------------------------------------------------------------------------

    def _add_row(self, row: ImageRow) -> None:
        index = sum(1 for r in self.rows if r.config == row.config) + 1
        self.rows.append(row)
        tags = () if row.ok else ("failed",)
        self.images_tree.insert("", "end", values=(row.config, *image_cells(index, row)), tags=tags)
        self.images_tree.tag_configure("failed", foreground=ERROR_COLOUR)
        self.chart.add_row(row)

    def _replace_column(self, run: ConfigRun) -> None:
        runs = [run if r.label == run.label else r for r in self._shown_runs]
        self._show_timings(runs)

    def _show_timings(self, runs: list[ConfigRun]) -> None:
        """The configs side by side; a column not started yet shows dots."""
        self._shown_runs = list(runs)
        files = len(self.report.files) if self.report is not None else self._file_count
        headings, rows = timings_rows(runs, files)
        pending = [run.status == NOT_RUN and run.reason is None for run in runs]
        tree = self.timings_tree
        columns = ("what", *(f"c{i}" for i in range(len(headings))))
        tree.configure(columns=columns)
        tree.heading("what", text="")
        tree.column("what", width=180, stretch=False)
        for i, heading in enumerate(headings):
            tree.heading(f"c{i}", text=heading)
            tree.column(f"c{i}", width=240, stretch=True, anchor="w")
        tree.delete(*tree.get_children())
        for row in rows:
            cells = [row[0]]
            cells += ["…" if wait else cell for wait, cell in zip(pending, row[1:], strict=True)]
            tree.insert("", "end", values=cells)
        if not runs:
            for name in TIMING_ROWS:
                tree.insert("", "end", values=(name,))
        notes = [f"{run.label}: {run.verdict()}" for run in runs if run.reason]
        self.notes_var.set("\n".join(notes))

    def _show_machine(self, machine: MachineInfo) -> None:
        tree = self.machine_tree
        tree.delete(*tree.get_children())
        for what, value in machine_table(machine):
            tree.insert("", "end", values=(what, value))

    def _load_machine(self) -> None:
        """Fills the machine table without making the window wait for nvidia-smi."""

        def work() -> None:
            try:
                self._machine_queue.put(machine_info())
            except Exception:  # the table stays empty; the report fills it later
                logger.exception("machine information could not be read")

        threading.Thread(target=work, name="machine-info", daemon=True).start()

    def _set_running(self, running: bool) -> None:
        idle = "disabled" if running else "normal"
        self.start_button.configure(state="disabled" if running else "normal")
        self.cancel_button.configure(state="normal" if running else "disabled")
        for widget in (
            self.folder_entry,
            self.browse_button,
            self.warmup_spin,
            self.repeat_spin,
            self.fallback_check,
            *self.device_checks.values(),
        ):
            widget.configure(state=idle)
        has_report = not running and self.report is not None
        for button in (self.export_button, self.copy_button):
            button.configure(state="normal" if has_report else "disabled")

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status_var.set(text)
        self.status_label.configure(foreground=ERROR_COLOUR if error else self._status_colour)


def _tree(
    master: tk.Misc,
    columns: Sequence[str],
    headings: Sequence[str],
    widths: Sequence[int],
    rows: int = 8,
) -> ttk.Treeview:
    """A Treeview in a frame of its own with a vertical scroll bar."""
    frame = ttk.Frame(master)
    frame.rowconfigure(0, weight=1)
    frame.columnconfigure(0, weight=1)
    tree = ttk.Treeview(frame, columns=tuple(columns), show="headings", height=rows)
    for column, heading, width in zip(columns, headings, widths, strict=True):
        tree.heading(column, text=heading)
        tree.column(column, width=width, stretch=True, anchor="w")
    scroll = ttk.Scrollbar(frame, orient="vertical", command=tree.yview)
    tree.configure(yscrollcommand=scroll.set)
    tree.grid(row=0, column=0, sticky="nsew")
    scroll.grid(row=0, column=1, sticky="ns")
    return tree


def _int_from(var: tk.IntVar, name: str, lowest: int) -> int:
    try:
        value = int(var.get())
    except (tk.TclError, ValueError):
        raise ValueError(f"{name} must be a whole number.") from None
    if value < lowest:
        raise ValueError(f"{name} must be at least {lowest}.")
    return value


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    whole = int(seconds + 0.5)
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60}:{whole % 60:02d} min"
