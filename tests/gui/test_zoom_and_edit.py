"""Zoom, pan and rotate keep every box on its text; edits stay with the result and go out.

Both are checked the way a user sees them: the window is photographed and the project's
own OCR reads the photograph back.
"""

from __future__ import annotations

import csv
import difflib
import json

import pytest
from PIL import Image

from tests.gui.driving import grab, pump_for, wait_done
from tests.gui.test_window import menu_index

pytestmark = pytest.mark.gui


def similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.replace(" ", ""), b.replace(" ", "")).ratio()


def read_box_on_screen(view, index: int, engine, margin: int = 6) -> tuple[str, Image.Image]:
    """Photographs where the view draws box `index` and reads the text found there."""
    corners = view.box_on_canvas(index)
    xs = [x for x, _y in corners]
    ys = [y for _x, y in corners]
    left, top = max(int(min(xs)) - margin, 0), max(int(min(ys)) - margin, 0)
    right = min(int(max(xs)) + margin, view.canvas.winfo_width())
    bottom = min(int(max(ys)) + margin, view.canvas.winfo_height())
    picture = grab(view.canvas, (left, top, right - left, bottom - top))
    turns = view.rotation // 90
    upright = picture.rotate(90 * turns, expand=True) if turns else picture
    result = engine(upright)
    return " ".join(line.text for line in result.lines), upright


def longest_lines(entry, count: int = 3) -> list[int]:
    lines = entry.result.lines
    return sorted(range(len(lines)), key=lambda i: -len(lines[i].text))[:count]


def test_zoom_pan_and_rotate_keep_boxes_on_their_text(open_app, samples_dir, default_engine):
    window = open_app([samples_dir / "rapidocr" / "ch_en_num.jpg"])
    window.root.geometry("1400x900")
    wait_done(window)
    pump_for(window.root, 0.3)
    view = window.image_view
    entry = window.current_entry()
    picks = longest_lines(entry)

    def check(where: str) -> None:
        window.select_line(None)  # a selected box is tinted, which would hide its text
        window.root.update()
        checked: list[int] = []
        for i in picks:
            corners = view.box_on_canvas(i)
            if not all(
                0 <= x <= view.canvas.winfo_width() and 0 <= y <= view.canvas.winfo_height()
                for x, y in corners
            ):
                continue  # scrolled out of view
            xs, ys = [x for x, _y in corners], [y for _x, y in corners]
            if min(max(xs) - min(xs), max(ys) - min(ys)) < 18:
                continue  # text too small on screen for any OCR to read
            read, _picture = read_box_on_screen(view, i, default_engine)
            checked.append(i)
            expected = entry.result.lines[i].text
            assert similar(read, expected) > 0.7, f"{where}: box {i} shows {read!r}"
        assert checked, f"{where}: no box in view"

    assert view.fitted
    check("fitted")

    # Ctrl+wheel zooms at the pointer: the image point under it stays under it.
    x, y = view.box_centre_on_screen(picks[0])
    cx, cy = x - view.canvas.winfo_rootx(), y - view.canvas.winfo_rooty()
    before = view._to_image(cx, cy)
    fit_zoom = view.zoom
    for _step in range(3):
        view.canvas.event_generate("<Control-Button-4>", x=cx, y=cy)
    window.root.update()
    assert view.zoom == pytest.approx(fit_zoom * 1.2**3)
    after = view._to_image(cx, cy)
    assert after == pytest.approx(before, abs=0.5)
    check("after Ctrl+wheel")

    # Dragging moves the image and its boxes together.
    start = view.box_on_canvas(picks[0])
    view.canvas.event_generate("<ButtonPress-1>", x=cx, y=cy)
    for step in range(1, 6):
        view.canvas.event_generate("<B1-Motion>", x=cx - 12 * step, y=cy - 8 * step)
    view.canvas.event_generate("<ButtonRelease-1>", x=cx - 60, y=cy - 40)
    window.root.update()
    moved = view.box_on_canvas(picks[0])
    shift = (moved[0][0] - start[0][0], moved[0][1] - start[0][1])
    assert shift != (0, 0)
    assert all(
        (mx - sx, my - sy) == pytest.approx(shift)
        for (mx, my), (sx, sy) in zip(moved, start, strict=True)
    )
    check("after a drag")

    # The wheel scrolls; 100% shows image pixels one to one; Fit goes back.
    window.image_view.controls["actual"].invoke()
    assert view.zoom == 1.0 and not view.fitted
    view.zoom_to(4.0)
    check("at 400%")
    view.canvas.event_generate("<Button-5>", x=cx, y=cy)  # the wheel scrolls down
    window.root.update()
    check("after scrolling")
    window.image_view.controls["fit"].invoke()
    assert view.fitted

    # Rotated a quarter turn, each box still frames its (now sideways) text.
    window.image_view.controls["rotate"].invoke()
    assert view.rotation == 90
    check("rotated 90°")
    window.image_view.controls["rotate"].invoke()
    window.image_view.controls["rotate"].invoke()
    assert view.rotation == 270
    check("rotated 270°")
    # A click on a rotated box still picks its line.
    x, y = view.box_centre_on_screen(picks[1])
    view.canvas.event_generate(
        "<ButtonPress-1>", x=x - view.canvas.winfo_rootx(), y=y - view.canvas.winfo_rooty()
    )
    view.canvas.event_generate("<ButtonRelease-1>")
    window.root.update()
    assert view.selected == picks[1] and window.text_panel.selected == picks[1]


