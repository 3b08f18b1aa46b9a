"""Document pages: the truth holds every glyph drawn, tightly, with the PDF's own text."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from benchmarks.doc_pages import generate
from benchmarks.docpages.layout import NO_END, NO_START, break_lines
from benchmarks.docpages.text_sources import parse_troff

APT = (
    "apt-get install manpages-zh manpages fonts-dejavu-core fonts-liberation fonts-freefont-ttf "
    "fonts-wqy-microhei fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai"
)


def _generate(out: Path) -> Path:
    try:
        generate(out, pages_zh=1, pages_en=1, lines_zh=20, lines_en=20)
    except FileNotFoundError as exc:
        pytest.skip(f"{exc} ({APT})")
    return out


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    return _generate(tmp_path_factory.mktemp("docs"))


def _load(folder: Path, name: str) -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("subset", ["doc_en", "doc_zh"])
def test_boxes_hold_all_the_ink_and_hug_it(docs, subset):
    gt = _load(docs / subset, "gt.json")
    ((name, lines),) = gt.items()
    assert name.startswith("clean__") and name.endswith(".png")
    assert len(lines) >= 20
    gray = cv2.imread(str(docs / subset / name), cv2.IMREAD_GRAYSCALE)
    ink = gray < 140
    covered = np.zeros_like(ink)
    for line in lines:
        assert line["ignore"] is False and line["text"].strip()
        (x0, y0), _, (x1, y1), _ = line["points"]
        box = ink[int(y0) : int(np.ceil(y1)), int(x0) : int(np.ceil(x1))]
        assert box.any(), line["text"]
        # Tight: ink within 2 px of every side of the box.
        assert box[:2].any() and box[-2:].any(), line["text"]
        assert box[:, :2].any() and box[:, -2:].any(), line["text"]
        covered[int(y0) - 2 : int(y1) + 3, int(x0) - 2 : int(x1) + 3] = True
    assert ink.sum() > 10_000
    assert (ink & ~covered).sum() == 0  # no glyph outside the truth


@pytest.mark.parametrize("subset", ["doc_en", "doc_zh"])
def test_text_is_the_pdf_text_layer(docs, subset):
    import pypdfium2 as pdfium

    gt = _load(docs / subset, "gt.json")
    ((name, lines),) = gt.items()
    pdf = pdfium.PdfDocument(docs / subset / "pdf" / (name.rsplit(".", 1)[0] + ".pdf"))
    layer = pdf[0].get_textpage().get_text_range()
    pdf.close()
    squeeze = "".join
    assert squeeze(layer.split()) == squeeze("".join(g["text"] for g in lines).split())
    if subset == "doc_zh":
        text = "".join(g["text"] for g in lines)
        assert sum("\u4e00" <= ch <= "\u9fff" for ch in text) > 300
        assert any(ch.isascii() and ch.isalpha() for ch in text)  # mixed English words


def test_reading_order_side_file_matches_the_truth(docs):
    gt, order = _load(docs / "doc_en", "gt.json"), _load(docs / "doc_en", "order.json")
    assert gt.keys() == order.keys()
    for name, lines in gt.items():
        entries = order[name]
        assert len(entries) == len(lines)
        assert entries[0]["kind"] == "title" and entries[0]["column"] is None
        blocks = [e["block"] for e in entries]
        assert blocks == sorted(blocks)
        assert {e["kind"] for e in entries} >= {"title", "heading", "paragraph"}
        # Lines of one paragraph come top to bottom.
        for a, b, ga, gb in zip(entries, entries[1:], lines, lines[1:], strict=False):
            if a["kind"] == "paragraph" and (a["block"], a["column"]) == (b["block"], b["column"]):
                assert gb["points"][0][1] > ga["points"][0][1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_line_crops_carry_their_page_line(docs, lang):
    labels = _load(docs / f"lines_{lang}", "labels.json")
    gt = _load(docs / f"doc_{lang}", "gt.json")
    page_texts = {g["text"] for lines in gt.values() for g in lines}
    assert len(labels) == 20
    for name, text in labels.items():
        assert text in page_texts
        crop = cv2.imread(str(docs / f"lines_{lang}" / name))
        assert crop is not None and crop.shape[1] > crop.shape[0] > 10
        assert (cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) < 140).any()


def test_generation_is_deterministic(docs, tmp_path):
    again = _generate(tmp_path / "again")
    for rel in ("doc_en/gt.json", "doc_zh/gt.json", "lines_zh/labels.json"):
        assert (docs / rel).read_bytes() == (again / rel).read_bytes(), rel
    for page in (docs / "doc_zh").glob("*.png"):
        assert page.read_bytes() == (again / "doc_zh" / page.name).read_bytes()


def test_chinese_line_breaks_keep_punctuation_in_place():
    text = (
        "列出指定“文件”（默认为当前目录）的信息。"
        "如果既没有指定 -cftuvSUX 中任何一个，也没有指定 --sort，则按字母排序项目。"
    )
    text = text * 3
    for width in range(8, 30):  # a line holds the longest word
        lines = break_lines(text, width, lambda s: float(len(s)))
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(line[0] not in NO_START and line[-1] not in NO_END for line in lines)
        if width >= 10:  # a Latin word that fits on a line is never split
            assert any("-cftuvSUX" in line for line in lines)


def test_english_line_breaks_at_spaces_only():
    text = "The signal disposition is a per-process attribute: in a multithreaded application"
    lines = break_lines(text, 20, lambda s: float(len(s)))
    assert " ".join(lines) == text
    assert all(len(line) <= 20 for line in lines)


def test_troff_becomes_plain_paragraphs():
    source = "\n".join(
        [
            '.TH LS 1 "GNU coreutils"',
            ".SH 名称",
            r"ls \- 列出目录内容",
            ".SH 描述",
            r"列出指定“文件”（默认为当前目录）的信息。如果没有指定 \fB\-cftuvSUX\fP 中任何",
            r"一个，则按字母排序项目。",
            ".PP",
            ".B ls",
            r"is short for \(lqlist\(rq, see",
            ".BR dir (1).",
            ".nf",
            "code that is skipped",
            ".fi",
        ]
    )
    doc = parse_troff("ls.1", source)
    assert doc.title == "ls - 列出目录内容"
    assert [s.title for s in doc.sections] == ["描述"]
    assert doc.sections[0].paragraphs == [
        "列出指定“文件”（默认为当前目录）的信息。"
        "如果没有指定 -cftuvSUX 中任何一个，则按字母排序项目。",
        "ls is short for “list”, see dir(1).",
    ]
