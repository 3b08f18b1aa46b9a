"""Reading order on born-digital pages: our layout order against line-by-line order.

Pages in one, two and three columns, Chinese and English, are generated with reportlab
(benchmarks/column_pdfs.py); their text layer is the truth. Each page is rendered at the
OCR DPI and read once by the engine; the same lines are then put in two orders:

- layout: the engine's `pipeline.reading_order: layout` (columns in turn, paragraphs),
- lines: row by row across the page (`reading_order: lines`), what OCR gave before.

For each, the normalised edit distance of the page text against the truth (NFKC, no
whitespace; 0 is perfect). Recognition errors count in both alike, so the difference is
the order.

Usage: python benchmarks/reading_order.py [--pages 2] [--dpi 200] [--out results.md]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.column_pdfs import cjk_font_file, edit_distance, make_pdf  # noqa: E402
from desktop_ocr.engine import OcrEngine, load_config  # noqa: E402
from desktop_ocr.engine.geometry import order_lines  # noqa: E402
from desktop_ocr.engine.pages import PageOptions, open_pages  # noqa: E402
from desktop_ocr.engine.results import paragraph_text  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2, help="pages per document")
    parser.add_argument("--dpi", type=float, default=200.0)
    parser.add_argument("--config", default=str(REPO / "configs" / "config.yaml"))
    parser.add_argument("--out", type=Path, help="also write the table (Markdown) here")
    args = parser.parse_args()

    config = load_config(args.config)
    config = dataclasses.replace(
        config, pipeline=dataclasses.replace(config.pipeline, reading_order="layout")
    )
    engine = OcrEngine(config)
    languages = ["en", "zh"] if cjk_font_file() else ["en"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for language in languages:
            for columns in (1, 2, 3):
                doc = make_pdf(
                    Path(tmp) / f"{language}_{columns}.pdf",
                    language=language,
                    columns=columns,
                    pages=args.pages,
                )
                options = PageOptions(dpi=args.dpi, text_layer=False)
                ours, lines_order, seconds = [], [], 0.0
                with open_pages(doc.path, options) as source:
                    for page, truth in zip(source, doc.pages, strict=True):
                        started = time.perf_counter()
                        result = engine.run(page.image)
                        seconds += time.perf_counter() - started
                        ours.append(edit_distance(result.page_text, truth))
                        boxes = np.array([ln.box for ln in result.lines]).reshape(-1, 4, 2)
                        rows_first = [
                            dataclasses.replace(result.lines[i], paragraph=None)
                            for i in order_lines(boxes)
                        ]
                        lines_order.append(edit_distance(paragraph_text(rows_first), truth))
                rows.append((language, columns, len(doc.pages), ours, lines_order, seconds))
                print(
                    f"{language} {columns} col: layout {np.mean(ours):.3f}, "
                    f"lines {np.mean(lines_order):.3f}",
                    flush=True,
                )
    table = [
        "| pages | columns | layout (ours) | line by line | pages read | OCR s/page |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for language, columns, count, ours, lines_order, seconds in rows:
        name = "English" if language == "en" else "Chinese"
        table.append(
            f"| {name} | {columns} | {np.mean(ours):.3f} | {np.mean(lines_order):.3f} "
            f"| {count} | {seconds / count:.1f} |"
        )
    text = "\n".join(table) + "\n"
    print("\nnormalised edit distance of the page text against the text layer (0 = same)\n" + text)
    if args.out:
        args.out.write_text(
            f"# Reading order\n\n`python benchmarks/reading_order.py --pages {args.pages} "
            f"--dpi {args.dpi:.0f}`, config `{Path(args.config).name}`; "
            "normalised edit distance of the page text against the text layer "
            "(NFKC, whitespace removed; 0 = identical).\n\n" + text,
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
