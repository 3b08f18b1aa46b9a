"""benchmarks/accuracy.py on a tiny generated set: the numbers are the engine's and score.py's.

A document page our engine must read (end-to-end recall above a floor measured on it), the
same page scored against another page's truth (must score zero), and line crops read
without detection. A broken engine fails the floor; a broken scorer or a mix-up of files
fails the swapped page.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

SCORER = REPO.parent / "shared" / "tools" / "score.py"
SCRIPT = REPO / "benchmarks" / "accuracy.py"
# Measured with configs/config.yaml (PP-OCRv4) on clean__en_01.png (35 lines): det H-mean
# 0.971, e2e recall 0.914; its ten line crops: 9 of 10 exact after normalisation.
E2E_FLOOR = 0.85
DET_FLOOR = 0.9
REC_FLOOR = 0.8

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scorer() -> Path:
    if not SCORER.is_file():
        pytest.skip(f"score.py not found at {SCORER}")
    pytest.importorskip("shapely")
    return SCORER


@pytest.fixture(scope="module")
def sets(tmp_path_factory) -> tuple[Path, Path]:
    """docs/: one English page and ten crops; devset/swapped_en: that page, another's truth."""
    from benchmarks.doc_pages import generate

    root = tmp_path_factory.mktemp("accuracy")
    made = root / "made"
    try:
        generate(made, pages_zh=0, pages_en=2, lines_zh=0, lines_en=10)
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    gt = json.loads((made / "doc_en" / "gt.json").read_text(encoding="utf-8"))
    first, second = sorted(gt)[:2]
    docs, devset = root / "docs", root / "devset"
    for folder, truth in (
        (docs / "doc_en", {first: gt[first]}),
        (devset / "swapped_en", {first: gt[second]}),
    ):
        folder.mkdir(parents=True)
        shutil.copy(made / "doc_en" / first, folder / first)
        (folder / "gt.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    shutil.copytree(made / "lines_en", docs / "lines_en")
    return docs, devset


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_table_holds_the_engines_and_the_scorers_numbers(scorer, sets, tmp_path):
    docs, devset = sets
    out = tmp_path / "out"
    done = _run(
        "--engines",
        "ours:configs/config.yaml",
        "--docs",
        str(docs),
        "--devset",
        str(devset),
        "--scorer",
        str(scorer),
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((out / "accuracy.json").read_text(encoding="utf-8"))
    subsets = report["subsets"]
    assert list(subsets) == ["swapped_en", "doc_en", "lines_en"]
    page = subsets["doc_en"]["engines"]["ours:config.yaml"]
    assert page["images"] == 1
    assert page["e2e_recall"] >= E2E_FLOOR
    assert page["det_hmean"] >= DET_FLOOR
    swapped = subsets["swapped_en"]["engines"]["ours:config.yaml"]
    assert swapped["e2e_recall"] == 0.0
    assert swapped["det_hmean"] < 0.3
    lines = subsets["lines_en"]["engines"]["ours:config.yaml"]
    assert subsets["lines_en"]["units"] == 10
    assert lines["exact_norm"] >= REC_FLOOR
    # Time: the whole process holds the model loading and every read.
    for subset in subsets.values():
        row = subset["engines"]["ours:config.yaml"]
        assert row["process_s"] > row["load_s"] > 0
        assert row["process_s"] > row["load_s"] + row["per_image_s"] * subset["images"]
        assert row["per_image_ratio"] is None  # no rapidocr-3.10.0 row to compare with
    table = (out / "accuracy.md").read_text(encoding="utf-8")
    assert f"| ours:config.yaml | {page['det_precision']:.3f} | {page['det_recall']:.3f}" in table
    assert "## lines_en (10 images, 10 lines)" in table

    # The stored predictions are what was scored: score.py gives the same numbers again.
    preds = out / "accuracy_predictions" / "ours_config.yaml.json"
    rescored = subprocess.run(
        [
            sys.executable,
            str(scorer),
            str(preds),
            "--holdout",
            str(docs),
            "--json",
            str(tmp_path / "rescored.json"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    again = json.loads((tmp_path / "rescored.json").read_text(encoding="utf-8"))
    assert again["doc_en"]["all"]["e2e_recall"] == page["e2e_recall"], rescored.stdout
    assert again["lines_en"]["all"]["exact_norm"] == lines["exact_norm"]


def test_usage_errors_are_named(scorer, sets, tmp_path):
    docs, devset = sets
    common = ["--docs", str(docs), "--devset", str(devset), "--out", str(tmp_path)]
    missing = _run("--scorer", str(tmp_path / "nope.py"), *common)
    assert missing.returncode == 2
    assert "nope.py does not exist" in missing.stderr and "--scorer" in missing.stderr
    bad_engine = _run("--scorer", str(scorer), "--engines", "tesseract", *common)
    assert bad_engine.returncode == 2 and "unknown engine 'tesseract'" in bad_engine.stderr
    bad_subset = _run("--scorer", str(scorer), "--subsets", "doc_fr", *common)
    assert bad_subset.returncode == 2 and "no subset doc_fr" in bad_subset.stderr
    assert not (tmp_path / "accuracy.json").exists()
