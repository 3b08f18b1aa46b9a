"""The main window in a real Tk window: open through the menu, read, select, copy, export."""

from __future__ import annotations

import csv
import json
import re
import shutil
import tkinter as tk

import pytest

from tests.gui.driving import answer_file_dialog, pump, toplevels, wait_queued

pytestmark = pytest.mark.gui


def menu_index(menu: tk.Menu, label: str) -> int:
    for i in range(int(menu.index("end")) + 1):
        if menu.type(i) == "command" and menu.entrycget(i, "label") == label:
            return i
    raise AssertionError(f"no menu entry {label!r}")


def wait_done(window, count: int = 1) -> None:
    pump(
        window.root,
        lambda: sum(e.state in ("done", "failed") for e in window.jobs.values()) >= count,
        what=f"{count} image(s) to be read",
    )


def test_open_from_the_menu_shows_text_boxes_providers_and_time(open_app, samples_dir, tmp_path):
    window = open_app()
    image = samples_dir / "rapidocr" / "ch_en_num.jpg"
    file_menu = window.menus["file"]
    answer_file_dialog(window.root, [str(image)])
    file_menu.invoke(menu_index(file_menu, "Open images…"))
    wait_done(window)

    # The pane shows the lines in reading order, a blank row between paragraphs.
    shown = window.text_panel.content
    assert shown == window.current_entry().result.page_text
    rows = shown.split("\n")
    lines = [row for row in rows if row]
    assert lines[0] == "正品促销" and rows[1] == ""
    assert len(lines) == len(window.current_entry().result.lines) > 10
    providers = window.status.providers.cget("text")
    assert "CPUExecutionProvider" in providers and "⚠" not in providers
    timing = window.status.timing.cget("text")
    assert re.search(r"det \d[\d.]* m?s · cls \d[\d.]* m?s · rec \d[\d.]* m?s", timing), timing
    assert window.status.count.cget("text") == "1 of 1 done"
    [(name, state, seconds)] = window.queue.rows()
    assert (name, state) == ("ch_en_num.jpg", "done")
    assert re.fullmatch(r"\d[\d.]* m?s", seconds)
    assert window.root.title().startswith("ch_en_num.jpg")
    assert window.image_view.mode == "image"
    assert window.image_view.box_count == len(lines)

    # A click on a box selects its line; picking a line highlights its box.
    view = window.image_view
    x, y = view.box_centre_on_screen(0)
    view.canvas.event_generate(
        "<Button-1>", x=x - view.canvas.winfo_rootx(), y=y - view.canvas.winfo_rooty()
    )
    window.root.update()
    assert view.selected == 0 and window.text_panel.selected == 0
    assert "current_line" in window.text_panel.text.tag_names("1.0")
    text = window.text_panel.text
    third = [i + 1 for i, row in enumerate(rows) if row][2]  # the third line's row
    assert third > 3  # below blank rows: the row is not the line's index
    text.see(f"{third}.0")
    bbox = text.bbox(f"{third}.2")
    text.event_generate("<ButtonPress-1>", x=bbox[0] + 1, y=bbox[1] + 1)
    text.event_generate("<ButtonRelease-1>", x=bbox[0] + 1, y=bbox[1] + 1)
    window.root.update()
    assert window.text_panel.selected == 2 and view.selected == 2
    assert view.canvas.itemcget("box2", "outline") != view.canvas.itemcget("box0", "outline")

    # Copy all puts the text as shown on the clipboard, paragraphs apart.
    window.text_panel.copy_button.invoke()
    assert window.root.clipboard_get() == shown

    # Export the current image in every format; the format follows the suffix.
    out = {fmt: tmp_path / f"result.{fmt}" for fmt in ("txt", "json", "md", "csv")}
    for path in out.values():
        assert window.exports.export_to("current", path) == path
    # The files have the lines in reading order with a blank line between paragraphs.
    page_text = window.current_entry().result.page_text
    assert out["txt"].read_text(encoding="utf-8") == page_text + "\n"
    assert [row for row in page_text.splitlines() if row] == lines
    [record] = json.loads(out["json"].read_text(encoding="utf-8"))
    assert record["path"] == str(image) and record["lines"][0]["text"] == "正品促销"
    assert out["md"].read_text(encoding="utf-8").startswith("## ch\\_en\\_num.jpg\n\n正品促销\n\n")
    with out["csv"].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["text"] for r in rows] == lines
    assert not list(tmp_path.glob(".*.tmp")), "a temporary export file was left behind"
    assert window.exports.export_to("current", tmp_path / "result.docx") is None
    assert any("cannot tell the format" in d.body_text for d in window.dialogs)


