"""Document pages with exact truth: born-digital PDFs rendered to images, Chinese and English.

    python benchmarks/doc_pages.py [--out benchmarks/data] [--pages-zh 12] [--pages-en 8]
        [--lines-zh 300] [--lines-en 150]

Writes, in the dev-set format that ../shared/tools/score.py reads:

- `doc_zh/`, `doc_en/`: page images (`clean__*.png`, and `scan__*.jpg` for pages made to look
  scanned or photographed) and `gt.json`, `{file: [{"points", "text", "ignore": false}]}`
  with one entry per text line as laid out (a table cell counts as a line), the box tight
  around the line's glyphs in page pixels, entries in reading order. `order.json` has one
  entry per gt entry, `{"column", "block", "kind", "line", "cell"}`: the column (null for a
  title across all columns), the block (title, heading, paragraph or table, numbered in
  reading order; a paragraph keeps its number across a column break), the line's index in
  its block (a table's row) and a table cell's column.
- `lines_zh/`, `lines_en/`: text-line crops cut from those pages with a few pixels of page
  around them, and `labels.json`, `{file: text}` (recognition only). Crops from scanned
  pages are named `scan_*`, the others `clean_*`, so score.py reports the two apart.
- `doc_*/pdf/`: the PDFs the pages were rendered from; `manifest.json`: package versions.

As a library: `make_pages(specs)` makes pages in memory, `reading_text(page)` is a page's
text in reading order (blank rows between blocks), and `write_pdf(pages, path)` puts pages
in one PDF, born-digital or (`scanned=True`) as images only, for the reading-order
benchmark and the document tests (`TWO_COLUMNS` has a two-column page per language).

The PDFs are written with reportlab (BSD; it embeds TrueType fonts, and faces of TTC
collections, as subsets, and lets each line be placed and spaced exactly) and rendered at
150-200 DPI with pypdfium2, whose text page gives every character and its glyph box: the
truth is read back from the PDF, never assumed from the layout. Everything is seeded, so
the same Debian packages give the same pages.

Text (real prose, see docpages/text_sources.py): Chinese from the Simplified Chinese man
pages of `manpages-zh` (with English option names, numbers and full-width punctuation);
English from the licences in /usr/share/common-licenses (`base-files`) and the section 5
and 7 man pages of `manpages`. Only the numbers in the small tables are made up.

Debian packages needed: manpages-zh manpages fonts-dejavu-core fonts-liberation
fonts-freefont-ttf fonts-wqy-microhei fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2
import numpy as np
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from benchmarks.docpages.degrade import crop_line, degrade, move_quad, random_effects
from benchmarks.docpages.layout import FONTS, PageSpec, fill_page, page_size
from benchmarks.docpages.text_sources import Document, chinese_documents, english_documents
from benchmarks.docpages.truth import read_page

logger = logging.getLogger(__name__)

DEFAULT_OUT = Path(__file__).resolve().parent / "data"
PACKAGES = (
    "manpages-zh",
    "manpages",
    "base-files",
    "fonts-dejavu-core",
    "fonts-liberation",
    "fonts-freefont-ttf",
    "fonts-wqy-microhei",
    "fonts-wqy-zenhei",
    "fonts-arphic-uming",
    "fonts-arphic-ukai",
)
VERSION = 1  # bump when the pages change for the same packages

_S = PageSpec
ZH_PAGES = (
    _S("zh", "A4", 150, 1, "WenQuanYiMicroHei", "WenQuanYiZenHei", 11, True),
    _S("zh", "A4", 150, 2, "ARPLUMingCN", "WenQuanYiMicroHei", 9, True),
    _S("zh", "Letter", 150, 3, "WenQuanYiZenHei", "WenQuanYiMicroHei", 8, False),
    _S("zh", "A4", 200, 1, "ARPLUKaiCN", "WenQuanYiZenHei", 14, False),
    _S("zh", "A4", 150, 2, "WenQuanYiMicroHei", "ARPLUMingCN", 10, True, table=True),
    _S("zh", "A4", 200, 1, "ARPLUMingCN", "WenQuanYiMicroHei", 16, True),
    _S("zh", "Letter", 175, 2, "WenQuanYiZenHei", "ARPLUKaiCN", 12, False, scan=True),
    _S("zh", "A4", 150, 1, "ARPLUKaiCN", "WenQuanYiMicroHei", 10, True, scan=True),
    _S("zh", "A4", 200, 3, "WenQuanYiMicroHei", "WenQuanYiZenHei", 9, True),
    _S("zh", "A4", 150, 2, "ARPLUMingCN", "WenQuanYiZenHei", 8, False, scan=True),
    _S("zh", "Letter", 200, 1, "WenQuanYiZenHei", "ARPLUMingCN", 13, True, table=True),
    _S("zh", "A4", 175, 2, "ARPLUKaiCN", "WenQuanYiMicroHei", 11, True, scan=True),
)
EN_PAGES = (
    _S("en", "Letter", 150, 1, "DejaVuSerif", "DejaVuSerif-Bold", 11, True),
    _S("en", "A4", 150, 2, "LiberationSans", "LiberationSans-Bold", 9, False),
    _S("en", "A4", 200, 3, "LiberationSerif", "LiberationSerif-Bold", 8, True),
    _S("en", "Letter", 175, 1, "FreeSerif", "FreeSerif-Bold", 14, False, table=True),
    _S("en", "A4", 150, 2, "DejaVuSans", "DejaVuSans-Bold", 10, True, scan=True),
    _S("en", "Letter", 200, 1, "FreeSans", "FreeSans-Bold", 16, False),
    _S("en", "A4", 175, 2, "LiberationSerif", "LiberationSans-Bold", 12, True, scan=True),
    _S("en", "Letter", 150, 3, "FreeSerif", "FreeSans-Bold", 9, False),
)


@dataclass
class Page:
    """One generated page with its truth, ready to be written."""

    name: str
    image: bytes  # encoded PNG or JPEG
    rgb: np.ndarray  # the pixels that image decodes to
    pdf: bytes
    gt: list[dict]
    order: list[dict]
    scan: bool


@dataclass
class Summary:
    out: Path
    pages: dict[str, int] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def make_page(spec: PageSpec, docs: list[Document], seed: str, name: str) -> Page:
    """Lays out, writes and renders one page, and reads its truth back from the PDF."""
    rng = random.Random(seed)
    layout = fill_page(spec, docs, rng)
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=page_size(spec.paper), invariant=1)
    canvas.setTitle(name)
    layout.draw(canvas)
    canvas.showPage()
    canvas.save()
    pdf = buffer.getvalue()
    rendered = read_page(pdf, layout.lines, spec.dpi)
    for laid, text in zip(layout.lines, rendered.texts, strict=True):
        if laid.text.replace(" ", "") != text:  # read_page checks each character; per line:
            raise RuntimeError(f"{name}: the PDF holds {text!r} where {laid.text!r} was drawn")
    boxes = rendered.boxes
    if spec.scan:
        effects = random_effects(rng)
        image, rgb, matrix = degrade(rendered.rgb, effects, rng.randrange(2**31))
        boxes = [move_quad(box, matrix) for box in boxes]
    else:
        rgb = rendered.rgb
        ok, encoded = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        if not ok:  # pragma: no cover
            raise RuntimeError("PNG encoding failed")
        image = encoded.tobytes()
    gt = [
        {"points": [[round(x, 1), round(y, 1)] for x, y in box], "text": laid.text, "ignore": False}
        for box, laid in zip(boxes, layout.lines, strict=True)
    ]
    order = [
        {
            "column": laid.column,
            "block": laid.block,
            "kind": laid.kind,
            "line": laid.line,
            "cell": laid.cell,
        }
        for laid in layout.lines
    ]
    return Page(name, image, rgb, pdf, gt, order, spec.scan)


def make_crops(pages: list[Page], count: int, seed: str) -> list[tuple[str, np.ndarray, str]]:
    """`count` line crops drawn at random (seeded) from all lines of the pages."""
    rng = random.Random(seed)
    candidates = [
        (p, i) for p in pages for i, g in enumerate(p.gt) if len(g["text"].replace(" ", "")) >= 2
    ]
    chosen = sorted(
        rng.sample(candidates, min(count, len(candidates))), key=lambda c: (c[0].name, c[1])
    )
    crops = []
    for page, i in chosen:
        stem = page.name.split("__", 1)[1].rsplit(".", 1)[0]
        name = f"{'scan' if page.scan else 'clean'}_{stem}_l{i:03d}.png"
        crop = crop_line(page.rgb, page.gt[i]["points"], rng.uniform(3.0, 6.0))
        crops.append((name, crop, page.gt[i]["text"]))
    return crops


def generate(
    out: Path = DEFAULT_OUT,
    *,
    pages_zh: int = len(ZH_PAGES),
    pages_en: int = len(EN_PAGES),
    lines_zh: int = 300,
    lines_en: int = 150,
) -> Summary:
    """Writes the four subsets (and the PDFs) under `out`; returns what was made."""
    started = time.perf_counter()
    check_fonts()
    out = Path(out)
    summary = Summary(out)
    jobs = (
        ("zh", ZH_PAGES[:pages_zh], lines_zh, chinese_documents),
        ("en", EN_PAGES[:pages_en], lines_en, english_documents),
    )
    for lang, specs, n_lines, source in jobs:
        if not specs:
            continue
        docs = source()
        pages = []
        for i, spec in enumerate(specs):
            ext = "jpg" if spec.scan else "png"
            name = f"{'scan' if spec.scan else 'clean'}__{lang}_{i + 1:02d}.{ext}"
            pages.append(make_page(spec, docs, f"{lang}-page-{i}", name))
        _write_pages(out, lang, pages)
        crops = make_crops(pages, n_lines, f"{lang}-lines-{len(specs)}")
        _write_crops(out / f"lines_{lang}", crops)
        summary.pages[f"doc_{lang}"] = len(pages)
        summary.lines[f"lines_{lang}"] = len(crops)
    manifest = {
        "generator": VERSION,
        "packages": package_versions(),
        "pages": summary.pages,
        "lines": summary.lines,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    summary.seconds = time.perf_counter() - started
    return summary


def _fresh(folder: Path) -> Path:
    """An empty output folder: files of an earlier run must not mix with this one's."""
    if folder.is_dir():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def _write_pages(out: Path, lang: str, pages: list[Page]) -> None:
    folder = _fresh(out / f"doc_{lang}")
    (folder / "pdf").mkdir()
    for page in pages:
        (folder / page.name).write_bytes(page.image)
        (folder / "pdf" / (page.name.rsplit(".", 1)[0] + ".pdf")).write_bytes(page.pdf)
    _dump(folder / "gt.json", {p.name: p.gt for p in pages})
    _dump(folder / "order.json", {p.name: p.order for p in pages})


