"""PDFs and multi-page TIFFs through `desktop-ocr ocr` and the worker, on generated files.

A two-page, two-column PDF (English, then Chinese) comes from benchmarks/doc_pages.py:
real prose laid out in columns, its truth the layout's reading order, which the PDF's text
layer confirms. A scan of it (page images only) goes through the command with --pdf-out,
and the searchable PDF that comes out is read back with PDFium: its text must match the
truth in reading order, and its words must lie where the page shows them.
"""

from __future__ import annotations

import contextlib
import io
import json
import queue
import re
import time
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from reportlab.pdfgen import canvas

from benchmarks.doc_pages import TWO_COLUMNS, make_pages, reading_text, write_pdf
from benchmarks.docpages.truth import edit_distance, pdf_texts
from desktop_ocr.cli import main
from tests.document_files import WORDS, bad_pdfs, multi_page_tiff

# Measured 0.000 (English) and 0.003 (Chinese) for these two pages (normalised edit
# distance, NFKC, no whitespace: a few misread characters); row-by-row order gives about
# 0.7. The floor leaves room for a misread word or two, never for interleaved columns.
MAX_EDIT_DISTANCE = 0.03
PLACE_TOLERANCE_PT = 6.0
APT = (
    "apt-get install manpages manpages-zh fonts-liberation fonts-wqy-microhei "
    "fonts-wqy-zenhei"
)


def two_column_pages() -> list:
    """An English and a Chinese two-column page, made once per test module that asks."""
    try:
        return make_pages([TWO_COLUMNS["en"], TWO_COLUMNS["zh"]], seed="documents")
    except FileNotFoundError as exc:
        pytest.skip(f"{exc} ({APT})")


@pytest.fixture(scope="module")
def two_column_scan(tmp_path_factory) -> dict:
    pages = two_column_pages()
    tmp = tmp_path_factory.mktemp("docs")
    return {
        "born_digital": write_pdf(pages, tmp / "born_digital.pdf"),
        "scan": write_pdf(pages, tmp / "scan.pdf", scanned=True),
        "truth": [reading_text(page) for page in pages],
        "blocks": [len({where["block"] for where in page.order}) for page in pages],
        "tmp": tmp,
    }


@pytest.fixture(scope="module")
def searchable(two_column_scan) -> dict:
    out = two_column_scan["tmp"] / "searchable.pdf"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(
            ["ocr", "--format", "jsonl", "--pdf-out", str(out), str(two_column_scan["scan"])]
        )
    records = [json.loads(line) for line in buffer.getvalue().splitlines()]
    return {"code": code, "records": records, "out": out}


def test_scan_pages_are_read_in_reading_order(two_column_scan, searchable):
    assert searchable["code"] == 0
    records = searchable["records"]
    assert [(r["page"], r["pages"], r["text_layer"]) for r in records] == [
        (1, 2, False),
        (2, 2, False),
    ]
    pairs = zip(records, two_column_scan["truth"], two_column_scan["blocks"], strict=True)
    for record, truth, blocks in pairs:
        text = "\n".join(line["text"] for line in record["lines"])
        assert edit_distance(text, truth) <= MAX_EDIT_DISTANCE
        paragraphs = [line["paragraph"] for line in record["lines"]]
        assert paragraphs == sorted(paragraphs)
        # About one paragraph per block of the page (title, headings, paragraphs).
        assert 0.8 * blocks <= paragraphs[-1] + 1 <= 1.3 * blocks, (paragraphs[-1], blocks)


def test_searchable_pdf_text_matches_the_source_in_order(two_column_scan, searchable):
    out = searchable["out"]
    texts = pdf_texts(out)
    assert len(texts) == 2
    for text, truth in zip(texts, two_column_scan["truth"], strict=True):
        distance = edit_distance(text, truth)
        assert distance <= MAX_EDIT_DISTANCE, (distance, text[:300])
    doc = pdfium.PdfDocument(out)
    try:
        sizes = [doc[i].get_size() for i in range(len(doc))]
    finally:
        doc.close()
    assert np.allclose(sizes, [(595.3, 841.9)] * 2, atol=1.0)  # A4, as the scan


