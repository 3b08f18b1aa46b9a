"""Atomic writes keep the file's permissions and leave nothing behind on failure."""

from __future__ import annotations

import os

import pytest

from desktop_ocr.services.atomic_file import write_text_atomic


def test_new_file_is_readable_by_others_and_existing_mode_is_kept(tmp_path):
    fresh = write_text_atomic(tmp_path / "new.txt", "a")
    assert fresh.stat().st_mode & 0o777 == 0o644
    private = tmp_path / "private.txt"
    private.write_text("old")
    private.chmod(0o600)
    write_text_atomic(private, "new")
    assert private.stat().st_mode & 0o777 == 0o600
    assert private.read_text() == "new"


def test_failure_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "report.md"
    target.write_text("old report")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        write_text_atomic(target, "new report")
    assert target.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
