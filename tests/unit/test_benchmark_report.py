"""Benchmark reports as CSV, Markdown and JSON: the same figures in each, written atomically."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from desktop_ocr.services.benchmark_report import (
    MEASURED,
    NOT_GRANTED,
    BenchmarkReport,
    BenchmarkSettings,
    ConfigRun,
    ImageRow,
    device_choice,
)
from desktop_ocr.services.machine_info import MachineInfo
from desktop_ocr.services.peak_memory import PeakMemory
from desktop_ocr.services.report_writers import (
    CSV_FIELDS,
    TIMING_ROWS,
    check_report_path,
    machine_table,
    timings_table,
    to_csv,
    to_json,
    to_markdown,
    write_report,
)

REASON = "No NVIDIA driver found: libcuda.so.1 could not be loaded."


@pytest.fixture
def report() -> BenchmarkReport:
    """A report as the benchmark makes one: a timed CPU column and a CUDA one not granted."""
    machine = MachineInfo(
        app_version="0.1.0",
        os="Linux-6.1-x86_64",
        python="3.11.7",
        cpu="AMD EPYC",
        cpu_cores=2,
        memory_gb=23.5,
        gpu=None,
        gpu_driver=None,
        onnxruntime_package="onnxruntime-gpu",
        onnxruntime_version="1.31.1",
        onnxruntime_cuda="13.0",
        available_providers=("CUDAExecutionProvider", "CPUExecutionProvider"),
    )
    settings = BenchmarkSettings(
        (Path("/data/scans"),), (device_choice("cpu"), device_choice("cuda")), repeat=3
    )
    rows = [
        ImageRow(
            "CPU",
            "/data/scans/收据 1.jpg",
            "收据 1.jpg",
            800,
            600,
            12,
            2.5,
            300.25,
            10.5,
            150.125,
            440.0,
            463.4,
            (470.0, 463.4, 450.1),
            5,
        ),
        ImageRow(
            "CPU",
            "/data/scans/a|b.png",
            "a|b.png",
            40,
            20,
            1,
            0.5,
            20.0,
            1.0,
            5.0,
            25.0,
            26.6,
            (26.6, 30.0, 25.0),
            0,
        ),
        ImageRow("CPU", "/data/scans/x.png", "x.png", error="x.png: damaged\nfile | truncated"),
    ]
    cpu = ConfigRun(
        "CPU",
        "/app/configs/config.yaml",
        "cpu",
        ("CPUExecutionProvider",),
        ("CPUExecutionProvider",),
        MEASURED,
        engine_start_s=0.61,
        warmup_images=1,
        rows=rows,
        shapes_seen={"det": 3, "cls": 1, "rec": 2},
        shapes_new={"det": 2, "cls": 1, "rec": 2},
        peak=PeakMemory(700 * 2**20, "since reset"),
        wall_s=0.7,
    )
    cuda = ConfigRun(
        "CUDA",
        "/app/configs/config_gpu.yaml",
        "cuda",
        ("CUDAExecutionProvider", "CPUExecutionProvider"),
        ("CPUExecutionProvider",),
        NOT_GRANTED,
        reason=REASON,
    )
    return BenchmarkReport(
        machine,
        settings,
        "2026-01-01T10:00:00+00:00",
        files=[r.path for r in rows],
        skipped=[("/data/scans/notes.txt", "not an image type")],
        runs=[cpu, cuda],
        duration_s=3.2,
    )


def test_csv_has_a_row_per_image_with_raw_figures(report):
    text = to_csv(report)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_FIELDS
    assert [r["file"] for r in rows] == ["收据 1.jpg", "a|b.png", "x.png"]
    first = rows[0]
    assert first["config"] == "CPU" and first["status"] == "measured"
    assert float(first["total_ms"]) == 463.4 and first["runs_ms"] == "470.000 463.400 450.100"
    assert first["width"] == "800" and first["new_shapes"] == "5" and first["ok"] == "true"
    assert rows[2]["ok"] == "false" and "truncated" in rows[2]["error"]
    assert rows[2]["width"] == ""


def test_json_keeps_everything(report):
    data = json.loads(to_json(report))
    cpu, cuda = data["configs"]
    assert cpu["summary"]["images"] == 2 and cpu["summary"]["failures"] == 1
    assert cpu["summary"]["total_s"] == pytest.approx((463.4 + 26.6) / 1000)
    assert cpu["summary"]["average_s"] == pytest.approx(cpu["summary"]["total_s"] / 2)
    assert cpu["peak_memory_mib"] == 700.0 and cpu["shapes_new"] == {"det": 2, "cls": 1, "rec": 2}
    assert len(cpu["rows"]) == 3 and cpu["rows"][2]["ok"] is False
    assert cuda["status"] == "not_granted" and cuda["summary"] is None
    assert cuda["verdict"] == f"CUDA not granted: {REASON}"
    assert data["machine"]["onnxruntime_cuda"] == "13.0"
    assert data["settings"]["repeat"] == 3
    assert data["skipped"] == [{"path": "/data/scans/notes.txt", "reason": "not an image type"}]


def _table(lines: list[str]) -> list[list[str]]:
    """The cells of a Markdown table, honouring escaped pipes."""
    out = []
    for line in lines:
        assert line.startswith("| ") and line.endswith(" |"), line
        cells = [
            c.strip().replace("\\|", "|") for c in line[2:-2].replace("\\|", "\0").split(" | ")
        ]
        out.append([c.replace("\0", "|") for c in cells])
    return out


def test_markdown_tables_side_by_side(report):
    text = to_markdown(report)
    sections = {s.split("\n", 1)[0]: s for s in text.split("\n## ")}
    timing_lines = [ln for ln in sections["Timings"].splitlines() if ln.startswith("| ")]
    table = _table(timing_lines)
    assert table[0] == ["", "CPU", "CUDA"]
    body = {row[0]: row[1:] for row in table[1:]}
    assert list(body) == list(TIMING_ROWS)
    assert body["Providers"] == ["CPUExecutionProvider", f"CUDA not granted: {REASON}"]
    assert body["Total (s)"] == ["0.490", "—"]
    assert body["Average (s/img)"] == ["0.245", "—"]
    assert body["Failures"] == ["1", "—"]
    assert body["Peak memory (MiB)"] == ["700", "—"]
    assert body["Input shapes det/cls/rec"][0] == "3 / 1 / 2 (2 / 1 / 2 new after warm-up)"

    image_lines = [ln for ln in sections["Images: CPU"].splitlines() if ln.startswith("| ")]
    images = _table(image_lines)
    assert len(images) == 4  # heading and three images
    assert images[2][1] == "a|b.png"
    assert images[3][-1] == "failed: x.png: damaged file | truncated"
    assert all(len(row) == len(images[0]) for row in images)
    assert "Images: CUDA" not in sections
    assert "x.png: damaged" in sections["Failures"] and "notes.txt" in sections["Skipped files"]
    machine = dict((r[0], r[1]) for r in machine_table(report.machine))
    assert machine["GPU"] == "none found"
    assert machine["onnxruntime"] == "onnxruntime-gpu 1.31.1, built for CUDA 13.0"


def test_cancelled_run_says_so(report):
    report.cancelled = True
    report.runs[0].cancelled = True
    _, rows = timings_table(report)
    images = dict((r[0], r[1:]) for r in rows)["Images"]
    assert images[0] == "2 of 3 (cancelled)"
    assert "**Cancelled**" in to_markdown(report)


@pytest.mark.parametrize("suffix", [".json", ".csv", ".md"])
def test_write_replaces_the_file_in_one_step(report, tmp_path, suffix):
    target = tmp_path / f"report{suffix}"
    target.write_text("old")
    assert write_report(report, target) == target
    assert target.read_text(encoding="utf-8-sig") != "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]
    if suffix == ".csv":
        assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8


def test_a_failed_write_keeps_the_old_file(report, tmp_path, monkeypatch):
    target = tmp_path / "report.md"
    target.write_text("old report")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        write_report(report, target)
    assert target.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_report_paths_are_checked_before_a_long_run(tmp_path):
    with pytest.raises(ValueError, match=r"\.json, \.csv or \.md"):
        check_report_path(tmp_path / "report.xlsx")
    with pytest.raises(ValueError, match="does not exist"):
        check_report_path(tmp_path / "missing" / "report.md")
    with pytest.raises(ValueError, match="is a folder"):
        (tmp_path / "dir.md").mkdir()
        check_report_path(tmp_path / "dir.md")
    assert check_report_path(tmp_path / "R.MD") == tmp_path / "R.MD"
