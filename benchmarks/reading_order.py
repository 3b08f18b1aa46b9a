"""Reading order on born-digital pages: our layout order against line-by-line order.

The pages are benchmarks/doc_pages.py's (real prose from Debian's manual pages and
licences, in one, two and three columns, with headings and small tables, some made to
look scanned); their truth is the layout's own reading order, confirmed line by line by
the PDF's text layer. Each page image is read once by the engine; the same lines are then
put in two orders:

- layout: the engine's `pipeline.reading_order: layout` (columns in turn, paragraphs),
- lines: row by row across the page (`reading_order: lines`), what OCR gave before.

For each, the normalised edit distance of the page text against the truth (NFKC, no
whitespace; 0 is perfect). Recognition errors count in both alike, so the difference is
the order. Also: how many of the truth's paragraph breaks the layout found (a break is
found when the lines on both sides of it, read exactly, are in two paragraphs of ours).

Usage: python benchmarks/reading_order.py [--lang en,zh] [--limit N] [--out results.md]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.doc_pages import EN_PAGES, ZH_PAGES, Page, make_pages, reading_text  # noqa: E402
from benchmarks.docpages.truth import edit_distance  # noqa: E402
from desktop_ocr.engine import LoadedImage, OcrEngine, OcrResult, load_config  # noqa: E402
from desktop_ocr.engine.geometry import order_lines  # noqa: E402
from desktop_ocr.engine.results import paragraph_text  # noqa: E402


@dataclasses.dataclass
class Row:
    page: str
    lang: str
    columns: int
    table: bool
    scan: bool
    layout: float
    lines: float
    breaks: tuple[int, int]  # truth's paragraph breaks found by the layout, of all
    seconds: float


def paragraph_breaks(page: Page, result: OcrResult) -> tuple[int, int]:
    """(found, checked): the truth's breaks between blocks that our paragraphs also have.

    Lines are matched to the truth's by text (spaces ignored; a text that occurs twice
    is not used). A break is checked when the lines on both sides of it were read exactly
    as lines of their own, and found when they sit in different paragraphs of ours.
    """
    counts: dict[str, int] = {}
    ours: dict[str, int | None] = {}
    for line in result.lines:
        key = line.text.replace(" ", "")
        counts[key] = counts.get(key, 0) + 1
        ours[key] = line.paragraph
    found = checked = 0
    entries = list(zip(page.gt, page.order, strict=True))
    for (before, b_where), (after, a_where) in itertools.pairwise(entries):
        first, second = before["text"].replace(" ", ""), after["text"].replace(" ", "")
        once = counts.get(first) == 1 and counts.get(second) == 1
        if b_where["block"] == a_where["block"] or not once:
            continue
        checked += 1
        found += ours[first] != ours[second]
    return found, checked


def measure(engine: OcrEngine, page: Page, spec: object) -> Row:
    image = LoadedImage(np.ascontiguousarray(cv2.cvtColor(page.rgb, cv2.COLOR_RGB2BGR)), page.name)
    started = time.perf_counter()
    result = engine.run(image)
    seconds = time.perf_counter() - started
    truth = reading_text(page)
    boxes = np.array([ln.box for ln in result.lines]).reshape(-1, 4, 2)
    rows_first = [dataclasses.replace(result.lines[i], paragraph=None) for i in order_lines(boxes)]
    return Row(
        page.name,
        spec.lang,  # type: ignore[attr-defined]
        spec.columns,  # type: ignore[attr-defined]
        spec.table,  # type: ignore[attr-defined]
        spec.scan,  # type: ignore[attr-defined]
        edit_distance(result.page_text, truth),
        edit_distance(paragraph_text(rows_first), truth),
        paragraph_breaks(page, result),
        seconds,
    )


def tables(rows: list[Row]) -> str:
    out = [
        "| language | columns | pages | layout (ours) | line by line "
        "| paragraph breaks found (of checked) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for lang in ("en", "zh"):
        for columns in (1, 2, 3):
            group = [r for r in rows if r.lang == lang and r.columns == columns]
            if not group:
                continue
            found = sum(r.breaks[0] for r in group)
            total = sum(r.breaks[1] for r in group)
            out.append(
                f"| {'English' if lang == 'en' else 'Chinese'} | {columns} | {len(group)} "
                f"| {np.mean([r.layout for r in group]):.3f} "
                f"| {np.mean([r.lines for r in group]):.3f} | {found} of {total} |"
            )
    out += [
        "",
        "| page | columns | table | scanned | layout (ours) | line by line | breaks | OCR s |",
        "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        out.append(
            f"| {r.page} | {r.columns} | {'yes' if r.table else ''} | {'yes' if r.scan else ''} "
            f"| {r.layout:.3f} | {r.lines:.3f} | {r.breaks[0]}/{r.breaks[1]} | {r.seconds:.1f} |"
        )
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en,zh", help="en, zh or both (default)")
    parser.add_argument("--limit", type=int, help="pages per language (default: all)")
    parser.add_argument("--config", default=str(REPO / "configs" / "config.yaml"))
    parser.add_argument("--out", type=Path, help="also write the tables (Markdown) here")
    args = parser.parse_args()

    config = load_config(args.config)
    config = dataclasses.replace(
        config, pipeline=dataclasses.replace(config.pipeline, reading_order="layout")
    )
    engine = OcrEngine(config)
    rows: list[Row] = []
    for lang in args.lang.split(","):
        specs = list(EN_PAGES if lang == "en" else ZH_PAGES)[: args.limit]
        for page, spec in zip(make_pages(specs, seed=f"order-{lang}"), specs, strict=True):
            rows.append(measure(engine, page, spec))
            row = rows[-1]
            print(f"{row.page}: layout {row.layout:.3f}, lines {row.lines:.3f}", flush=True)
    text = tables(rows)
    print("\nnormalised edit distance of the page text against the truth (0 = same)\n" + text)
    if args.out:
        args.out.write_text(
            f"# Reading order\n\n`python benchmarks/reading_order.py --lang {args.lang}"
            + (f" --limit {args.limit}" if args.limit else "")
            + f"`, config `{Path(args.config).name}`; pages from benchmarks/doc_pages.py; "
            "normalised edit distance of the page text against the truth "
            "(NFKC, whitespace removed; 0 = identical).\n\n" + text,
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
