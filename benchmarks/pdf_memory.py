"""Resident memory while a long PDF is read page by page: it must stay flat.

Writes a PDF of N pages (text in two columns, no images), then renders every page at
the OCR DPI through the page source the worker and `desktop-ocr ocr` use, reading RSS
every 20 pages. With --ocr the engine also reads each page (slow: seconds a page).

With --window the PDF is dropped on the real window instead (under Xvfb when no
DISPLAY is set): a row per page, each page rendered, its text taken from the text layer
(or read with --ocr), shown as it comes, and kept with its result for the exports.

Usage: python benchmarks/pdf_memory.py [--pages 200] [--dpi 200] [--ocr] [--window]
Prints RSS by page and the growth between page 20 and the last one.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.memory_soak import rss_mb  # noqa: E402
from desktop_ocr.engine.pages import PageOptions, open_pages  # noqa: E402


def write_long_pdf(path: Path, pages: int, rows: int = 60) -> Path:
    """A PDF of `pages` pages of two columns of `rows` lines (fast to make, like a report)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path), pagesize=A4)
    for n in range(pages):
        for column in range(2):
            text = page.beginText(56 + column * 250, 780)
            text.setFont("Times-Roman", 10)
            for row in range(rows):
                text.textLine(f"Page {n + 1}, column {column + 1}, line {row + 1}: the river rose.")
            page.drawText(text)
        page.showPage()
    page.save()
    return path


def measure(path: Path, dpi: float, ocr: bool, every: int = 20) -> list[tuple[int, float]]:
    """(pages read, RSS MB) after every `every` pages."""
    engine = None
    if ocr:
        from desktop_ocr.engine import OcrEngine, load_config
        from desktop_ocr.engine.pages import read_page

        engine = OcrEngine(load_config(REPO / "configs" / "config.yaml"))
    readings = [(0, rss_mb())]
    with open_pages(path, PageOptions(dpi=dpi, text_layer=False)) as source:
        for index in range(source.page_count):
            page = source.page(index)
            if engine is not None:
                read_page(engine, page)
            del page
            if (index + 1) % every == 0 or index + 1 == source.page_count:
                readings.append((index + 1, rss_mb()))
    return readings


def measure_window(path: Path, ocr: bool, every: int = 20) -> list[tuple[int, float]]:
    """(pages done, RSS MB) every `every` pages while the window reads the PDF."""
    from desktop_ocr.gui.app import open_window

    window = open_window()
    root = window.root
    try:
        settings = {"text_layer": False} if ocr else {}
        if settings:
            config = window.worker.config
            window.worker.reconfigure(
                dataclasses.replace(config, documents=dataclasses.replace(
                    config.documents, **settings))
            )  # fmt: skip
        window.add_paths([path])
        readings = [(0, rss_mb())]
        while True:
            root.update()
            states = [e.state for e in window.jobs.values()]
            done = sum(s in ("done", "failed") for s in states)
            if done >= readings[-1][0] + every or (states and done == len(states)):
                readings.append((done, rss_mb()))
                if done == len(states):
                    return readings
            time.sleep(0.005)
    finally:
        window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--dpi", type=float, default=200.0)
    parser.add_argument("--ocr", action="store_true", help="also OCR every page")
    parser.add_argument("--window", action="store_true", help="read it in the window")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = write_long_pdf(Path(tmp) / "long.pdf", args.pages)
        started = time.perf_counter()
        if args.window:
            from tools.virtual_display import ensure_display

            os.environ.setdefault("DESKTOP_OCR_CONFIG_DIR", str(Path(tmp) / "config"))
            xvfb = ensure_display()
            try:
                readings = measure_window(pdf, args.ocr)
            finally:
                if xvfb is not None:
                    xvfb.terminate()
        else:
            readings = measure(pdf, args.dpi, args.ocr)
        seconds = time.perf_counter() - started
    for pages, mb in readings:
        print(f"after {pages:4d} pages: {mb:7.1f} MB")
    first = next(mb for pages, mb in readings if pages >= 20)
    last = readings[-1][1]
    peak = max(mb for _, mb in readings)
    print(
        f"{args.pages} pages at {args.dpi:.0f} dpi in {seconds:.1f} s: "
        f"RSS page 20 {first:.1f} MB -> last {last:.1f} MB ({last - first:+.1f} MB), "
        f"peak {peak:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
