"""The batch command's arguments: --ray with or without an address, --format, bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_ocr.cli import build_parser, main
from desktop_ocr.commands.batch import LOCAL_RAY, _formats, _inputs_and_address


def parse(*argv: str):
    args = build_parser().parse_args(["batch", *argv])
    _inputs_and_address(args)
    return args


def test_ray_alone_before_an_input_means_a_local_instance(tmp_path, monkeypatch):
    (tmp_path / "scans").mkdir()
    monkeypatch.chdir(tmp_path)
    args = parse("--ray", "scans", "--out", "ocr")
    assert (args.ray, args.paths) == (LOCAL_RAY, ["scans"])
    args = parse("scans", "--out", "ocr", "--ray")
    assert (args.ray, args.paths) == (LOCAL_RAY, ["scans"])


@pytest.mark.parametrize("address", ["auto", "head:6379", "127.0.0.1:6379", "ray://head:10001"])
def test_ray_with_an_address_joins_it(address, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = parse("--ray", address, "scans", "--out", "ocr")
    assert (args.ray, args.paths) == (address, ["scans"])


def test_without_ray_it_runs_here():
    args = parse("a.png", "--out", "ocr")
    assert args.ray is None and args.paths == ["a.png"]


def test_formats_are_checked_and_kept_in_order():
    assert _formats("json,txt") == ("json", "txt")
    assert _formats(" TXT , json,txt") == ("txt", "json")
    for bad in ("", "pdf", "json,md"):
        with pytest.raises(ValueError, match="--format takes json and/or txt"):
            _formats(bad)


def test_usage_errors_exit_2_and_write_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["batch", str(tmp_path / "missing"), "--out", str(out)]) == 2
    assert "not found:" in capsys.readouterr().err
    assert main(["batch", "--out", str(out)]) == 2
    assert "give at least one image file or folder" in capsys.readouterr().err
    assert main(["batch", str(tmp_path), "--out", str(out), "--workers", "0"]) == 2
    assert "--workers must be 1 or more" in capsys.readouterr().err
    assert main(["batch", str(tmp_path), "--out", str(out), "--format", "xml"]) == 2
    (tmp_path / "empty").mkdir()
    assert main(["batch", str(tmp_path / "empty"), "--out", str(out)]) == 2
    assert "no image files found" in capsys.readouterr().err
    assert not Path(out).exists()
