"""The benchmark window in a real Tk window on an X display, driven with the mouse and keys."""

from __future__ import annotations

import subprocess

import pytest

from tests.gui.driving import need_xdotool, pump, xdotool

pytestmark = pytest.mark.gui


@pytest.fixture
def root(display):
    import gc
    import tkinter as tk

    need_xdotool()
    # Earlier tests' windows hold Tcl interpreters: free them here, on the thread that made
    # them. The benchmark's thread collects garbage too, and Tcl aborts the process when
    # one of them is freed there.
    gc.collect()
    window = tk.Tk()
    window.geometry("120x80+1460+900")  # out of the dialog's way: there is no window manager
    window.update()
    yield window
    window.destroy()
    gc.collect()


def click(root, widget) -> None:
    """A real left click in the middle of `widget`, through the X server."""
    root.update()
    x = widget.winfo_rootx() + widget.winfo_width() // 2
    y = widget.winfo_rooty() + widget.winfo_height() // 2
    # No --sync: it waits for a pointer motion that never comes when already there.
    xdotool("mousemove", str(x), str(y), "click", "1")
    root.update()


def cells(tree) -> list[list[str]]:
    return [[str(v) for v in tree.item(item, "values")] for item in tree.get_children()]


def test_start_progress_cancel_export(root, samples_dir, tmp_path):
    from desktop_ocr.gui.benchmark_dialog import BenchmarkDialog

    dialog = BenchmarkDialog(root, folder=samples_dir, devices=("cpu",), warmup=0)
    dialog.geometry("+0+0")
    pump(root, lambda: dialog.winfo_viewable())

    click(root, dialog.start_button)
    pump(root, lambda: str(dialog.start_button.cget("state")) == "disabled", 30)
    assert str(dialog.cancel_button.cget("state")) == "normal"

    # The progress bar, the count and the table advance while the window stays live.
    pump(root, lambda: len(dialog.images_tree.get_children()) >= 2)
    assert float(dialog.progress.cget("value")) >= 2
    assert float(dialog.progress.cget("maximum")) == 31
    assert "/ 31 images" in dialog.count_var.get()
    assert "left" in dialog.count_var.get()

    click(root, dialog.cancel_button)
    pump(root, lambda: dialog.report is not None)
    report = dialog.report
    assert report.cancelled
    (run,) = report.runs
    measured = len(run.rows)
    assert 2 <= measured < 31
    # Cancel keeps the rows measured so far: in the table, the chart and the summary.
    rows = cells(dialog.images_tree)
    assert len(rows) == measured
    assert [r[2] for r in rows] == [row.name for row in run.rows]
    assert dialog.chart.bar_count == measured
    assert "Cancelled" in dialog.status_var.get()
    timings = {r[0]: r[1:] for r in cells(dialog.timings_tree)}
    assert timings["Providers"] == ["CPUExecutionProvider"]
    assert timings["Images"] == [f"{measured} of 31 (cancelled)"]
    assert float(timings["Total (s)"][0]) == pytest.approx(
        sum(r.total_ms for r in run.rows) / 1000, abs=0.001
    )
    machine = dict((r[0], r[1]) for r in cells(dialog.machine_tree))
    assert "onnxruntime" in machine["onnxruntime"] and machine["CPU"]
    assert str(dialog.start_button.cget("state")) == "normal"

    # Pointing at a bar names the image and its time.
    dialog.notebook.select(0)
    root.update()
    bar = next(iter(dialog.chart._bars))
    x0, y0, x1, y1 = dialog.chart.bbox(bar)
    xdotool(
        "mousemove",
        "--sync",
        str(dialog.chart.winfo_rootx() + (x0 + x1) // 2),
        str(dialog.chart.winfo_rooty() + max(y1 - 3, y0)),
    )
    pump(root, lambda: dialog.hover_var.get() != "", 10)
    assert run.rows[0].name in dialog.hover_var.get() and " ms " in dialog.hover_var.get()

    shot = tmp_path / "benchmark-dialog.png"
    subprocess.run(["import", "-window", "root", str(shot)], check=False, timeout=30)

    # Export through the real file dialog: type the name, press Return.
    target = tmp_path / "out" / "partial report.md"
    target.parent.mkdir()

    def fill_in_save_dialog() -> None:
        name = str(dialog) + ".__tk_filedialog"
        if not root.tk.call("winfo", "exists", name) or not root.tk.call("winfo", "viewable", name):
            root.after(200, fill_in_save_dialog)
            return
        x = int(root.tk.call("winfo", "rootx", name)) + 60
        y = int(root.tk.call("winfo", "rooty", name)) + 60
        xdotool("mousemove", "--sync", str(x), str(y))
        xdotool("type", "--delay", "20", str(target))
        xdotool("key", "Return")

    root.after(300, fill_in_save_dialog)
    click(root, dialog.export_button)
    pump(root, target.exists, 60)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# OCR benchmark")
    assert "**Cancelled**" in text
    image_table = text.split("## Images: CPU")[1].strip().splitlines()
    assert len([line for line in image_table if line.startswith("| ")]) == 1 + measured
    assert f"Saved {target}" in dialog.status_var.get()

    click(root, dialog.copy_button)
    assert root.clipboard_get() == text

    dialog.close()
    root.update()


def test_start_without_a_folder_says_what_is_missing(root, tmp_path):
    from desktop_ocr.gui.benchmark_dialog import BenchmarkDialog

    dialog = BenchmarkDialog(root)
    dialog.geometry("+0+0")
    pump(root, lambda: dialog.winfo_viewable())
    click(root, dialog.start_button)
    assert "Choose a folder" in dialog.status_var.get()
    assert str(dialog.start_button.cget("state")) == "normal"

    empty = tmp_path / "no images"
    empty.mkdir()
    (empty / "notes.txt").write_text("not an image")
    dialog.folder_var.set(str(empty))
    click(root, dialog.start_button)
    pump(root, lambda: str(dialog.start_button.cget("state")) == "normal", 60)
    assert "no image files found" in dialog.status_var.get()
    assert str(dialog.export_button.cget("state")) == "disabled"
    dialog.close()
    root.update()
