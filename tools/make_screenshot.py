"""Takes the README's screenshots: the window after reading a sample, one line selected.

Run from the repository root:

    .venv/bin/python tools/make_screenshot.py                       # docs/screenshot.png
    .venv/bin/python tools/make_screenshot.py --language zh_CN --out docs/screenshot-zh.png

It starts an Xvfb of its own when no DISPLAY is set, uses a throw-away settings folder,
and needs xdotool and ImageMagick's `import`. The image read is `ch_en_num.jpg` from the
shared samples (DESKTOP_OCR_SAMPLES), with the bundled sample queued after it.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = Path(os.environ.get("DESKTOP_OCR_SAMPLES", REPO.parent / "shared" / "data" / "samples"))
logger = logging.getLogger("make_screenshot")


def take(out: Path, image: Path, line: int) -> None:
    from desktop_ocr.gui.app import open_window
    from desktop_ocr.resources import asset_path

    window = open_window()
    root = window.root
    root.geometry("1280x760+0+0")
    window.add_paths([asset_path("sample.png"), image])

    def pump(condition, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit("timed out waiting for the window")
            root.update()
            time.sleep(0.02)

    pump(lambda: window.searching == 0 and len(window.jobs) == 2)
    pump(lambda: all(e.state == "done" for e in window.jobs.values()))
    job = next(j for j, e in window.jobs.items() if e.source == image)
    window.show_job(job)
    window.select_line(line)
    end = time.monotonic() + 0.5
    pump(lambda: time.monotonic() > end)  # let a resize redraw settle
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "Desktop OCR$"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    subprocess.run(["import", "-window", found[0], str(out)], check=True)
    window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshot.png")
    parser.add_argument("--image", type=Path, default=SAMPLES / "rapidocr" / "ch_en_num.jpg")
    parser.add_argument("--line", type=int, default=2, help="the line to show selected")
    parser.add_argument("--language", default="en", help="en or zh_CN")
    parser.add_argument("--theme", default="light", help="light or dark")
    args = parser.parse_args()
    os.environ["DESKTOP_OCR_LANGUAGE"] = args.language
    os.environ["DESKTOP_OCR_THEME"] = args.theme
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.path.insert(0, str(REPO))
    from tools.virtual_display import ensure_display

    if not args.image.is_file():
        raise SystemExit(f"{args.image} not found (set DESKTOP_OCR_SAMPLES)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    xvfb = ensure_display()
    try:
        with tempfile.TemporaryDirectory() as config:
            os.environ["DESKTOP_OCR_CONFIG_DIR"] = config
            take(args.out, args.image, args.line)
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)
    logger.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
