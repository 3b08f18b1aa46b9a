"""`desktop-ocr bench`: times engine configs over folders, with a progress bar, and reports."""

from __future__ import annotations

import argparse
import logging
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from desktop_ocr.commands.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, fail
from desktop_ocr.services.atomic_file import WriteError
from desktop_ocr.services.benchmark import BenchmarkProgress, run_benchmark
from desktop_ocr.services.benchmark_report import (
    CPU_FALLBACK,
    BenchmarkReport,
    BenchmarkSettings,
    ConfigChoice,
    NoImagesError,
    device_choice,
)
from desktop_ocr.services.report_writers import check_report_path, summary_markdown, write_report

logger = logging.getLogger(__name__)
NAME = "bench"
EXIT_INTERRUPTED = 130


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        NAME,
        help="time OCR on the CPU and/or CUDA over folders of images",
        description="Time each engine config over every image in the folders (recursively) "
        "and report the machine, the totals, averages, median, p90, images per second, peak "
        "memory, providers granted and input shapes. CUDA asked for and not granted is "
        "reported with the reason and not timed (see --time-fallback). Ctrl-C stops after "
        "the current image and still writes what was measured.",
    )
    parser.add_argument("paths", nargs="+", metavar="DIR", type=Path, help="folders or images")
    parser.add_argument(
        "--config",
        metavar="FILE",
        type=Path,
        action="append",
        default=[],
        help="engine config to time (repeat for a column each); default: config.yaml",
    )
    parser.add_argument(
        "--device",
        metavar="LIST",
        help="bundled configs to time, comma-separated: cpu (config.yaml), "
        "cuda (config_gpu.yaml); e.g. --device cpu,cuda",
    )
    parser.add_argument(
        "--warmup", type=int, default=1, metavar="N", help="untimed images first (default 1)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="runs per image; the median run is reported (default 1)",
    )
    parser.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        action="append",
        default=[],
        help="write the report to FILE.json, FILE.csv or FILE.md (repeatable)",
    )
    parser.add_argument(
        "--time-fallback",
        action="store_true",
        help="when CUDA is not granted, time its config anyway, labelled as the CPU fallback",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar and no summary on stdout"
    )
    parser.set_defaults(run=run)


def choices_from_args(args: argparse.Namespace) -> list[ConfigChoice]:
    """The configs to time, in the order given; ValueError for an unknown device."""
    choices: list[ConfigChoice] = []
    if args.device:
        for device in (d.strip().lower() for d in args.device.split(",")):
            if device:
                choices.append(device_choice(device))
    for path in args.config:
        choices.append(ConfigChoice(path.name, path))
    if not choices:
        choices.append(device_choice("cpu"))
    return _unique_labels(choices)


def _unique_labels(choices: list[ConfigChoice]) -> list[ConfigChoice]:
    counts: dict[str, int] = {}
    out = []
    for choice in choices:
        counts[choice.label] = counts.get(choice.label, 0) + 1
        n = counts[choice.label]
        out.append(choice if n == 1 else ConfigChoice(f"{choice.label} ({n})", choice.config))
    return out


def run(args: argparse.Namespace) -> int:
    try:
        choices = choices_from_args(args)
        outputs = [check_report_path(path) for path in args.out]
        settings = BenchmarkSettings(
            paths=tuple(args.paths),
            configs=tuple(choices),
            warmup=args.warmup,
            repeat=args.repeat,
            time_fallback=args.time_fallback,
        )
    except ValueError as exc:
        return fail(str(exc), EXIT_USAGE)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        return fail(f"not found: {', '.join(missing)}", EXIT_USAGE)

    cancel = threading.Event()
    bar = TerminalProgress(sys.stderr, enabled=not args.quiet)
    try:
        with _stop_on_ctrl_c(cancel, bar):
            report = run_benchmark(settings, progress=bar.update, cancel=cancel)
    except NoImagesError as exc:
        bar.finish()
        return fail(str(exc), EXIT_USAGE)
    bar.finish()

    status = EXIT_OK if report.complete else EXIT_FAILED
    if report.cancelled:
        sys.stderr.write("stopped: the report covers the images measured so far\n")
        status = EXIT_INTERRUPTED
    for run_ in report.runs:
        if not run_.timed or run_.status == CPU_FALLBACK or run_.cuda_failed:
            sys.stderr.write(f"{run_.label}: {run_.verdict()}\n")
        for row in run_.failures:
            sys.stderr.write(f"{run_.label}: failed: {row.error}\n")
    written = _write_all(report, outputs)
    if written is not None:
        status = written
    if not args.quiet:
        sys.stdout.write(summary_markdown(report))
    return status


def _write_all(report: BenchmarkReport, outputs: list[Path]) -> int | None:
    """Writes every report; on a failure says so and prints the report instead."""
    failed = False
    for path in outputs:
        try:
            write_report(report, path)
        except (WriteError, ValueError) as exc:  # both name the file, never a temporary one
            failed = True
            sys.stderr.write(f"desktop-ocr: {exc}\n")
        except OSError as exc:
            failed = True
            sys.stderr.write(f"desktop-ocr: cannot write {path}: {exc}\n")
        else:
            sys.stderr.write(f"wrote {path}\n")
    return EXIT_FAILED if failed else None


@contextmanager
def _stop_on_ctrl_c(cancel: threading.Event, bar: TerminalProgress) -> Iterator[None]:
    """The first Ctrl-C asks the benchmark to stop after the current image; a second quits."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_interrupt(signum: int, frame: Any) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        bar.note("stopping after the current image (Ctrl-C again to quit at once)")

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class TerminalProgress:
    """A one-line progress bar on a terminal; on a pipe, a line per config and per second."""

    WIDTH = 24

    def __init__(self, stream: TextIO, enabled: bool = True) -> None:
        self.stream = stream
        self.enabled = enabled
        self.tty = enabled and stream.isatty()
        self._last_line = 0.0
        self._drawn = False

    def update(self, event: BenchmarkProgress) -> None:
        if not self.enabled:
            return
        if event.phase in ("start", "config_done"):
            verb = "starting" if event.phase == "start" else "done:"
            detail = "" if event.phase == "start" else f" {event.message}"
            step = f"[{event.config_index + 1}/{event.config_count}]"
            self._line(f"{step} {event.config} {verb}{detail}")
            return
        if self.tty:
            self._draw(event)
        elif time.monotonic() - self._last_line >= 1.0 or event.done == event.total:
            self._line(f"{event.done}/{event.total} {event.config} {_eta(event)} {event.message}")

    def note(self, text: str) -> None:
        if self.enabled:
            self._line(text)

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False

    def _line(self, text: str) -> None:
        self.finish()
        self.stream.write(text.rstrip() + "\n")
        self.stream.flush()
        self._last_line = time.monotonic()

    def _draw(self, event: BenchmarkProgress) -> None:
        total = max(event.total, 1)
        filled = int(self.WIDTH * min(event.done, total) / total)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        text = f"{event.config} [{bar}] {event.done}/{event.total} {_eta(event)} {event.message}"
        columns = shutil.get_terminal_size((80, 20)).columns
        self.stream.write("\r" + text[: columns - 1].ljust(columns - 1))
        self.stream.flush()
        self._drawn = True


def _eta(event: BenchmarkProgress) -> str:
    if event.eta_s is None:
        return "--:-- left"
    seconds = int(event.eta_s + 0.5)
    return f"{seconds // 60}:{seconds % 60:02d} left"