def _write_crops(folder: Path, crops: list[tuple[str, np.ndarray, str]]) -> None:
    _fresh(folder)
    for name, rgb, _text in crops:
        cv2.imwrite(str(folder / name), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    _dump(folder / "labels.json", {name: text for name, _rgb, text in crops})


def _dump(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")


def check_fonts() -> None:
    """Stops with the apt-get line when a font the page specs name is missing."""
    missing = sorted({f.package for f in FONTS.values() if not Path(f.path).is_file()})
    if missing:
        raise FileNotFoundError(f"fonts missing: apt-get install {' '.join(missing)}")


def package_versions() -> dict[str, str]:
    versions = {}
    for package in PACKAGES:
        try:
            done = subprocess.run(
                ["dpkg-query", "-W", "-f", "${Version}", package],
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError:
            break
        versions[package] = done.stdout.strip() or "not installed"
    return versions


# -- whole documents, for the reading-order benchmark and the document tests --------------

# Two columns at a size the recogniser reads well: what a test of documents wants.
TWO_COLUMNS = {
    "en": _S("en", "A4", 200, 2, "LiberationSerif", "LiberationSans-Bold", 11, True),
    "zh": _S("zh", "A4", 200, 2, "WenQuanYiMicroHei", "WenQuanYiZenHei", 11, True),
}


def make_pages(specs: list[PageSpec], seed: str = "document") -> list[Page]:
    """Generates one page per spec (seeded by `seed` and the page's place), in order."""
    check_fonts()
    sources: dict[str, list[Document]] = {}
    pages = []
    for i, spec in enumerate(specs):
        if spec.lang not in sources:
            sources[spec.lang] = chinese_documents() if spec.lang == "zh" else english_documents()
        name = f"{'scan' if spec.scan else 'clean'}__{spec.lang}_{i + 1:02d}"
        name += ".jpg" if spec.scan else ".png"
        pages.append(make_page(spec, sources[spec.lang], f"{seed}-{i}", name))
    return pages


def reading_text(page: Page) -> str:
    """The page's text in reading order: a row per line, a blank row between blocks.

    The truth the reading order is measured against: the layout's own order, which the
    PDF's text layer confirmed line by line when the page was made.
    """
    rows: list[str] = []
    block = None
    for entry, where in zip(page.gt, page.order, strict=True):
        if rows and where["block"] != block:
            rows.append("")
        rows.append(entry["text"])
        block = where["block"]
    return "\n".join(rows)


def write_pdf(pages: list[Page], path: Path, *, scanned: bool = False) -> Path:
    """The pages as one PDF: their own born-digital PDFs, or (`scanned`) their images only,
    at the resolution they were rendered at: what a scanner gives, with no text at all."""
    import pypdfium2 as pdfium

    if scanned:
        canvas = Canvas(str(path), invariant=1)
        for page in pages:
            height, width = page.rgb.shape[:2]
            dpi = _page_dpi(page)
            size = (width * 72.0 / dpi, height * 72.0 / dpi)
            canvas.setPageSize(size)
            canvas.drawImage(ImageReader(BytesIO(page.image)), 0, 0, *size)
            canvas.showPage()
        canvas.save()
        return path
    merged = pdfium.PdfDocument.new()
    for page in pages:
        source = pdfium.PdfDocument(page.pdf)
        merged.import_pages(source)
        source.close()
    merged.save(path)
    merged.close()
    return path


def _page_dpi(page: Page) -> float:
    """The resolution a page's image has: its pixels over its PDF page's width in inches."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(page.pdf)
    try:
        width_pt = pdf[0].get_width()
    finally:
        pdf.close()
    return page.rgb.shape[1] * 72.0 / width_pt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--pages-zh", type=int, default=len(ZH_PAGES))
    parser.add_argument("--pages-en", type=int, default=len(EN_PAGES))
    parser.add_argument("--lines-zh", type=int, default=300)
    parser.add_argument("--lines-en", type=int, default=150)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        summary = generate(
            args.out,
            pages_zh=args.pages_zh,
            pages_en=args.pages_en,
            lines_zh=args.lines_zh,
            lines_en=args.lines_en,
        )
    except (FileNotFoundError, RuntimeError) as exc:
        print(f"doc_pages: {exc}", file=sys.stderr)
        return 2
    print(
        f"wrote {summary.pages} pages and {summary.lines} line crops to {summary.out} "
        f"in {summary.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
