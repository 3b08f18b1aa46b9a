"""Benchmark reports as Markdown, CSV and JSON, and the tables the dialog shows.

The dialog, the exports and the command line share the table builders here, so a figure
reads the same everywhere. Files are written to a temporary name and renamed over the
target, so a crash or a full disk never leaves half a report where the old one was.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from desktop_ocr.i18n import N_
from desktop_ocr.services.atomic_file import write_text_atomic
from desktop_ocr.services.benchmark_report import BenchmarkReport, ConfigRun, ImageRow
from desktop_ocr.services.machine_info import MachineInfo

logger = logging.getLogger(__name__)

DASH = "—"
CSV_FIELDS = (
    "config",
    "device",
    "status",
    "file",
    "path",
    "width",
    "height",
    "lines",
    "load_ms",
    "det_ms",
    "cls_ms",
    "rec_ms",
    "infer_ms",
    "total_ms",
    "runs_ms",
    "new_shapes",
    "ok",
    "error",
)


# -- tables shared by every view ------------------------------------------------------------


def machine_table(machine: MachineInfo) -> list[tuple[str, str]]:
    """(what, value) rows describing where a benchmark ran."""
    gpu = machine.gpu or "none found"
    if machine.gpu and machine.gpu_driver:
        gpu = f"{machine.gpu} (driver {machine.gpu_driver})"
    build = f"built for CUDA {machine.onnxruntime_cuda}" if machine.onnxruntime_cuda else "CPU only"
    memory = f"{machine.memory_gb:g} GiB" if machine.memory_gb is not None else "unknown"
    return [
        ("OS", machine.os),
        ("Python", machine.python),
        ("CPU", f"{machine.cpu} ({machine.cpu_cores} cores)"),
        ("Memory", memory),
        ("GPU", gpu),
        ("onnxruntime", f"{machine.onnxruntime_package} {machine.onnxruntime_version}, {build}"),
        ("desktop-ocr", machine.app_version),
    ]


def _num(value: float | None, digits: int) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def _column(run: ConfigRun, files: int) -> list[str]:
    verdict = run.verdict()
    source = Path(run.source).name if run.source else DASH
    if not run.timed:
        return [verdict, source] + [DASH] * (len(TIMING_ROWS) - 2)
    s = run.summary
    images = str(s.images)
    if run.cancelled or len(run.rows) < files:
        images += f" of {files} ({'CUDA failed' if run.cuda_failed else 'cancelled'})"
    share = s.infer_share
    peak = DASH
    if run.peak is not None:
        peak = f"{run.peak.mib:.0f}"
        if run.peak.scope != "since reset":
            peak += " (process peak)"
    seen = " / ".join(str(run.shapes_seen.get(k, 0)) for k in ("det", "cls", "rec"))
    new = " / ".join(str(run.shapes_new.get(k, 0)) for k in ("det", "cls", "rec"))
    return [
        verdict,
        source,
        images,
        _num(s.total_s, 3),
        _num(s.average_s, 3),
        _num(s.median_s, 3),
        _num(s.p90_s, 3),
        _num(s.images_per_s, 2),
        f"{s.det_s:.2f} / {s.cls_s:.2f} / {s.rec_s:.2f}",
        DASH if share is None else f"{share * 100:.0f} %",
        peak,
        f"{seen} ({new} new after warm-up)",
        _num(run.engine_start_s, 2),
        str(len(run.failures)),
    ]


TIMING_ROWS = (
    N_("Providers"),
    N_("Config"),
    N_("Images"),
    N_("Total (s)"),
    N_("Average (s/img)"),
    N_("Median (s/img)"),
    N_("p90 (s/img)"),
    N_("Images per second"),
    N_("det / cls / rec (s)"),
    N_("In onnxruntime"),
    N_("Peak memory (MiB)"),
    N_("Input shapes det/cls/rec"),
    N_("Engine start (s)"),
    N_("Failures"),
)


def timings_table(report: BenchmarkReport) -> tuple[list[str], list[list[str]]]:
    """Headings (one per config) and rows (one per figure): the configs side by side."""
    return timings_rows(report.runs, len(report.files))


def timings_rows(runs: Sequence[ConfigRun], files: int) -> tuple[list[str], list[list[str]]]:
    """As timings_table, for runs still under way (`files`: images each config should read)."""
    headings = [run.label for run in runs]
    columns = [_column(run, files) for run in runs]
    rows = [[name, *(col[i] for col in columns)] for i, name in enumerate(TIMING_ROWS)]
    return headings, rows


IMAGE_HEADINGS = (
    N_("#"),
    N_("file"),
    N_("size"),
    N_("lines"),
    N_("det ms"),
    N_("cls ms"),
    N_("rec ms"),
    N_("total ms"),
    N_("onnxruntime ms"),
    N_("new shapes"),
    N_("note"),
)


def image_cells(index: int, row: ImageRow) -> list[str]:
    """One image's cells under IMAGE_HEADINGS; a failure gives its reason as the note."""
    if not row.ok:
        return [str(index), row.name, *([DASH] * 8), f"failed: {row.error}"]
    runs = ""
    if len(row.runs_ms) > 1:
        runs = "runs: " + ", ".join(f"{v:.0f}" for v in row.runs_ms) + " ms"
    return [
        str(index),
        row.name,
        f"{row.width}x{row.height}",
        str(row.lines),
        f"{row.det_ms:.1f}",
        f"{row.cls_ms:.1f}",
        f"{row.rec_ms:.1f}",
        f"{row.total_ms:.1f}",
        f"{row.infer_ms:.1f}",
        str(row.new_shapes),
        runs,
    ]


