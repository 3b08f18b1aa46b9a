"""Paragraphs in the text pane, and searchable PDFs written from the window."""

from __future__ import annotations

import re
import tkinter as tk

import pypdfium2 as pdfium
import pytest

from benchmarks.doc_pages import TWO_COLUMNS, make_pages, reading_text, write_pdf
from benchmarks.docpages.truth import edit_distance, pdf_texts
from tests.document_files import word_pdf
from tests.gui.driving import answer_file_dialog, pump
from tests.gui.test_document_window import entry, wait_finished
from tests.gui.test_window import menu_index

pytestmark = pytest.mark.gui

APT = "apt-get install manpages manpages-zh fonts-liberation fonts-wqy-microhei fonts-wqy-zenhei"


@pytest.fixture(scope="module")
def two_pages(tmp_path_factory) -> dict:
    """A born-digital PDF of a two-column English page and a Chinese one, with truth."""
    try:
        pages = make_pages([TWO_COLUMNS["en"], TWO_COLUMNS["zh"]], seed="window")
    except FileNotFoundError as exc:
        pytest.skip(f"{exc} ({APT})")
    folder = tmp_path_factory.mktemp("report")
    pdf = write_pdf(pages, folder / "report.pdf")
    return {"pdf": pdf, "truth": [reading_text(page) for page in pages]}


def click_row(text: tk.Text, row: int) -> None:
    """A click on row `row` (1-based) of the text pane, as the user makes it."""
    text.see(f"{row}.0")
    text.update()
    x, y, _w, h = text.bbox(f"{row}.0")
    text.event_generate("<ButtonPress-1>", x=x + 2, y=y + h // 2)
    text.event_generate("<ButtonRelease-1>", x=x + 2, y=y + h // 2)
    text.update()


def test_paragraphs_show_copy_and_export_and_rows_still_pick_boxes(open_app, two_pages, tmp_path):
    window = open_app([two_pages["pdf"]])
    wait_finished(window)
    page = entry(window, "report.pdf — page 1/2")
    result = page.result
    window.show_job(page.job_id)
    window.root.update()

    # The pane shows the page in reading order, a blank row between paragraphs.
    shown = window.text_panel.content
    assert shown == result.page_text
    rows = shown.split("\n")
    blank = [i + 1 for i, row in enumerate(rows) if not row]
    assert len(blank) == len({line.paragraph for line in result.lines}) - 1 >= 5
    assert edit_distance(shown, two_pages["truth"][0]) == 0.0

    # A click on a row picks its line and box; a click on a blank row picks nothing.
    text, view = window.text_panel.text, window.image_view
    second_paragraph = blank[0] + 1
    line = next(i for i, ln in enumerate(result.lines) if ln.paragraph == 1)
    assert rows[second_paragraph - 1] == result.lines[line].text
    click_row(text, second_paragraph)
    assert window.text_panel.selected == line and view.selected == line
    assert "current_line" in text.tag_names(f"{second_paragraph}.0")
    click_row(text, blank[0])
    assert window.text_panel.selected is None and view.selected is None
    # A box picked on the image highlights its row, blank rows and all.
    x, y = view.box_centre_on_screen(line + 3)
    view.canvas.event_generate(
        "<Button-1>", x=x - view.canvas.winfo_rootx(), y=y - view.canvas.winfo_rooty()
    )
    window.root.update()
    assert window.text_panel.selected == line + 3
    highlighted = text.get(*text.tag_ranges("current_line")).rstrip("\n")
    assert highlighted == result.lines[line + 3].text

    # Copy all and the exports give the paragraphs.
    window.text_panel.copy_button.invoke()
    assert window.root.clipboard_get() == result.page_text
    txt = window.exports.export_to("current", tmp_path / "page.txt")
    assert txt.read_text(encoding="utf-8") == result.page_text + "\n"
    markdown = window.exports.export_to("current", tmp_path / "page.md").read_text("utf-8")
    assert markdown.count("\n\n") >= len(blank) + 1  # heading, then a paragraph per block

    # An edit moves rows down; a row still picks its own line.
    text.insert("1.0", "A NOTE ABOVE THE TITLE\n\n")
    window.root.update()
    click_row(text, second_paragraph + 2)
    assert window.text_panel.selected == line
    click_row(text, 1)
    assert window.text_panel.selected is None  # the new row stands for no line
    window.keep_edits()
    assert page.edited_text.startswith("A NOTE ABOVE THE TITLE\n\n")


def test_searchable_pdf_of_a_document_and_of_all_results(open_app, two_pages, tmp_path):
    scan = word_pdf(tmp_path / "scan.pdf", ["Alpha", "Beta"], scanned=True)
    window = open_app([two_pages["pdf"], scan])
    wait_finished(window)
    first = entry(window, "report.pdf — page 1/2")
    window.show_job(first.job_id)
    # An edit of a line, kept in the PDF's text where that line is.
    edited = first.text.replace(first.result.lines[0].text, "Corrected title", 1)
    window.text_panel.text.delete("1.0", "end")
    window.text_panel.text.insert("1.0", edited)
    window.keep_edits()

    # File → Export this document as a searchable PDF: both its pages, not the scan.
    out = tmp_path / "out" / "report-searchable.pdf"
    out.parent.mkdir()
    file_menu = window.menus["file"]
    answer_file_dialog(window.root, [str(out)])
    file_menu.invoke(menu_index(file_menu, "Export this document as a searchable PDF…"))
    pump(window.root, lambda: "Exported" in window.status.message.cget("text"), 120)
    assert window.status.message.cget("text").startswith("Exported 2 pages as a searchable PDF")
    texts = pdf_texts(out)
    assert len(texts) == 2
    truth = two_pages["truth"]
    assert "Corrected title" in texts[0]
    assert edit_distance(texts[1], truth[1]) <= 0.01
    assert edit_distance(texts[0], truth[0].replace(first.result.lines[0].text, "")) <= 0.03
    chinese = re.search(r"[\u4e00-\u9fff]{4}", truth[1]).group()
    assert _found(out, 1, chinese), f"{chinese} is not found in the PDF"
    assert list(out.parent.iterdir()) == [out]  # no temporary file left beside it

    # All results: the document's pages and the scan's, read by OCR.
    everything = window.exports.export_pdf_to("all", tmp_path / "all")
    pump(window.root, lambda: not everything.is_alive(), 120)
    pump(window.root, lambda: "Exported 4 pages" in window.status.message.cget("text"), 10)
    assert [t.strip() for t in pdf_texts(tmp_path / "all.pdf")[2:]] == ["Alpha", "Beta"]

    # A folder that is not there: nothing is written, and the message names the file.
    missing = tmp_path / "no such folder" / "x.pdf"
    job = window.exports.export_pdf_to("current", missing)
    pump(window.root, lambda: not job.is_alive() and window.dialogs, 60)
    dialog = window.dialogs[-1]
    assert dialog.heading_text == "The searchable PDF could not be written"
    assert str(missing) in dialog.body_text
    assert not missing.parent.exists()


def _found(path, page: int, word: str) -> int:
    doc = pdfium.PdfDocument(path)
    try:
        searcher = doc[page].get_textpage().search(word, match_case=True)
        hits = 0
        while searcher.get_next() is not None:
            hits += 1
        return hits
    finally:
        doc.close()
