"""Takes docs/capture-overlay.png: the capture overlay while a rectangle is being dragged.

Run from the repository root: `.venv/bin/python tools/make_capture_screenshot.py`. It
starts an Xvfb of its own (1280x800) when no DISPLAY is set, and needs xdotool. On the
screen: a photo of text from the shared samples (`ch_en_num.jpg`, DESKTOP_OCR_SAMPLES)
in one window and a dialog of interface text in another; the drag is over the dialog.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import tkinter as tk
from pathlib import Path

from PIL import Image, ImageTk

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SAMPLES = Path(os.environ.get("DESKTOP_OCR_SAMPLES", REPO.parent / "shared" / "data" / "samples"))

DIALOG = (
    ("Payment reminder", ("DejaVu Sans", -18, "bold")),
    ("Invoice number 20481 is due on 14 March", ("DejaVu Sans", -15)),
    ("请在三月十四日之前付款", ("WenQuanYi Micro Hei", -15)),
    ("Total amount 356.20 EUR", ("DejaVu Sans", -14)),
    ("订单已发货，预计三天内送达", ("WenQuanYi Micro Hei", -14)),
)


def pump(root: tk.Misc, until, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        root.update()
        time.sleep(0.01)


def desktop(root: tk.Tk) -> list:
    """A photo viewer and a dialog, placed as on a desktop; returns images to keep alive."""
    root.configure(background="#2b3440")
    photo_window = tk.Toplevel(root, background="#f0f0f0")
    photo_window.overrideredirect(True)
    image = Image.open(SAMPLES / "rapidocr" / "ch_en_num.jpg").convert("RGB")
    image.thumbnail((560, 560))
    photo = ImageTk.PhotoImage(image, master=photo_window)
    tk.Label(photo_window, image=photo, borderwidth=0).pack(padx=8, pady=8)
    photo_window.geometry("+60+80")
    dialog = tk.Toplevel(root, background="white")
    dialog.overrideredirect(True)
    dialog.geometry("560x260+660+300")
    for i, (text, font) in enumerate(DIALOG):
        tk.Label(dialog, text=text, font=font, background="white").place(x=28, y=24 + 40 * i)
    wallpaper = tk.Toplevel(root, background="#2b3440")
    wallpaper.overrideredirect(True)
    wallpaper.geometry(f"{root.winfo_screenwidth()}x{root.winfo_screenheight()}+0+0")
    wallpaper.lower()
    for window in (wallpaper, photo_window, dialog):
        pump(root, window.winfo_ismapped)
    photo_window.lift()
    dialog.lift()
    root.update()
    return [photo]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "capture-overlay.png")
    args = parser.parse_args()
    from tools.virtual_display import start_xvfb

    xvfb = None
    if not os.environ.get("DISPLAY"):
        xvfb, name = start_xvfb("1280x800x24")
        os.environ["DISPLAY"] = name
    from desktop_ocr.gui.capture_flow import RegionCapture
    from desktop_ocr.services.capture import grab_screen

    root = tk.Tk()
    root.withdraw()
    keep = desktop(root)
    capture = RegionCapture(
        root, on_region=lambda _r: None, on_cancel=lambda: None, on_unavailable=print
    )
    capture.start()
    pump(root, lambda: capture.overlay is not None)
    root.update()
    for args_ in (("mousemove", "678", "352"), ("mousedown", "1"), ("mousemove", "900", "450"),
                  ("mousemove", "1138", "518")):  # fmt: skip
        subprocess.run(["xdotool", *args_], check=True)
        pump(root, lambda: True)
    end = time.monotonic() + 0.5
    pump(root, lambda: time.monotonic() > end)
    shot = grab_screen().shots[0].image
    subprocess.run(["xdotool", "mouseup", "1"], check=True)
    pump(root, lambda: capture.overlay is None)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    shot.save(args.out, optimize=True)
    sys.stdout.write(f"{args.out}\n")
    del keep
    root.destroy()
    if xvfb is not None:
        xvfb.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
