"""Every file the app writes for a user, written into one folder, with what each one said.

Used in-process and from child processes that run without the root capabilities (see
tests/privileges.py), so that a read-only or locked folder refuses them as it would a user.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from desktop_ocr.engine.results import OcrResult, ProviderReport, StageTimings, TextLine
from desktop_ocr.services.benchmark_report import (
    MEASURED,
    BenchmarkReport,
    BenchmarkSettings,
    ConfigRun,
    ImageRow,
    device_choice,
)
from desktop_ocr.services.exporters import ExportItem, export
from desktop_ocr.services.machine_info import MachineInfo
from desktop_ocr.services.report_writers import write_report
from desktop_ocr.services.settings_store import GuiPrefs, Settings, SettingsStore

EXPORTS = ("export.txt", "export.json", "export.csv", "export.md")
REPORTS = ("report.md", "report.csv", "report.json")
SETTINGS = "settings.yaml"
ALL = (*EXPORTS, *REPORTS, SETTINGS)
BOX = ((1.0, 2.0), (30.0, 2.0), (30.0, 12.0), (1.0, 12.0))


def old_text(name: str) -> str:
    """What each file held before: the test checks it is still there, whole."""
    return f"the old {name}, which must survive\n"


def export_items(lines: int = 2000) -> list[ExportItem]:
    """Big enough (about 100 kB per file) not to fit on a nearly full disk."""
    result = OcrResult(
        tuple(TextLine(BOX, f"line {n} 正品促销 " * 3, 0.9) for n in range(lines)),
        StageTimings(det=10, cls=2, rec=20, total=33),
        (40, 20),
        ProviderReport(("CPUExecutionProvider",), ("CPUExecutionProvider",)),
        source="/x/a.png",
    )
    return [ExportItem("/x/a.png", result=result)]


def benchmark_report(rows: int = 500) -> BenchmarkReport:
    machine = MachineInfo(
        app_version="0.1.0",
        os="Linux",
        python="3.11",
        cpu="CPU",
        cpu_cores=2,
        memory_gb=8.0,
        gpu=None,
        gpu_driver=None,
        onnxruntime_package="onnxruntime-gpu",
        onnxruntime_version="1.31.1",
        onnxruntime_cuda="13.0",
        available_providers=("CPUExecutionProvider",),
    )
    settings = BenchmarkSettings((Path("/data"),), (device_choice("cpu"),))
    run = ConfigRun("CPU", "config.yaml", "cpu", status=MEASURED)
    run.granted = ("CPUExecutionProvider",)
    run.rows = [
        ImageRow("CPU", f"/data/{n}.png", f"{n}.png", 40, 20, 3, total_ms=20.0 + n)
        for n in range(rows)
    ]
    report = BenchmarkReport(machine, settings, "2026-11-27T10:00:00+00:00")
    report.files = [row.path for row in run.rows]
    report.runs = [run]
    return report


def write_old_files(folder: Path) -> None:
    for name in ALL:
        (folder / name).write_text(old_text(name), encoding="utf-8")


def try_every_writer(folder: Path) -> dict[str, str]:
    """name -> "written", or the message the user would be shown."""
    outcome: dict[str, str] = {}
    items = export_items()
    for name in EXPORTS:
        try:
            export(items, folder / name)
            outcome[name] = "written"
        except OSError as exc:
            outcome[name] = str(exc)
    report = benchmark_report()
    for name in REPORTS:
        try:
            write_report(report, folder / name)
            outcome[name] = "written"
        except (OSError, ValueError) as exc:
            outcome[name] = str(exc)
    try:
        big = GuiPrefs(last_open_dir="/a/long/folder/" * 5000)
        SettingsStore(folder).save(Settings(gui=big))
        outcome[SETTINGS] = "written"
    except OSError as exc:
        outcome[SETTINGS] = str(exc)
    return outcome


if __name__ == "__main__":
    print(json.dumps(try_every_writer(Path(sys.argv[1])), ensure_ascii=False))