@pytest.mark.parametrize("page", [0, 1])
def test_found_words_lie_where_the_page_shows_them(two_column_scan, searchable, page):
    words = _words_on_both(two_column_scan, searchable, page)
    assert len(words) >= 5, words  # the page has many; a few may be misread
    for word in words:
        (ex, ey), (fx, fy) = (
            _found(two_column_scan["born_digital"], page, word)[0],
            _found(searchable["out"], page, word)[0],
        )
        assert max(abs(ex - fx), abs(ey - fy)) <= PLACE_TOLERANCE_PT, (word, (ex, ey), (fx, fy))


def _words_on_both(two_column_scan: dict, searchable: dict, page: int) -> list[str]:
    """Up to ten long words (Latin) or runs of four characters (Chinese) that occur once
    in the page's truth and once in the searchable PDF's text: a search finds each in
    one place on either page, to compare."""
    truth = two_column_scan["truth"][page]
    read = pdf_texts(searchable["out"])[page]
    pattern = r"[A-Za-z]{8,}" if page == 0 else r"[\u4e00-\u9fff]{4}"
    candidates = sorted(set(re.findall(pattern, truth)), key=lambda w: (-len(w), w))
    once = [w for w in candidates if truth.count(w) == 1 and read.count(w) == 1]
    return once[:10]


def _found(path: Path, page_index: int, word: str) -> list[tuple[float, float]]:
    """Centres of the places a PDF viewer's search finds `word` on a page."""
    doc = pdfium.PdfDocument(path)
    try:
        textpage = doc[page_index].get_textpage()
        searcher = textpage.search(word, match_case=True)
        centres = []
        while (hit := searcher.get_next()) is not None:
            index, count = hit
            boxes = np.array([textpage.get_charbox(i) for i in range(index, index + count)])
            centres.append(
                (float((boxes[:, 0].min() + boxes[:, 2].max()) / 2),
                 float((boxes[:, 1].min() + boxes[:, 3].max()) / 2))
            )  # fmt: skip
        return centres
    finally:
        doc.close()


def test_a_page_with_text_is_taken_as_it_is(two_column_scan, capsys):
    code = main(["ocr", "--format", "jsonl", str(two_column_scan["born_digital"])])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [r["text_layer"] for r in records] == [True, True]
    assert any("text layer" in note for note in records[0]["notes"])
    for record, truth in zip(records, two_column_scan["truth"], strict=True):
        text = "\n".join(line["text"] for line in record["lines"])
        assert edit_distance(text, truth) == 0.0
        assert record["lines"] and all(line["words"] for line in record["lines"])


