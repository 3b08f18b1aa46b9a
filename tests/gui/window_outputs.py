"""The window writing its files as a user does, in a process of its own, and what it shows.

Run as `python -m tests.gui.window_outputs SCENARIO TARGET [IMAGES]` (by
tests/gui/test_output_paths.py, through setpriv so that file permissions apply as they
do to a user); prints one JSON object: the message dialogs that opened, the status bar's
message, and the benchmark window's status.

Scenarios:
- export-current, export-all: read IMAGES, then File > Export through Tk's save dialog,
  typing TARGET (and confirming the overwrite of the file already there);
  export-to-current, export-to-all: the same with TARGET handed over as the system's
  own save dialog (Windows, macOS) would, without Tk's dialog looking at the folder;
- bench-export, bench-export-to: run the benchmark on the folder IMAGES, then Export…
  to TARGET, through Tk's dialog or handed over;
- settings: Settings…, change the CPU threads, Apply (TARGET is unused);
- startup: open the window and read nothing (the settings are read at start).
"""

from __future__ import annotations

import json
import sys
import time
import tkinter as tk
from pathlib import Path
from typing import Any

TIMEOUT_S = 240


def pump(root: tk.Misc, until: Any, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not until():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        root.update()
        time.sleep(0.01)
    root.update()


TK_MESSAGES: list[str] = []  # what Tk's own message boxes said, over its file dialog


def answer_save_dialog(root: tk.Misc, parent: str, target: str) -> None:
    """Types `target` into Tk's save dialog over `parent` and confirms any overwrite.

    Any other message box Tk's dialog shows is noted in TK_MESSAGES and closed, and the
    dialog cancelled: a user would give up there.
    """
    dialog = (parent.rstrip(".") or "") + ".__tk_filedialog"
    state = "::tk::dialog::file::__tk_filedialog"

    def fill(left: int = 400) -> None:
        if not int(root.tk.call("winfo", "exists", dialog)) or not int(
            root.tk.call("winfo", "ismapped", dialog)
        ):
            if left:
                root.after(50, fill, left - 1)
            return
        entry = root.tk.eval(f"set {state}(ent)")
        root.tk.call(entry, "delete", 0, "end")
        root.tk.call(entry, "insert", 0, target)
        root.after(50, confirm, 100)
        root.tk.call(root.tk.eval(f"set {state}(okBtn)"), "invoke")

    def confirm(left: int) -> None:
        box = dialog + ".__tk__messagebox"
        if int(root.tk.call("winfo", "exists", box)):
            text = root.tk.eval(f"{box}.msg cget -text")
            if int(root.tk.call("winfo", "exists", box + ".yes")):
                root.tk.call(box + ".yes", "invoke")  # overwrite the file there: yes
                return
            TK_MESSAGES.append(text)
            root.tk.call(box + ".ok", "invoke")
            root.after(50, cancel, 100)
        elif left:
            root.after(50, confirm, left - 1)

    def cancel(left: int) -> None:
        if int(root.tk.call("winfo", "exists", dialog)):
            root.tk.call(root.tk.eval(f"set {state}(cancelBtn)"), "invoke")
        elif left:
            root.after(50, cancel, left - 1)

    root.after(100, fill)


def seen(window: Any, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    window.root.update()
    dialogs = [
        {"heading": d.heading_text, "body": d.body_text, "title": d.title()}
        for d in window.dialogs
        if d.winfo_exists() and hasattr(d, "heading_text")
    ]
    out = {
        "dialogs": dialogs,
        "status": window.status.text_of("message"),
        "tk_messages": TK_MESSAGES,
    }
    out.update(extra or {})
    return out


def main() -> int:
    scenario, target = sys.argv[1], sys.argv[2]
    images = [Path(p) for p in sys.argv[3:]]
    from desktop_ocr.gui.app import open_window

    window = open_window()
    root = window.root
    root.update()
    try:
        if scenario.startswith("export-"):
            window.add_paths(images)
            pump(root, lambda: len(window.jobs) == len(images) and all(
                e.state == "done" for e in window.jobs.values()), "the images to be read")
            scope = scenario.rsplit("-", 1)[1]
            if scenario.startswith("export-to-"):  # as a system's own dialog hands it over
                window.exports.export_to(scope, target)
            else:
                answer_save_dialog(root, ".", target)
                window.exports.export_dialog(scope)
            result = seen(window)
        elif scenario.startswith("bench-export"):
            bench = window.open_benchmark()
            bench.folder_var.set(str(images[0]))
            bench.device_vars["cuda"].set(False)
            bench.start()
            pump(root, lambda: bench.report is not None and not bench.running, "the benchmark")
            if scenario == "bench-export-to":
                bench.export_to(target)
            else:
                answer_save_dialog(root, str(bench), target)
                bench.export()
            result = seen(window, {"benchmark": bench.status_var.get()})
        elif scenario == "settings":
            pump(root, lambda: window.providers is not None, "the engine")
            dialog = window.open_settings()
            dialog.vars["runtime.intra_op_threads"].set("1")
            dialog.apply_button.invoke()
            result = seen(window)
        else:
            result = seen(window)
    finally:
        window.close()
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
