"""PDFs and multi-page TIFFs in the window: a row per page, bad PDFs named, pages shown again."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image

from tests.document_files import bad_pdfs, multi_page_tiff, word_pdf
from tests.gui.driving import messages_shown, pump, simulate_drop, wait_queued

pytestmark = pytest.mark.gui

FINISHED = ("done", "failed", "cancelled", "skipped")


def wait_finished(window, timeout: float = 300) -> None:
    pump(
        window.root,
        lambda: window.searching == 0
        and bool(window.jobs)
        and all(e.state in FINISHED for e in window.jobs.values()),
        timeout,
        "every row to finish",
    )


def entry(window, name: str):
    (found,) = [e for e in window.jobs.values() if e.name == name]
    return found


def test_a_dropped_folder_queues_every_page_and_names_bad_pdfs(open_app, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    bad_pdfs(folder)
    tiff = multi_page_tiff(folder / "scan.tiff", ["ONE", "TWO", "THREE"])
    word_pdf(folder / "words.pdf", ["Alpha", "Beta"])
    (folder / "notes.txt").write_text("not an image", encoding="utf-8")
    window = open_app()
    assert window.dnd_error is None, f"tkdnd did not load: {window.dnd_error}"
    shown = messages_shown(window)  # the encrypted PDF's failure may follow "Queued" at once

    simulate_drop(window.image_view.canvas, [str(folder)])
    wait_queued(window)
    assert any("Queued 5 document pages." in text for text in shown), shown
    wait_finished(window)

    rows = [(name, state) for name, state, _time in window.queue.rows()]
    assert rows == [
        ("notes.txt", "skipped: not a supported image type (.txt)"),
        ("locked.pdf", "failed: the PDF is encrypted with a password; open it in a PDF "
         "viewer and save a copy without the password"),
        ("scan.tiff — page 1/3", "done"),
        ("scan.tiff — page 2/3", "done"),
        ("scan.tiff — page 3/3", "done"),
        ("truncated.pdf", "failed: damaged or truncated PDF: its structure cannot be read"),
        ("words.pdf — page 1/2", "done"),
        ("words.pdf — page 2/2", "done"),
    ]  # fmt: skip
    assert window.status.count.cget("text") == "7 of 7 done (2 failed)"

    # A bad PDF shows its reason where the image would be; the app went on reading.
    window.show_job(entry(window, "truncated.pdf").job_id)
    window.root.update()
    assert window.image_view.mode == "message"
    assert "damaged or truncated PDF" in window.text_panel.content

    # A page taken from the PDF's own text says so in its header.
    beta = entry(window, "words.pdf — page 2/2")
    window.show_job(beta.job_id)
    window.root.update()
    assert window.text_panel.header.cget("text") == "words.pdf — page 2/2"
    assert "text from the PDF's own text layer, not OCR" in window.text_panel.subheader.cget(
        "text"
    )
    assert window.text_panel.content == "Beta"
    assert window.root.title() == "words.pdf — page 2/2 — Desktop OCR"

    # A page no longer in memory is decoded again from its own page, not the first one.
    two = entry(window, "scan.tiff — page 2/3")
    assert two.result.text == "TWO"
    window.display.images.clear()
    window.show_job(two.job_id)
    window.root.update()
    pump(window.root, lambda: two.job_id in window.display.images, what="page 2 decoded")
    window.root.update()
    with Image.open(tiff) as frames:
        frames.seek(1)
        expected = np.asarray(frames.convert("RGB"))
    assert np.array_equal(window.display.images.get(two.job_id).preview, expected)
    assert window.image_view.mode == "image"
    assert window.image_view.box_count == 1


def test_pdf_settings_apply_without_rebuilding_the_engine(open_app, tmp_path):
    pdf = word_pdf(tmp_path / "words.pdf", ["Alpha", "Beta"], size=(216, 72))
    window = open_app()
    pump(window.root, lambda: window.providers is not None, what="the engine")
    dialog = window.open_settings()
    assert dialog.vars["documents.dpi"].get() == "200"
    assert dialog.vars["documents.text_layer"].get() is True
    dialog.vars["documents.dpi"].set("20")
    assert dialog.apply() is False
    assert dialog.error_label.cget("text") == (
        "PDF rendering resolution (dpi): must be at least 50; got 20"
    )
    dialog.vars["documents.dpi"].set("300")
    dialog.vars["documents.text_layer"].set(False)
    dialog.apply_button.invoke()
    assert window.providers is not None  # the engine was not rebuilt for page settings
    assert "CPUExecutionProvider" in window.status.providers.cget("text")

    window.add_paths([pdf])
    wait_finished(window)
    pages = [entry(window, f"words.pdf — page {n}/2") for n in (1, 2)]
    # Read by OCR this time, from pages rendered at 300 dpi (3 x 1 inch).
    assert [page.result.text for page in pages] == ["Alpha", "Beta"]
    assert [page.result.text_layer for page in pages] == [False, False]
    assert pages[0].result.image_size == pytest.approx((900, 300), abs=1)  # not 600 x 200
    window.show_job(pages[0].job_id)
    window.root.update()
    assert "text layer" not in window.text_panel.subheader.cget("text")


def test_cancel_keeps_the_pages_read_and_a_long_pdf_gets_every_row(open_app, tmp_path):
    # Scanned pages: read by OCR, slowly enough to cancel in the middle.
    pdf = word_pdf(tmp_path / "long.pdf", [f"Page {n}" for n in range(1, 41)], scanned=True)
    window = open_app([pdf])
    wait_queued(window)
    assert [name for name, _s, _t in window.queue.rows()] == [
        f"long.pdf — page {n}/40" for n in range(1, 41)
    ]
    pump(
        window.root,
        lambda: sum(e.state == "done" for e in window.jobs.values()) >= 3,
        what="three pages",
    )
    window.queue.cancel_button.invoke()
    assert window.status.message.cget("text").startswith("Cancelled ")
    wait_finished(window)
    states = [e.state for e in window.jobs.values()]
    done = states.count("done")
    assert 3 <= done < 10 and states == ["done"] * done + ["cancelled"] * (40 - done)
    third = entry(window, "long.pdf — page 3/40")
    window.show_job(third.job_id)
    window.root.update()
    assert window.text_panel.content == "Page 3"


def test_a_300_page_pdf_streams_with_flat_memory(open_app, tmp_path):
    from benchmarks.memory_soak import rss_mb
    from benchmarks.pdf_memory import write_long_pdf

    pdf = write_long_pdf(tmp_path / "long.pdf", 300, rows=15)
    window = open_app([pdf])
    wait_queued(window)
    # Every row at once, before the pages are read (the first few may be done already).
    assert len(window.queue.rows()) == 300
    assert re.fullmatch(r"\d+ of 300 done", window.status.count.cget("text"))
    readings = {}
    for pages in (100, 300):
        pump(
            window.root,
            lambda n=pages: sum(e.state == "done" for e in window.jobs.values()) >= n,
            what=f"{pages} pages",
        )
        readings[pages] = rss_mb()
    assert window.status.count.cget("text") == "300 of 300 done"
    # Each page is 3.9 megapixels (11 MB) when rendered at 200 dpi: keeping them would add
    # over 2 GB; the text and boxes of 200 such pages, and their rows, take a few MB.
    assert readings[300] - readings[100] < 60, readings
    last = entry(window, "long.pdf — page 300/300")
    assert last.result.lines[0].text.startswith("Page 300, column 1, line 1")
