"""Finding the images in what a user gives: files, folders, and searches in the background."""

from __future__ import annotations

from pathlib import Path

from desktop_ocr.services.discovery import BackgroundDiscovery, expand_paths


def make_tree(root: Path) -> None:
    (root / "b" / "deeper").mkdir(parents=True)
    (root / "a.PNG").write_bytes(b"x")
    (root / "b" / "c.jpg").write_bytes(b"x")
    (root / "b" / "deeper" / "d.webp").write_bytes(b"x")
    (root / "b" / "notes.txt").write_text("x")
    (root / ".hidden").write_text("x")


def test_folders_are_walked_in_order_with_skips(tmp_path):
    make_tree(tmp_path)
    found = expand_paths([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found.files] == [
        "a.PNG",
        "b/c.jpg",
        "b/deeper/d.webp",
    ]
    assert [(p.name, r) for p, r in found.skipped] == [
        ("notes.txt", "not a supported image type (.txt)")
    ]


def test_named_files_are_kept_or_filtered(tmp_path):
    text = tmp_path / "readme.md"
    text.write_text("x")
    assert expand_paths([text]).files == [text]
    filtered = expand_paths([text, tmp_path / "gone.png"], keep_named_files=False)
    assert filtered.files == []
    assert [r for _, r in filtered.skipped] == ["not a supported image type (.md)", "not found"]


def test_the_same_file_twice_is_queued_once(tmp_path):
    make_tree(tmp_path)
    found = expand_paths([tmp_path / "a.PNG", tmp_path, tmp_path / "a.PNG"])
    assert [p.name for p in found.files].count("a.PNG") == 1


def test_background_searches_come_back_in_order(tmp_path):
    make_tree(tmp_path)
    search = BackgroundDiscovery()
    try:
        first = search.search([tmp_path], keep_named_files=False)
        second = search.search([tmp_path / "b" / "c.jpg"], keep_named_files=False)
        results = [search.results.get(timeout=30) for _ in range(2)]
    finally:
        search.stop()
    assert [request for request, _ in results] == [first, second]
    assert len(results[0][1].files) == 3
    assert [p.name for p in results[1][1].files] == ["c.jpg"]
