"""The batch's result files, manifest and lock: what resume relies on."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from desktop_ocr.services.batch_plan import MANIFEST_NAME, WorkItem
from desktop_ocr.services.batch_store import (
    Manifest,
    ManifestEntry,
    OutputBusyError,
    ResultStore,
    output_lock,
    read_manifest,
    render,
)

RESULT = {
    "path": "in/a.png",
    "ok": True,
    "error": None,
    "image_size": [10, 20],
    "lines": [
        {"box": [[0, 0], [1, 0], [1, 1], [0, 1]], "text": "第一行", "score": 0.9},
        {"box": [[0, 2], [1, 2], [1, 3], [0, 3]], "text": "second", "score": 0.8},
    ],
    "timings_ms": {"total": 1.0},
    "providers": ["CPUExecutionProvider"],
    "requested": ["CPUExecutionProvider"],
    "notes": [],
}


@pytest.fixture
def item(tmp_path: Path) -> WorkItem:
    source = tmp_path / "in" / "a.png"
    source.parent.mkdir()
    source.write_bytes(b"image")
    return WorkItem(source, "in/a.png")


def set_mtime(path: Path, seconds: float) -> None:
    os.utime(path, ns=(int(seconds * 1e9), int(seconds * 1e9)))


def test_a_written_result_is_up_to_date_until_its_input_changes(tmp_path, item):
    store = ResultStore(tmp_path / "out")
    assert not store.is_up_to_date(item)
    assert store.write(item, RESULT) == ["in/a.png.json", "in/a.png.txt"]
    assert store.is_up_to_date(item)
    later = (tmp_path / "out" / "in" / "a.png.json").stat().st_mtime + 10
    set_mtime(item.source, later)  # edited after it was read
    assert not store.is_up_to_date(item)


def test_an_input_of_the_same_age_as_its_result_is_read_again(tmp_path, item):
    store = ResultStore(tmp_path / "out")
    store.write(item, RESULT)
    for path in [item.source, *store.paths(item)]:
        set_mtime(path, 1_700_000_000.5)
    assert not store.is_up_to_date(item)


def test_a_missing_format_or_input_is_not_up_to_date(tmp_path, item):
    store = ResultStore(tmp_path / "out")
    store.write(item, RESULT)
    (tmp_path / "out" / "in" / "a.png.txt").unlink()
    assert not store.is_up_to_date(item)
    assert ResultStore(tmp_path / "out", ("json",)).is_up_to_date(item)
    item.source.unlink()
    assert not ResultStore(tmp_path / "out", ("json",)).is_up_to_date(item)


def test_result_files_hold_the_jsonl_object_and_the_text(tmp_path, item):
    store = ResultStore(tmp_path / "out")
    store.write(item, RESULT)
    text = (tmp_path / "out" / "in" / "a.png.json").read_text(encoding="utf-8")
    assert text.count("\n") == 1 and json.loads(text) == RESULT
    assert (tmp_path / "out" / "in" / "a.png.txt").read_text(encoding="utf-8") == "第一行\nsecond\n"
    assert render({**RESULT, "lines": []}, "txt") == ""


def test_unknown_formats_are_refused(tmp_path):
    with pytest.raises(ValueError, match="formats"):
        ResultStore(tmp_path, ("json", "pdf"))
    with pytest.raises(ValueError, match="formats"):
        ResultStore(tmp_path, ())


def test_leftovers_of_killed_writes_are_removed_and_nothing_else(tmp_path):
    out = tmp_path / "out" / "in"
    out.mkdir(parents=True)
    leftovers = [out / ".a.png.json.k2j4_x9q.tmp", out / ".b.jpg.txt.abcdefgh.tmp"]
    kept = [out / "a.png.json", out / ".notes.tmp", out / "x.json.abcdefgh.tmp"]
    for path in leftovers + kept:
        path.write_text("partial")
    assert ResultStore(tmp_path / "out").remove_partial_files() == 2
    assert [p.exists() for p in leftovers] == [False, False]
    assert all(p.exists() for p in kept)


def test_manifest_appends_runs_and_skips_a_torn_last_line(tmp_path):
    with Manifest(tmp_path, run_id="one") as manifest:
        manifest.record(ManifestEntry("done", "in/a.png", results=("in/a.png.json",), ms=12.34))
        manifest.record(ManifestEntry("failed", "in/b.png", reason="in/b.png: empty file"))
    with (tmp_path / MANIFEST_NAME).open("a", encoding="utf-8") as handle:
        handle.write('{"run": "one", "status": "do')  # a kill in the middle of a line
    with Manifest(tmp_path, run_id="two") as manifest:
        manifest.record(ManifestEntry("skipped", "in/a.png", reason="result up to date"))
    rows = read_manifest(tmp_path)
    assert [(r["run"], r["status"], r["input"]) for r in rows] == [
        ("one", "done", "in/a.png"),
        ("one", "failed", "in/b.png"),
        ("two", "skipped", "in/a.png"),
    ]
    assert rows[0]["ms"] == 12.3 and rows[0]["results"] == ["in/a.png.json"]
    assert rows[1]["reason"] == "in/b.png: empty file"


def test_a_second_batch_on_the_same_output_folder_is_refused(tmp_path):
    with (
        output_lock(tmp_path),
        pytest.raises(OutputBusyError, match="another batch"),
        output_lock(tmp_path),
    ):
        pass
    with output_lock(tmp_path):  # released when the first one ended
        pass
