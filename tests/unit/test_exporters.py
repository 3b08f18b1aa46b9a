"""Exports in txt, json, Markdown and csv, and the atomic write under them."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import pytest

from desktop_ocr.engine.results import OcrResult, ProviderReport, StageTimings, TextLine
from desktop_ocr.services.atomic_file import write_text_atomic
from desktop_ocr.services.exporters import (
    ExportItem,
    export,
    format_for_path,
    render,
)

BOX = ((1.0, 2.0), (30.0, 2.0), (30.0, 12.0), (1.0, 12.0))


def result(*texts: str) -> OcrResult:
    lines = tuple(TextLine(BOX, text, 0.9 - i / 10) for i, text in enumerate(texts))
    return OcrResult(
        lines=lines,
        timings=StageTimings(det=10, cls=2, rec=20, total=33),
        image_size=(40, 20),
        providers=ProviderReport(("CPUExecutionProvider",), ("CPUExecutionProvider",)),
        source="/x/a.png",
    )


ITEMS = [
    ExportItem("/x/a.png", result=result("正品促销", "a | b *c*")),
    ExportItem("/x/bad.png", error="cannot identify image file"),
]


def test_txt_has_headers_only_for_several_images():
    assert render(ITEMS[:1], "txt") == "正品促销\na | b *c*\n"
    text = render(ITEMS, "txt")
    assert text.splitlines() == [
        "==> /x/a.png <==",
        "正品促销",
        "a | b *c*",
        "",
        "==> /x/bad.png <==",
        "error: cannot identify image file",
    ]


def test_json_is_the_cli_record_per_image():
    data = json.loads(render(ITEMS, "json"))
    assert [d["ok"] for d in data] == [True, False]
    assert data[0]["lines"][0] == {"box": [list(p) for p in BOX], "text": "正品促销", "score": 0.9}
    assert data[0]["timings_ms"]["total"] == 33
    assert data[1]["error"] == "cannot identify image file"


def test_markdown_escapes_what_would_become_formatting():
    text = render(ITEMS, "md")
    assert "## a.png" in text and "## bad.png" in text
    assert "正品促销\\\na \\| b \\*c\\*\n" in text  # one paragraph, lines kept
    assert "*Failed: cannot identify image file*" in text
    assert "*No text found.*" in render([ExportItem("e.png", result=result())], "md")


def test_txt_and_markdown_put_paragraphs_apart():
    lines = tuple(
        TextLine(BOX, text, 0.9, paragraph=para)
        for text, para in (("Title", 0), ("first line", 1), ("second line", 1), ("next", 2))
    )
    paged = ExportItem("/x/p.pdf", result=dataclasses.replace(result(), lines=lines))
    assert render([paged], "txt") == "Title\n\nfirst line\nsecond line\n\nnext\n"
    md = render([paged], "md")
    assert md == "## p.pdf\n\nTitle\n\nfirst line\\\nsecond line\n\nnext\n"
    data = json.loads(render([paged], "json"))
    assert [line["paragraph"] for line in data[0]["lines"]] == [0, 1, 1, 2]


def test_csv_rows_read_back():
    rows = list(csv.DictReader(io.StringIO(render(ITEMS, "csv"), newline="")))
    assert [r["text"] for r in rows] == ["正品促销", "a | b *c*", ""]
    assert rows[0]["x2"] == "30.0" and rows[0]["line"] == "1"
    assert rows[2]["error"] == "cannot identify image file"


def test_format_comes_from_the_suffix(tmp_path):
    assert [format_for_path(f"r.{s}") for s in ("txt", "JSON", "md", "markdown", "csv")] == [
        "txt",
        "json",
        "md",
        "md",
        "csv",
    ]
    with pytest.raises(ValueError, match="cannot tell the format"):
        format_for_path("r.docx")
    path = export(ITEMS, tmp_path / "out.csv")
    assert path.read_bytes().startswith(b"path,line,text,score")
    assert b"\r\n" in path.read_bytes() and b"\r\r\n" not in path.read_bytes()


def test_atomic_write_replaces_whole_files_and_leaves_no_temporaries(tmp_path):
    target = tmp_path / "result.txt"
    target.write_text("old", encoding="utf-8")
    write_text_atomic(target, "new text\n")
    assert target.read_text(encoding="utf-8") == "new text\n"
    assert [p.name for p in tmp_path.iterdir()] == ["result.txt"]
    with pytest.raises(OSError):
        write_text_atomic(tmp_path / "missing" / "x.txt", "x")
    with pytest.raises(TypeError):
        write_text_atomic(target, None)  # fails while writing: the old file stays
    assert target.read_text(encoding="utf-8") == "new text\n"
    assert [p.name for p in tmp_path.iterdir()] == ["result.txt"]


def test_an_edit_is_exported_and_the_recognition_kept_in_json():
    read = result("正品促销", "Tofacilitatetheanalysis")
    fixed = "正品促销\nTo facilitate the analysis"
    same_count = ExportItem("/x/a.png", result=read, edited_text=fixed)
    assert render([same_count], "txt") == "正品促销\nTo facilitate the analysis\n"
    [record] = json.loads(render([same_count], "json"))
    assert record["edited_text"] == "正品促销\nTo facilitate the analysis"
    assert [line["text"] for line in record["lines"]] == ["正品促销", "Tofacilitatetheanalysis"]
    md = render([same_count], "md")
    assert md == "## a.png\n\n正品促销\\\nTo facilitate the analysis\n"  # the edit, as text
    rows = list(csv.DictReader(io.StringIO(render([same_count], "csv"))))
    assert [r["text"] for r in rows] == ["正品促销", "To facilitate the analysis"]
    assert rows[1]["x1"] == "1.0"  # the line kept its box

    joined = ExportItem("/x/a.png", result=read, edited_text="one line now")
    rows = list(csv.DictReader(io.StringIO(render([joined], "csv"))))
    assert [(r["text"], r["x1"], r["score"]) for r in rows] == [("one line now", "", "")]
    [record] = json.loads(render([ExportItem("/x/a.png", result=read)], "json"))
    assert record["edited_text"] is None
