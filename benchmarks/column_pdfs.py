"""Born-digital test PDFs in one, two or three columns, Chinese or English, with truth.

The pages are laid out by reportlab (a title across the columns, then paragraphs that
flow down each column in turn), so their text layer, read by PDFium in content order,
is the reading-order truth. `scanned_copy` renders such a PDF to page images and wraps
them in a PDF with no text at all: what a scanner gives, for the OCR to read.

    python benchmarks/column_pdfs.py OUT_DIR    # writes the six PDFs and their truth
"""

from __future__ import annotations

import io
import json
import random
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

CJK_FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("C:/Windows/Fonts/msyh.ttc"),
    Path("C:/Windows/Fonts/simsun.ttc"),
)

EN_SENTENCES = (
    "The river rose slowly through the night and by morning it covered the lower fields.",
    "Farmers moved their animals to the hills before the water reached the barns.",
    "A small bridge near the mill was closed after engineers found cracks in its stones.",
    "Schools in the valley opened late so that buses could take the longer roads.",
    "Volunteers filled sandbags outside the library until the rain finally stopped.",
    "The council promised to publish a report on the damage within two weeks.",
    "Old maps show that the same meadows flooded in the spring of many earlier years.",
    "Some families have asked for help to repair walls, floors and electric wiring.",
    "The weather service expects dry and cooler days for the rest of the month.",
    "Local shops reopened on Friday, and the market will return to the square soon.",
    "Children collected stones from the banks and painted them with bright colours.",
    "A new path along the water will let walkers reach the station without a car.",
)

ZH_SENTENCES = (
    "清晨的雨一直下到中午，河水慢慢漫过了低处的田地。",
    "村里的人把牛羊赶到山坡上，免得大水冲进圈里。",
    "工程师在磨坊旁边的小桥上发现了裂缝，桥已经暂时封闭。",
    "山谷里的学校推迟了上课时间，校车只能绕远路行驶。",
    "志愿者在图书馆门前装沙袋，一直忙到雨停为止。",
    "镇政府答应两周之内公布这次水灾的损失报告。",
    "旧地图显示，这片草地在很多年前的春天也曾被淹没。",
    "一些人家需要帮助修理墙壁、地板和电线。",
    "气象台预计本月剩下的日子将会晴朗而凉爽。",
    "街上的商店星期五重新开门，集市不久也会回到广场。",
    "孩子们从河岸上捡来石头，用鲜艳的颜色把它们画得很漂亮。",
    "沿着河边新修的小路可以让行人不开车也能走到车站。",
)

TITLES = {"en": "Notes from the Valley after the Flood", "zh": "山谷水灾之后的记录"}


@dataclass(frozen=True)
class TestDocument:
    """A generated PDF and, per page, its text in reading order."""

    path: Path
    language: str
    columns: int
    pages: tuple[str, ...]


def cjk_font_file() -> Path | None:
    """A TrueType CJK font reportlab can embed, if this machine has one."""
    return next((p for p in CJK_FONT_FILES if p.is_file()), None)


def _paragraphs(language: str, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pool = EN_SENTENCES if language == "en" else ZH_SENTENCES
    joiner = " " if language == "en" else ""
    return [joiner.join(rng.sample(pool, rng.randint(2, 4))) for _ in range(count)]


def make_pdf(
    path: Path, *, language: str, columns: int, pages: int = 1, seed: int = 1
) -> TestDocument:
    """Writes a born-digital PDF and returns it with its per-page truth."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    if language == "zh":
        font_file = cjk_font_file()
        if font_file is None:
            raise RuntimeError("no CJK TrueType font found (install fonts-wqy-microhei)")
        if "TestCJK" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("TestCJK", str(font_file), subfontIndex=0))
        font, wrap = "TestCJK", "CJK"
    else:
        font, wrap = "Times-Roman", None
    body = ParagraphStyle(
        "body", fontName=font, fontSize=11, leading=15, spaceAfter=9, wordWrap=wrap
    )
    title = ParagraphStyle("title", parent=body, fontSize=20, leading=26, spaceAfter=14)
    width, height = A4
    margin, gutter, title_h = 56.0, 22.0, 60.0
    col_w = (width - 2 * margin - (columns - 1) * gutter) / columns

    def frames(first: bool) -> list:
        top = height - margin - (title_h if first else 0)
        made = [Frame(margin, top, width - 2 * margin, title_h, id="title")] if first else []
        for c in range(columns):
            x = margin + c * (col_w + gutter)
            made.append(Frame(x, margin, col_w, top - margin, id=f"col{c}"))
        return made

    doc = BaseDocTemplate(str(path), pagesize=A4, title=TITLES[language])
    doc.addPageTemplates(
        [
            PageTemplate(id="first", frames=frames(True), autoNextPageTemplate="rest"),
            PageTemplate(id="rest", frames=frames(False)),
        ]
    )
    # Enough paragraphs to fill the pages asked for; the text past the last page is cut.
    per_page = {1: 8, 2: 12, 3: 16}[columns] if language == "en" else {1: 10, 2: 18, 3: 24}[columns]
    story = [Paragraph(TITLES[language], title)]
    story += [Paragraph(p, body) for p in _paragraphs(language, per_page * pages, seed)]
    doc.build(story)
    truth = page_texts(path)
    if len(truth) > pages:  # drop the overflow pages, keep the exact count asked for
        _keep_pages(path, pages)
        truth = truth[:pages]
    return TestDocument(path, language, columns, tuple(truth))


def page_texts(path: Path) -> list[str]:
    """Each page's text layer as PDFium reads it (content order)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    try:
        texts = []
        for page in doc:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        doc.close()


def _keep_pages(path: Path, count: int) -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    for index in range(len(doc) - 1, count - 1, -1):
        doc.del_page(index)
    buffer = io.BytesIO()
    doc.save(buffer)
    doc.close()
    path.write_bytes(buffer.getvalue())


def scanned_copy(source: Path, target: Path, dpi: float = 200.0) -> Path:
    """The pages of `source` as images only (no text layer), like a scan of a print."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    doc = pdfium.PdfDocument(source)
    out = canvas.Canvas(str(target))
    try:
        for page in doc:
            width, height = page.get_size()
            image = page.render(scale=dpi / 72.0).to_pil().convert("L")
            page.close()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            out.setPageSize((width, height))
            out.drawImage(ImageReader(buffer), 0, 0, width, height)
            out.showPage()
    finally:
        doc.close()
    out.save()
    return target


def normalise(text: str) -> str:
    """What is compared: NFKC, no whitespace (line breaks and spacing do not count)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def edit_distance(text: str, truth: str) -> float:
    """Normalised edit distance (0: same, 1: nothing in common) after `normalise`."""
    from rapidfuzz.distance import Levenshtein

    a, b = normalise(text), normalise(truth)
    if not a and not b:
        return 0.0
    return Levenshtein.distance(a, b) / max(len(a), len(b))


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "column_pdfs")
    out.mkdir(parents=True, exist_ok=True)
    for language in ("en", "zh"):
        for columns in (1, 2, 3):
            made = make_pdf(
                out / f"{language}_{columns}col.pdf", language=language, columns=columns
            )
            (out / f"{language}_{columns}col.json").write_text(
                json.dumps(list(made.pages), ensure_ascii=False, indent=1), encoding="utf-8"
            )
            sys.stdout.write(f"{made.path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
