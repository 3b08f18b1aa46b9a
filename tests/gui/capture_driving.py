"""Driving screen captures in tests: a window of known text, the clipboard, drags with xdotool."""

from __future__ import annotations

import shutil
import subprocess
import time
import tkinter as tk
from dataclasses import dataclass

import pytest

from tests.gui.driving import pump, xdotool

# Text as real interfaces draw it: 12 to 16 px, English and Chinese, black on white.
TEXT_LINES = (
    ("Invoice number 20481 is due on 14 March", ("DejaVu Sans", -16)),
    ("请在三月十四日之前付款", ("WenQuanYi Micro Hei", -16)),
    ("Total amount 356.20 EUR", ("DejaVu Sans", -14)),
    ("订单已发货，预计三天内送达", ("WenQuanYi Micro Hei", -14)),
    ("Thank you for your order", ("DejaVu Sans", -12)),
    ("设置已保存", ("WenQuanYi Micro Hei", -12)),
)
EXPECTED_TEXT = "\n".join(text for text, _font in TEXT_LINES)


@dataclass(frozen=True)
class TextWindow:
    """A window of known text on the screen, and where its text lies."""

    top: tk.Toplevel
    left: int
    top_y: int
    width: int
    height: int


def show_text_window(
    root: tk.Misc, left: int = 100, top: int = 120, width: int = 620, height: int = 250
) -> TextWindow:
    """A borderless white window at a known place with TEXT_LINES, one under the other."""
    window = tk.Toplevel(root)
    window.overrideredirect(True)
    window.geometry(f"{width}x{height}+{left}+{top}")
    window.configure(background="white")
    y = 20
    for text, font in TEXT_LINES:
        label = tk.Label(window, text=text, font=font, background="white", foreground="black")
        label.place(x=24, y=y)
        y += 36
    window.update()
    pump(root, lambda: window.winfo_ismapped() and window.winfo_rootx() == left, 10, "text")
    return TextWindow(window, left, top, width, height)


def need_clipboard_tools() -> None:
    for tool in ("xdotool", "xclip"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install {tool})")


def clipboard() -> str:
    done = subprocess.run(
        ["xclip", "-selection", "clipboard", "-out"],
        capture_output=True,
        timeout=10,
        check=False,
    )
    return done.stdout.decode("utf-8") if done.returncode == 0 else ""


def set_clipboard(text: str) -> None:
    """Puts `text` on the clipboard and makes sure it stays there.

    The copy of an earlier capture is handed to xclip in the background; on a busy
    machine it may land after this, so the text is set again until it holds.
    """
    for _ in range(10):
        subprocess.run(
            ["xclip", "-selection", "clipboard", "-in"],
            input=text.encode("utf-8"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=10,
            check=True,
        )
        time.sleep(0.3)
        if clipboard() == text:
            return
    raise AssertionError(f"the clipboard does not keep {text!r}")


def drag(x0: int, y0: int, x1: int, y1: int) -> None:
    """Presses at one corner, moves in steps as a hand would, releases at the other."""
    xdotool("mousemove", str(x0), str(y0))
    xdotool("mousedown", "1")
    for step in (1, 2, 3):
        xdotool("mousemove", str(x0 + (x1 - x0) * step // 4), str(y0 + (y1 - y0) * step // 4))
    xdotool("mousemove", str(x1), str(y1))
    xdotool("mouseup", "1")


def overlay_shown(capture) -> bool:
    overlay = capture.overlay
    return bool(
        overlay is not None
        and overlay.screens
        and all(s.top.winfo_ismapped() and s.top.winfo_viewable() for s in overlay.screens)
    )
