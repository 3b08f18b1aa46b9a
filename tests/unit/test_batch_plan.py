"""Batch planning: where each input's results go, and what is left out, on real folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_ocr.engine import ImageLoadError
from desktop_ocr.services.batch_plan import (
    MANIFEST_NAME,
    PlanError,
    WorkItem,
    page_stem,
    plan_batch,
    root_name,
)


def touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "scans 扫描"
    touch(root / "b.png")
    touch(root / "a.jpg")
    touch(root / "a.png")  # same stem as a.jpg: must not share a result
    touch(root / "2019" / "deep" / "c.tif")
    touch(root / "notes.txt")
    touch(root / ".hidden.txt")
    return root


def test_results_mirror_the_input_tree_under_its_name(tree, tmp_path):
    plan = plan_batch([tree], tmp_path / "out")
    stems = [item.stem for item in plan.items]
    assert stems == [
        "scans 扫描/a.jpg",
        "scans 扫描/a.png",
        "scans 扫描/b.png",
        "scans 扫描/2019/deep/c.tif",
    ]
    assert all(item.page_index is None for item in plan.items)
    assert [(p.name, reason) for p, reason in plan.skipped] == [
        ("notes.txt", "not a supported image type (.txt)")
    ]


def test_a_named_file_keeps_its_own_name_and_is_read_once(tree, tmp_path):
    plan = plan_batch([tree / "b.png", tree, tree / "b.png"], tmp_path / "out")
    stems = [item.stem for item in plan.items]
    assert stems[0] == "b.png"
    assert "scans 扫描/b.png" not in stems  # the folder reached it second
    assert len(stems) == 4


def test_two_inputs_with_one_name_are_refused(tmp_path):
    touch(tmp_path / "x" / "scans" / "a.png")
    touch(tmp_path / "y" / "scans" / "b.png")
    with pytest.raises(PlanError, match="share the results folder 'scans'"):
        plan_batch([tmp_path / "x" / "scans", tmp_path / "y" / "scans"], tmp_path / "out")


def test_a_folder_named_like_the_manifest_is_refused(tmp_path):
    touch(tmp_path / MANIFEST_NAME / "a.png")
    with pytest.raises(PlanError, match="manifest"):
        plan_batch([tmp_path / MANIFEST_NAME], tmp_path / "out")


def test_an_output_folder_inside_the_input_is_not_read(tree):
    out = tree / "ocr"
    touch(out / "scans 扫描" / "a.jpg.json", b"{}")
    touch(out / "old.png")
    plan = plan_batch([tree], out)
    assert all("ocr" not in item.stem.split("/") for item in plan.items)
    assert all(out not in p.parents for p, _ in plan.skipped)
    assert len(plan.items) == 4


def test_the_current_folder_is_named_by_its_real_name(tree, monkeypatch, tmp_path):
    monkeypatch.chdir(tree)
    assert root_name(Path()) == "scans 扫描"
    plan = plan_batch(["."], tmp_path / "out")
    assert plan.items[0].stem == "scans 扫描/a.jpg"


def test_a_missing_named_file_stays_in_the_plan_to_be_reported(tmp_path):
    plan = plan_batch([tmp_path / "gone.png"], tmp_path / "out")
    assert [item.stem for item in plan.items] == ["gone.png"]


def test_documents_become_one_item_per_page(tree, tmp_path):
    def pages(path: Path) -> int | None:
        return {"c.tif": 12, "b.png": 0}.get(path.name)

    plan = plan_batch([tree], tmp_path / "out", pages=pages)
    doc = [item for item in plan.items if item.source.name == "c.tif"]
    assert [item.stem for item in doc[:2]] == [
        "scans 扫描/2019/deep/c.tif/page-0001",
        "scans 扫描/2019/deep/c.tif/page-0002",
    ]
    assert [(item.page, item.page_count) for item in doc] == [(n, 12) for n in range(1, 13)]
    assert doc[-1].label.endswith("c.tif (page 12 of 12)")
    assert (tree / "b.png", "a document without pages") in plan.skipped


def test_a_document_that_cannot_be_opened_is_a_failure_of_the_plan(tree, tmp_path):
    def pages(path: Path) -> int | None:
        if path.name == "c.tif":
            raise ImageLoadError(str(path), "is not a TIFF file")
        return None

    plan = plan_batch([tree], tmp_path / "out", pages=pages)
    assert plan.failed == [
        (tree / "2019" / "deep" / "c.tif", f"{tree}/2019/deep/c.tif: is not a TIFF file")
    ]
    assert len(plan.items) == 3


def test_page_stems_widen_past_9999_pages():
    assert page_stem("a.pdf", 0, 3) == "a.pdf/page-0001"
    assert page_stem("a.pdf", 12344, 20000) == "a.pdf/page-12345"
    assert page_stem("a.pdf", 4, 20000) == "a.pdf/page-00005"


def test_work_items_travel_as_plain_rows():
    item = WorkItem(Path("/data/a b.pdf"), "data/a b.pdf/page-0002", 1, 3)
    assert WorkItem.from_row(item.to_row()) == item


def test_a_symlink_loop_is_walked_once(tree, tmp_path):
    (tree / "2019" / "loop").symlink_to(tree, target_is_directory=True)
    plan = plan_batch([tree], tmp_path / "out")
    assert len(plan.items) == 4