def test_encrypted_and_truncated_pdfs_are_named_on_the_command_line(tmp_path, capsys):
    encrypted, truncated = bad_pdfs(tmp_path)
    out = tmp_path / "out.pdf"
    code = main(["ocr", "--pdf-out", str(out), str(encrypted), str(truncated)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{encrypted}: the PDF is encrypted with a password" in err
    assert f"{truncated}: damaged or truncated PDF" in err
    assert not out.exists()  # nothing was read, so no PDF is written
    assert list(tmp_path.glob(".out.pdf.*")) == []


def test_the_worker_fails_such_pdfs_with_the_reason(tmp_path):
    from desktop_ocr.services.settings_store import build_engine_config
    from desktop_ocr.services.worker import JobFailed, OcrWorker

    encrypted, truncated = bad_pdfs(tmp_path)
    worker = OcrWorker(build_engine_config({}))
    worker.start()
    try:
        jobs = worker.submit_document(encrypted) + worker.submit_document(truncated)
        failed = _wait(worker, lambda e: isinstance(e, JobFailed), 2)
    finally:
        assert worker.stop(timeout=120)
    assert [e.job_id for e in failed] == [j.job_id for j in jobs]
    assert "encrypted with a password" in failed[0].reason
    assert "damaged or truncated" in failed[1].reason


def test_a_multi_page_tiff_gives_every_page(tmp_path, capsys):
    tiff = multi_page_tiff(tmp_path / "scan.tiff", WORDS)
    code = main(["ocr", str(tiff)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out == [
        f"==> {tiff} — page 1/3 <==",
        WORDS[0],
        f"==> {tiff} — page 2/3 <==",
        WORDS[1],
        f"==> {tiff} — page 3/3 <==",
        WORDS[2],
    ]


def test_the_worker_queues_a_job_per_page_and_cancel_keeps_those_done(tmp_path):
    from desktop_ocr.services.settings_store import build_engine_config
    from desktop_ocr.services.worker import JobCancelled, JobDone, OcrWorker

    tiff = multi_page_tiff(tmp_path / "scan.tiff", [*WORDS, "FOURTH", "FIFTH"])
    worker = OcrWorker(build_engine_config({}))
    worker.start()
    try:
        jobs = worker.submit_document(tiff, name="scan.tiff")
        assert [j.name for j in jobs] == [f"scan.tiff — page {n}/5" for n in range(1, 6)]
        (first,) = _wait(worker, lambda e: isinstance(e, JobDone), 1)
        cancelled = worker.cancel()
    finally:
        assert worker.stop(timeout=120)
    assert first.job_id == jobs[0].job_id
    assert first.result.text == WORDS[0]
    assert (first.result.page, first.result.page_count) == (1, 5)
    assert cancelled and all(job.page is not None and job.page >= 1 for job in cancelled)
    drained = []
    while True:
        try:
            drained.append(worker.events.get_nowait())
        except queue.Empty:
            break
    done_ids = {first.job_id} | {e.job_id for e in drained if isinstance(e, JobDone)}
    cancelled_ids = {e.job_id for e in drained if isinstance(e, JobCancelled)}
    assert done_ids | cancelled_ids == {j.job_id for j in jobs}
    assert not done_ids & cancelled_ids


def _wait(worker, wanted, count: int, timeout: float = 180.0) -> list:
    found: list = []
    deadline = time.monotonic() + timeout
    while len(found) < count:
        left = deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"only {len(found)} of {count} events came")
        try:
            event = worker.events.get(timeout=min(left, 1.0))
        except queue.Empty:
            continue
        if wanted(event):
            found.append(event)
    return found


def test_a_200_page_pdf_streams_with_flat_memory(tmp_path):
    from benchmarks.pdf_memory import measure, write_long_pdf

    pdf = write_long_pdf(tmp_path / "long.pdf", 200)
    readings = measure(pdf, dpi=200.0, ocr=False)
    assert [pages for pages, _ in readings][-1] == 200
    after_20 = next(mb for pages, mb in readings if pages == 20)
    # One page at 200 dpi is 5.6 MB of pixels: keeping every page would add over 1 GB.
    assert max(mb for _, mb in readings) - after_20 < 25.0, readings


def test_the_batch_reads_documents_page_by_page(tmp_path):
    from desktop_ocr.services.batch_store import read_manifest
    from tests.integration.test_cli import cli

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    tiff = multi_page_tiff(inputs / "scan.tiff", WORDS)
    encrypted, _ = bad_pdfs(tmp_path)
    (inputs / "locked.pdf").write_bytes(encrypted.read_bytes())
    page = canvas.Canvas(str(inputs / "born.pdf"))
    page.drawString(72, 720, "Text that is already there")
    page.showPage()
    page.save()
    out = tmp_path / "out"
    proc = cli("batch", "--workers", "1", str(inputs), "--out", str(out))
    assert proc.returncode == 1, proc.stderr[-3000:]  # the locked PDF fails
    rows = read_manifest(out)
    done = {(r["input"], r["page"]) for r in rows if r["status"] == "done"}
    assert done == {(str(tiff), n) for n in (1, 2, 3)} | {(str(inputs / "born.pdf"), 1)}
    (failed,) = [r for r in rows if r["status"] == "failed"]
    assert failed["input"] == str(inputs / "locked.pdf")
    assert "encrypted with a password" in failed["reason"]
    second = json.loads((out / "inputs" / "scan.tiff" / "page-0002.json").read_text("utf-8"))
    assert [line["text"] for line in second["lines"]] == [WORDS[1]]
    born = json.loads((out / "inputs" / "born.pdf" / "page-0001.json").read_text("utf-8"))
    assert born["text_layer"] is True
    assert [line["text"] for line in born["lines"]] == ["Text that is already there"]