def test_edits_stay_with_the_result_and_are_exported(open_app, samples_dir, tmp_path,
                                                      default_engine):
    image = samples_dir / "rapidocr" / "ch_en_num.jpg"
    window = open_app([image, samples_dir / "rapidocr" / "short.png"])
    wait_done(window, 2)
    first = next(e for e in window.jobs.values() if e.name == "ch_en_num.jpg")
    window.show_job(first.job_id)
    text = window.text_panel.text
    original = window.text_panel.content
    recognised = [line.text for line in first.result.lines]

    # Ctrl+V in the text pane pastes text there (an image paste is for the queue).
    window.root.clipboard_clear()
    window.root.clipboard_append("EDITED BY HAND")
    text.focus_force()
    text.mark_set("insert", "1.end")
    text.event_generate("<Control-Key-v>", when="now")
    window.root.update()
    edited = window.text_panel.content
    assert edited.splitlines()[0] == recognised[0] + "EDITED BY HAND"
    assert len(window.jobs) == 2  # nothing was queued

    # What the user sees in the pane reads back as the edit.
    first_line = text.bbox("1.0"), text.dlineinfo("1.0")
    assert first_line[1] is not None
    _x, y, _w, h, _base = first_line[1]
    shot = grab(text, (0, max(y - 4, 0), text.winfo_width(), h + 8))
    read = " ".join(line.text for line in default_engine(shot).lines)
    assert "EDITED" in read.replace(" ", "").upper()

    # Showing another image and coming back keeps the edit, marked as such.
    other = next(e for e in window.jobs.values() if e.name == "short.png")
    window.show_job(other.job_id)
    window.show_job(first.job_id)
    assert window.text_panel.content == edited
    assert window.text_panel.subheader.cget("text").endswith(" · edited")

    window.text_panel.copy_button.invoke()
    assert window.root.clipboard_get() == edited
    out = {fmt: tmp_path / f"edited.{fmt}" for fmt in ("txt", "json", "csv")}
    for path in out.values():
        assert window.exports.export_to("current", path) == path
    assert out["txt"].read_text(encoding="utf-8") == edited + "\n"
    [record] = json.loads(out["json"].read_text(encoding="utf-8"))
    assert record["edited_text"] == edited
    assert [line["text"] for line in record["lines"]] == recognised  # as recognised
    with out["csv"].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["text"] == recognised[0] + "EDITED BY HAND" and rows[0]["x1"]

    # Undo my edits (Edit menu) brings back the recognition.
    edit_menu = window.menus["edit"]
    edit_menu.invoke(menu_index(edit_menu, "Undo my edits of this text"))
    window.root.update()
    assert window.text_panel.content == original
    assert first.edited_text is None
