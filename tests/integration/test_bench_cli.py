"""`desktop-ocr bench` as a user runs it: a real process over the sample folder."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE_COUNT = 31


def bench_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "desktop_ocr", "bench", *args]


def env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")


@pytest.fixture(scope="module")
def bench_run(samples_dir, tmp_path_factory):
    """One pass over the samples on CPU and CUDA, written in all three formats."""
    out = tmp_path_factory.mktemp("bench out")
    paths = {fmt: out / f"report 报告.{fmt}" for fmt in ("json", "csv", "md")}
    args = ["--device", "cpu,cuda", "--warmup", "0", "--repeat", "1", str(samples_dir)]
    for path in paths.values():
        args += ["--out", str(path)]
    proc = subprocess.run(
        bench_command(*args),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env=env(),
        timeout=900,
    )
    data = json.loads(paths["json"].read_text(encoding="utf-8")) if paths["json"].exists() else {}
    return proc, paths, data


def _config(data: dict, label: str) -> dict:
    return next(c for c in data["configs"] if c["label"] == label)


def _md_rows(text: str, section: str) -> list[list[str]]:
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    lines = [ln for ln in body.splitlines() if ln.startswith("| ")]
    return [[c.strip() for c in ln[2:-2].split(" | ")] for ln in lines[1:]]


def test_all_three_formats_have_a_row_per_image(bench_run):
    proc, paths, data = bench_run
    assert all(p.exists() for p in paths.values()), proc.stderr
    cpu = _config(data, "CPU")
    assert cpu["status"] == "measured" and cpu["granted"] == ["CPUExecutionProvider"]
    assert len(data["files"]) == SAMPLE_COUNT
    assert len(cpu["rows"]) == SAMPLE_COUNT and all(r["ok"] for r in cpu["rows"])

    with paths["csv"].open(encoding="utf-8-sig", newline="") as handle:
        csv_rows = [r for r in csv.DictReader(handle) if r["config"] == "CPU"]
    assert len(csv_rows) == SAMPLE_COUNT
    assert {r["file"] for r in csv_rows} == {r["name"] for r in cpu["rows"]}

    md_rows = _md_rows(paths["md"].read_text(encoding="utf-8"), "Images: CPU")
    assert len(md_rows) == SAMPLE_COUNT
    assert [r[1] for r in md_rows] == [r["name"] for r in cpu["rows"]]


def test_totals_are_the_sum_of_the_rows(bench_run):
    _, paths, data = bench_run
    cpu = _config(data, "CPU")
    summary = cpu["summary"]
    row_totals_s = [r["total_ms"] / 1000 for r in cpu["rows"]]
    assert summary["images"] == SAMPLE_COUNT
    assert summary["total_s"] == pytest.approx(sum(row_totals_s), abs=1e-3)
    assert summary["average_s"] == pytest.approx(summary["total_s"] / SAMPLE_COUNT)
    assert summary["images_per_s"] == pytest.approx(SAMPLE_COUNT / summary["total_s"])

    with paths["csv"].open(encoding="utf-8-sig", newline="") as handle:
        csv_total_ms = sum(
            float(r["total_ms"]) for r in csv.DictReader(handle) if r["config"] == "CPU"
        )
    assert csv_total_ms / 1000 == pytest.approx(summary["total_s"], abs=1e-3)

    md = paths["md"].read_text(encoding="utf-8")
    timings = {row[0]: row[1:] for row in _md_rows(md, "Timings")}
    md_rows_total_s = sum(float(r[7]) for r in _md_rows(md, "Images: CPU")) / 1000
    md_total = float(timings["Total (s)"][0])
    md_average = float(timings["Average (s/img)"][0])
    assert md_total == pytest.approx(md_rows_total_s, abs=0.01)  # ms rounded to 0.1 per row
    assert md_average == pytest.approx(md_total / SAMPLE_COUNT, abs=0.001)
    assert timings["Images"][0] == str(SAMPLE_COUNT)


def test_cuda_not_granted_says_why(bench_run, cuda_engine):
    proc, paths, data = bench_run
    cuda = _config(data, "CUDA")
    if "CUDAExecutionProvider" in cuda_engine.providers.granted:
        assert cuda["status"] == "measured" and len(cuda["rows"]) == SAMPLE_COUNT
        return
    reason = cuda_engine.providers.diagnosis.summary
    assert cuda["status"] == "not_granted" and cuda["reason"] == reason
    assert cuda["rows"] == [] and cuda["summary"] is None  # the CPU is not timed twice
    md = paths["md"].read_text(encoding="utf-8")
    timings = {row[0]: row[1:] for row in _md_rows(md, "Timings")}
    assert timings["Providers"][1] == f"CUDA not granted: {reason}"
    assert timings["Total (s)"][1] == "—"
    assert f"CUDA: CUDA not granted: {reason}" in proc.stderr
    assert proc.returncode == 1  # a config asked for was not measured
    assert "## Timings" in proc.stdout  # the summary is printed too


def test_ctrl_c_stops_and_still_writes(samples_dir, tmp_path):
    out = tmp_path / "partial.json"
    proc = subprocess.Popen(
        bench_command("--warmup", "0", "--out", str(out), str(samples_dir)),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env=env(),
    )
    try:
        for line in proc.stderr:
            match = re.match(r"(\d+)/(\d+) ", line)
            if match and int(match.group(1)) >= 1:
                proc.send_signal(signal.SIGINT)
                break
        rest = proc.stderr.read()
        code = proc.wait(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 130, rest
    assert "stopping after the current image" in rest
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["cancelled"] is True
    (cpu,) = data["configs"]
    assert 1 <= len(cpu["rows"]) < SAMPLE_COUNT
    assert cpu["summary"]["images"] == len(cpu["rows"])


def test_bad_arguments_stop_before_any_work(tmp_path, samples_dir):
    proc = subprocess.run(
        bench_command("--out", str(tmp_path / "r.xlsx"), str(samples_dir)),
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env(),
        timeout=120,
    )
    assert proc.returncode == 2 and ".json, .csv or .md" in proc.stderr
    proc = subprocess.run(
        bench_command("--device", "cpu,tpu", str(tmp_path / "none")),
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env(),
        timeout=120,
    )
    assert proc.returncode == 2 and "unknown device 'tpu'" in proc.stderr