def test_sample_button_bad_files_and_export_all(open_app, tmp_path):
    window = open_app()
    assert window.image_view.mode == "empty"
    window.image_view.sample_button.invoke()
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image at all")
    window.add_paths([broken])
    wait_done(window, 2)

    sample = next(e for e in window.jobs.values() if e.name == "sample.png")
    texts = [line.text for line in sample.result.lines]
    assert texts[0] == "桌面文字识别"
    assert "Drop images here to try it." in texts
    failed = next(e for e in window.jobs.values() if e.name == "broken.png")
    assert failed.state == "failed" and failed.reason
    states = {name: state for name, state, _ in window.queue.rows()}
    assert states["sample.png"] == "done"
    assert states["broken.png"].startswith("failed: ")
    assert window.status.count.cget("text") == "2 of 2 done (1 failed)"

    # The failed image is shown with its reason; the app goes on.
    window.show_job(failed.job_id)
    window.root.update()
    assert failed.reason in window.text_panel.content
    assert window.image_view.mode == "message"

    path = window.exports.export_to("all", tmp_path / "all.txt")
    text = path.read_text(encoding="utf-8")
    assert "==> " in text and "桌面文字识别" in text and f"error: {failed.reason}" in text


def test_cjk_font_is_used_when_installed(open_app):
    window = open_app()
    families = set(tk.font.families(window.root))
    cjk = [f for f in ("WenQuanYi Micro Hei", "Noto Sans CJK SC") if f in families]
    if not cjk:
        pytest.skip("no CJK font installed (apt-get install fonts-wqy-microhei)")
    assert window.fonts.cjk_family in cjk
    assert window.fonts.text_cjk.actual("family") == window.fonts.cjk_family


def test_about_and_benchmark_open_windows(open_app):
    import onnxruntime

    from desktop_ocr import __version__
    from desktop_ocr.engine.packs import PACKS

    window = open_app()
    window.toolbar["about"].invoke()
    about = window.dialogs[-1]
    assert __version__ in about.body_text
    assert onnxruntime.__version__ in about.body_text
    assert "PP-OCRv6_rec_small.onnx" in about.body_text
    for pack in PACKS.values():  # every pack with its licence
        assert f"{pack.title} ({pack.licence})" in about.body_text
    about.close_button.invoke()

    before = set(map(str, toplevels(window.root)))
    window.toolbar["benchmark"].invoke()
    window.root.update()
    opened = [w for w in toplevels(window.root) if str(w) not in before]
    assert len(opened) == 1, "Benchmark… opened no window"
    opened[0].destroy()


def test_command_line_paths_are_queued_at_once(open_app, samples_dir, tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    shutil.copy(samples_dir / "rapidocr" / "short.png", folder / "one.png")
    window = open_app([folder, samples_dir / "rapidocr" / "text_rec.jpg"])
    wait_queued(window)
    names = [name for name, _, _ in window.queue.rows()]
    assert names == ["one.png", "text_rec.jpg"]
    wait_done(window, 2)
    assert window.current_entry().name == "text_rec.jpg"  # the latest result is followed
    assert "韩国小馆" in window.text_panel.content
