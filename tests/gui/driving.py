"""Driving the real window in tests: run its event loop until something shows, answer dialogs."""

from __future__ import annotations

import shutil
import subprocess
import time
import tkinter as tk
from collections.abc import Callable

import pytest

TIMEOUT_S = 240


def pump(
    root: tk.Misc, until: Callable[[], object], timeout: float = TIMEOUT_S, what: str = ""
) -> None:
    """Runs the Tk loop until `until()` is true, as the app's mainloop would."""
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what or 'the window'}")
        root.update()
        time.sleep(0.01)
    root.update()


def pump_for(root: tk.Misc, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        root.update()
        time.sleep(0.01)


def toplevels(root: tk.Misc) -> list[tk.Misc]:
    return [w for w in root.winfo_children() if isinstance(w, tk.Toplevel)]


def answer_file_dialog(root: tk.Misc, paths: list[str], *, attempts: int = 400) -> None:
    """Schedules typing `paths` into Tk's own open-file dialog and pressing Open.

    Call it before opening the dialog: the dialog runs its own event loop, which runs
    the scheduled callback; that fills the dialog's entry and invokes its Open button.
    """
    text = " ".join("{" + p + "}" for p in paths) if len(paths) > 1 else paths[0]

    def attempt(left: int) -> None:
        dialog = ".__tk_filedialog"
        if not int(root.tk.call("winfo", "exists", dialog)) or not int(
            root.tk.call("winfo", "ismapped", dialog)
        ):
            if left:
                root.after(50, attempt, left - 1)
            return
        # tkfbox.tcl keeps its widgets in the array named after the dialog window.
        state = "::tk::dialog::file::__tk_filedialog"
        entry = root.tk.eval(f"set {state}(ent)")
        ok = root.tk.eval(f"set {state}(okBtn)")
        root.tk.call(entry, "delete", 0, "end")
        root.tk.call(entry, "insert", 0, text)
        root.tk.call(ok, "invoke")

    root.after(100, attempt, attempts)


def need_xdotool() -> None:
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (apt-get install xdotool)")


def xdotool(*args: str, timeout: float = 30) -> str:
    done = subprocess.run(
        ["xdotool", *args], check=True, timeout=timeout, capture_output=True, text=True
    )
    return done.stdout.strip()


def simulate_drop(widget: tk.Misc, paths: list[str]) -> None:
    """A drop through tkdnd's own Tcl handlers, as its XDND code calls them."""
    tk_ = widget.tk
    widget.update()
    x = widget.winfo_rootx() + widget.winfo_width() // 2
    y = widget.winfo_rooty() + widget.winfo_height() // 2
    tk_.call("tkdnd::generic::SetDroppedData", tuple(paths))
    tk_.call("tkdnd::generic::HandleEnter", widget, "source", ("text/uri-list",), (), ("copy",), ())
    tk_.call("tkdnd::generic::HandlePosition", widget, "source", (), x, y, "copy", 0)
    tk_.call("tkdnd::generic::HandleDrop", widget, "source", (), x, y, 0)


def messages_shown(window) -> list[str]:
    """Every status bar message from now on, in order (the list grows as they come).

    A message can be replaced within the same moment (a queued file that starts or fails
    at once), so a test looks for it among all of them rather than in the bar afterwards.
    """
    shown: list[str] = []
    show = window.status.set_message

    def keep(text: str, *, warning: bool = False) -> None:
        shown.append(text)
        show(text, warning=warning)

    window.status.set_message = keep
    return shown


def wait_queued(window, timeout: float = 60) -> None:
    """Runs the loop until every folder search the window started has been queued."""
    pump(window.root, lambda: window.searching == 0, timeout, "the images to be queued")


def grab(widget: tk.Misc, box: tuple[int, int, int, int] | None = None):
    """A screenshot (PIL RGB) of `widget`, or of `box` (x, y, w, h) inside it, as drawn."""
    import os

    from PIL import ImageGrab

    widget.update()
    x0, y0 = widget.winfo_rootx(), widget.winfo_rooty()
    if box is None:
        box = (0, 0, widget.winfo_width(), widget.winfo_height())
    x, y, w, h = box
    bbox = (x0 + x, y0 + y, x0 + x + w, y0 + y + h)
    return ImageGrab.grab(bbox=bbox, xdisplay=os.environ["DISPLAY"]).convert("RGB")


def ink(picture, threshold: int = 110) -> int:
    """How many pixels of a screenshot are dark (text drawn on a light background)."""
    import numpy as np

    return int((np.asarray(picture.convert("L")) < threshold).sum())


def wait_done(window, count: int = 1, timeout: float = TIMEOUT_S) -> None:
    pump(
        window.root,
        lambda: sum(e.state in ("done", "failed") for e in window.jobs.values()) >= count,
        timeout,
        what=f"{count} image(s) to be read",
    )


def menu_bar(root: tk.Misc):
    """A screenshot of the window's menu bar (on X11 it is drawn above the window's area)."""
    import os

    from PIL import ImageGrab

    root.update()
    top = root.winfo_rooty()
    height = max(int(root.tk.call("winfo", "reqheight", root["menu"])), 20)
    x = root.winfo_rootx()
    bbox = (x, max(top - height, 0), x + root.winfo_width(), top)
    return ImageGrab.grab(bbox=bbox, xdisplay=os.environ["DISPLAY"]).convert("RGB")


def canvas_texts(view) -> list[str]:
    """The texts the image view draws (a message such as "Preparing …"), in order."""
    canvas = view.canvas
    return [canvas.itemcget(i, "text") for i in canvas.find_all() if canvas.type(i) == "text"]