# -- formats ------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_table(headings: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(_md_cell(h) for h in headings) + " |"]
    out.append("|" + "|".join("---" for _ in headings) + "|")
    out.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows)
    return out


def summary_markdown(report: BenchmarkReport) -> str:
    """The machine and the timings: the two tables people paste into a discussion."""
    settings = report.settings
    folders = ", ".join(f"`{p}`" for p in settings.paths)
    lines = [
        "# OCR benchmark",
        "",
        f"{len(report.files)} images in {folders}; warm-up {settings.warmup} image(s), "
        f"{settings.repeat} run(s) per image (the median run is kept); started {report.started}, "
        f"took {report.duration_s:.1f} s.",
    ]
    if report.cancelled:
        lines += ["", "**Cancelled**: the figures cover the images measured before it stopped."]
    lines += ["", "## Machine", ""]
    lines += _md_table(("Component", "Details"), machine_table(report.machine))
    headings, rows = timings_table(report)
    lines += ["", "## Timings", ""]
    lines += _md_table(("", *headings), rows)
    return "\n".join(lines) + "\n"


def to_markdown(report: BenchmarkReport) -> str:
    """The summary, then every image of every timed config, failures and skipped files."""
    lines = [summary_markdown(report).rstrip("\n")]
    for run in report.runs:
        if not run.rows:
            continue
        lines += ["", f"## Images: {run.label}", ""]
        lines += _md_table(IMAGE_HEADINGS, [image_cells(i, r) for i, r in enumerate(run.rows, 1)])
    failures = [(run.label, row) for run in report.runs for row in run.failures]
    if failures:
        lines += ["", "## Failures", ""]
        lines += [f"- {label}: `{row.name}`: {row.error}" for label, row in failures]
    if report.skipped:
        lines += ["", "## Skipped files", ""]
        lines += [f"- `{path}`: {reason}" for path, reason in report.skipped]
    return "\n".join(lines) + "\n"


def to_csv(report: BenchmarkReport) -> str:
    """One row per image and config, with raw milliseconds, for a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_FIELDS)
    for run in report.runs:
        for row in run.rows:
            writer.writerow(
                [
                    run.label,
                    run.device,
                    run.status,
                    row.name,
                    row.path,
                    row.width if row.width is not None else "",
                    row.height if row.height is not None else "",
                    row.lines,
                    f"{row.load_ms:.3f}",
                    f"{row.det_ms:.3f}",
                    f"{row.cls_ms:.3f}",
                    f"{row.rec_ms:.3f}",
                    f"{row.infer_ms:.3f}",
                    f"{row.total_ms:.3f}",
                    " ".join(f"{v:.3f}" for v in row.runs_ms),
                    row.new_shapes,
                    "true" if row.ok else "false",
                    row.error or "",
                ]
            )
    return buffer.getvalue()


def to_json(report: BenchmarkReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


# Excel reads a CSV as UTF-8 only with a byte-order mark; file names are often not ASCII.
FORMATS: dict[str, tuple[Callable[[BenchmarkReport], str], str]] = {
    ".json": (to_json, "utf-8"),
    ".csv": (to_csv, "utf-8-sig"),
    ".md": (to_markdown, "utf-8"),
    ".markdown": (to_markdown, "utf-8"),
}


def check_report_path(path: str | Path) -> Path:
    """The path if a report can be written there; ValueError says what is wrong.

    Checked before a benchmark starts, so that a long run never ends in a report that
    cannot be saved: the folder must exist, be enterable and writable.
    """
    target = Path(path).expanduser()
    if target.suffix.lower() not in FORMATS:
        raise ValueError(
            f"{target}: unknown report format {target.suffix or '(no extension)'}; "
            "use .json, .csv or .md"
        )
    folder = target.parent if str(target.parent) else Path()
    try:
        if not folder.is_dir():
            raise ValueError(f"{target}: the folder {folder} does not exist")
        if target.is_dir():
            raise ValueError(f"{target} is a folder")
    except OSError as exc:
        raise ValueError(
            f"{target}: the folder {folder} cannot be opened ({exc.strerror or exc})"
        ) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"{target}: the folder {folder} cannot be written to (permission denied)")
    return target


def write_report(report: BenchmarkReport, path: str | Path) -> Path:
    """Writes the report in the format its suffix names (.json, .csv, .md); returns the path."""
    target = check_report_path(path)
    render, encoding = FORMATS[target.suffix.lower()]
    write_text_atomic(target, render(report), encoding=encoding, newline="")
    logger.info("benchmark report written to %s", target)
    return target
