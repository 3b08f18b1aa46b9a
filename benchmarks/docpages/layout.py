"""Lays text out on PDF pages with reportlab: columns, headings, justified or ragged lines.

The layout is done here rather than by reportlab's own paragraph engine so that every
line drawn is known with its column, block and place in reading order; the PDF text layer
then confirms each line's text and gives its glyph box (see truth.py).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from benchmarks.docpages.text_sources import Document


@dataclass(frozen=True)
class FontFace:
    """A TrueType font reportlab can embed (TTF, or one face of a TTC), and its package."""

    path: str
    package: str
    index: int = 0
    cjk: bool = False


_DV, _LB, _FF = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype/liberation",
    ("/usr/share/fonts/truetype/freefont"),
)
FONTS: dict[str, FontFace] = {
    "DejaVuSerif": FontFace(f"{_DV}/DejaVuSerif.ttf", "fonts-dejavu-core"),
    "DejaVuSerif-Bold": FontFace(f"{_DV}/DejaVuSerif-Bold.ttf", "fonts-dejavu-core"),
    "DejaVuSans": FontFace(f"{_DV}/DejaVuSans.ttf", "fonts-dejavu-core"),
    "DejaVuSans-Bold": FontFace(f"{_DV}/DejaVuSans-Bold.ttf", "fonts-dejavu-core"),
    "LiberationSerif": FontFace(f"{_LB}/LiberationSerif-Regular.ttf", "fonts-liberation"),
    "LiberationSerif-Bold": FontFace(f"{_LB}/LiberationSerif-Bold.ttf", "fonts-liberation"),
    "LiberationSans": FontFace(f"{_LB}/LiberationSans-Regular.ttf", "fonts-liberation"),
    "LiberationSans-Bold": FontFace(f"{_LB}/LiberationSans-Bold.ttf", "fonts-liberation"),
    "FreeSerif": FontFace(f"{_FF}/FreeSerif.ttf", "fonts-freefont-ttf"),
    "FreeSerif-Bold": FontFace(f"{_FF}/FreeSerifBold.ttf", "fonts-freefont-ttf"),
    "FreeSans": FontFace(f"{_FF}/FreeSans.ttf", "fonts-freefont-ttf"),
    "FreeSans-Bold": FontFace(f"{_FF}/FreeSansBold.ttf", "fonts-freefont-ttf"),
    "WenQuanYiMicroHei": FontFace(
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "fonts-wqy-microhei", cjk=True
    ),
    "WenQuanYiZenHei": FontFace(
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "fonts-wqy-zenhei", cjk=True
    ),
    "ARPLUMingCN": FontFace(
        "/usr/share/fonts/truetype/arphic/uming.ttc", "fonts-arphic-uming", cjk=True
    ),
    "ARPLUKaiCN": FontFace(
        "/usr/share/fonts/truetype/arphic/ukai.ttc", "fonts-arphic-ukai", cjk=True
    ),
}

# Full-width and CJK punctuation that may not start a line, and that may not end one.
NO_START = set("，。、；：！？）」』”’》〉】…—·,.;:!?)]}%")
NO_END = set("（「『“‘《〈【([{")
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’…—"  # one token per character
_TOKEN = re.compile(f"[{_WIDE}]|[^\\s{_WIDE}]+|\\s+")


def register(name: str) -> TTFont:
    """Registers a font with reportlab once; a missing file names its Debian package."""
    try:
        return pdfmetrics.getFont(name)  # type: ignore[return-value]
    except KeyError:
        pass
    face = FONTS[name]
    if not Path(face.path).is_file():
        raise FileNotFoundError(f"{face.path} is missing: apt-get install {face.package}")
    font = TTFont(name, face.path, subfontIndex=face.index)
    pdfmetrics.registerFont(font)
    return font


def covers(name: str, text: str) -> bool:
    """True when the font has a glyph for every character (no tofu in the truth)."""
    cmap = register(name).face.charToGlyph
    return all(ord(ch) in cmap for ch in text if not ch.isspace())


@dataclass(frozen=True)
class PageSpec:
    """How one page looks; the text itself is drawn from the sources by the page's seed."""

    lang: str  # "zh" or "en"
    paper: str  # "A4" or "Letter"
    dpi: int
    columns: int
    font: str
    heading_font: str
    size: float
    justify: bool
    table: bool = False
    scan: bool = False


@dataclass
class LaidLine:
    """One line as drawn: text, position (PDF points, origin bottom-left) and its place."""

    text: str
    x: float
    baseline: float
    font: str
    size: float
    kind: str  # title, heading, paragraph, table
    block: int
    line: int  # index of the line in its block (table: the row)
    column: int | None  # None: spans all columns
    cell: int | None = None  # table column
    word_space: float = 0.0
    char_space: float = 0.0


def page_size(paper: str) -> tuple[float, float]:
    return {"A4": A4, "Letter": LETTER}[paper]


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Greedy line breaking: at spaces, and between CJK characters, with the kinsoku rules
    that keep closing punctuation off a line's start and opening punctuation off its end."""
    tokens = _TOKEN.findall(text)
    lines: list[list[str]] = []
    current: list[str] = []
    used = 0.0
    for token in tokens:
        if token.isspace():
            if current:
                current.append(" ")
                used += measure(" ")
            continue
        w = measure(token)
        if used + w <= width or not current:
            while w > width and len(token) > 1:  # one token wider than the line
                cut = len(token) - 1
                while cut > 1 and measure(token[:cut]) > width:
                    cut -= 1
                if current:
                    lines.append(current)
                lines.append([token[:cut]])
                current, token = [], token[cut:]
                w = measure(token)
            current.append(token)
            used += w
            continue
        while current and current[-1] == " ":
            current.pop()
        carry: list[str] = []
        if token[0] in NO_START and len(current) > 1:
            carry.insert(0, current.pop())
        while len(current) > 1 and current[-1][-1] in NO_END:
            carry.insert(0, current.pop())
        while current and current[-1] == " ":
            current.pop()
        lines.append(current)
        current = [*carry, token]
        used = sum(measure(t) for t in current)
    if current:
        lines.append(current)
    return [s for s in ("".join(line).strip() for line in lines) if s]


@dataclass
class _Cursor:
    column: int
    top: float  # y of the top of the next line (PDF points)


class PageLayout:
    """Fills one page: a title across the columns, then blocks flowing down the columns."""

    def __init__(self, spec: PageSpec, rng: random.Random) -> None:
        self.spec = spec
        self.rng = rng
        self.width, self.height = page_size(spec.paper)
        self.margin = rng.uniform(48, 68)
        self.gutter = rng.uniform(16, 26)
        inner = self.width - 2 * self.margin
        self.col_width = (inner - (spec.columns - 1) * self.gutter) / spec.columns
        self.lines: list[LaidLine] = []
        self.block = 0
        self.bottom = self.margin
        self.cursor = _Cursor(0, self.height - self.margin)
        self.columns_top = self.cursor.top  # below the title, once there is one
        self.leading = spec.size * rng.uniform(1.3, 1.55)
        self.full = False
        for name in {spec.font, spec.heading_font}:
            register(name)

    def col_x(self, column: int) -> float:
        return self.margin + column * (self.col_width + self.gutter)

    def measure(self, font: str, size: float) -> Callable[[str], float]:
        return lambda s: pdfmetrics.stringWidth(s, font, size)

    # -- blocks ---------------------------------------------------------------------------

    def title(self, text: str) -> None:
        size = min(self.spec.size * 1.7, 24.0)
        inner = self.width - 2 * self.margin
        lines = break_lines(text, inner, self.measure(self.spec.heading_font, size))[:2]
        y = self.cursor.top
        for i, line in enumerate(lines):
            y -= size * 1.25
            self.lines.append(
                LaidLine(
                    line, self.margin, y, self.spec.heading_font, size, "title", self.block, i, None
                )
            )
        self.block += 1
        self.cursor.top = self.columns_top = y - size * 1.2

    def paragraph(self, text: str, *, heading: bool = False) -> None:
        spec = self.spec
        font = spec.heading_font if heading else spec.font
        size = spec.size * (1.25 if heading else 1.0)
        leading = size * 1.35 if heading else self.leading
        indent = 0.0 if heading else (2 * size if spec.lang == "zh" else size * 1.5)
        indent = indent if self.rng.random() < 0.7 else 0.0
        measure = self.measure(font, size)
        first = break_lines(text, self.col_width - indent, measure)[:1]
        rest_text = text[len(first[0]) :].strip() if first else ""
        lines = first + (break_lines(rest_text, self.col_width, measure) if rest_text else [])
        if heading and self.cursor.top - (len(lines) + 2) * leading < self.bottom:
            self._next_column()  # a heading stays whole, and not alone at a column's foot
            if self.full:
                return
        if heading:
            self.cursor.top -= size * 0.6
        kind = "heading" if heading else "paragraph"
        for i, line in enumerate(lines):
            if self.cursor.top - leading < self.bottom:
                self._next_column()
                if self.full:
                    break
            baseline = self.cursor.top - leading * 0.8
            x = self.col_x(self.cursor.column) + (indent if i == 0 else 0.0)
            laid = LaidLine(line, x, baseline, font, size, kind, self.block, i, self.cursor.column)
            if spec.justify and not heading and i < len(lines) - 1:
                self._justify(laid, self.col_width - (indent if i == 0 else 0.0))
            self.lines.append(laid)
            self.cursor.top -= leading
        self.block += 1
        self.cursor.top -= leading * (0.2 if heading else 0.5)

    def table(self, rows: list[list[str]]) -> None:
        """A small grid of numbers: each cell is its own line, right-aligned in its column."""
        size = self.spec.size * 0.95
        fonts = [self.spec.heading_font] + [self.spec.font] * (len(rows) - 1)
        widths = [
            max(pdfmetrics.stringWidth(row[c], f, size) for row, f in zip(rows, fonts, strict=True))
            + 2 * size
            for c in range(len(rows[0]))
        ]
        leading = size * 1.6
        if sum(widths) > self.col_width:
            return
        if self.cursor.top - leading * (len(rows) + 1) < self.bottom:
            self._next_column()
        if self.full:
            return
        self.cursor.top -= leading * 0.5
        for r, (row, font) in enumerate(zip(rows, fonts, strict=True)):
            baseline = self.cursor.top - leading * 0.8
            right = self.col_x(self.cursor.column)
            for c, text in enumerate(row):
                right += widths[c]
                x = right - pdfmetrics.stringWidth(text, font, size)
                self.lines.append(
                    LaidLine(
                        text,
                        x,
                        baseline,
                        font,
                        size,
                        "table",
                        self.block,
                        r,
                        self.cursor.column,
                        cell=c,
                    )
                )
            self.cursor.top -= leading
        self.block += 1
        self.cursor.top -= leading * 0.5

    # -- helpers --------------------------------------------------------------------------

    def _justify(self, laid: LaidLine, width: float) -> None:
        natural = pdfmetrics.stringWidth(laid.text, laid.font, laid.size)
        slack = width - natural
        if slack <= 0:
            return
        spaces = laid.text.count(" ")
        if self.spec.lang == "en":
            if spaces and slack / spaces < laid.size * 1.2:
                laid.word_space = slack / spaces
        elif len(laid.text) > 1 and slack / (len(laid.text) - 1) < laid.size * 0.12:
            laid.char_space = slack / (len(laid.text) - 1)

    def _next_column(self) -> None:
        if self.cursor.column + 1 >= self.spec.columns:
            self.full = True
            return
        self.cursor = _Cursor(self.cursor.column + 1, self.columns_top)

    def draw(self, canvas: Canvas) -> None:
        for laid in self.lines:
            text = canvas.beginText(laid.x, laid.baseline)
            text.setFont(laid.font, laid.size)
            text.setCharSpace(laid.char_space)
            text.setWordSpace(laid.word_space)
            text.textOut(laid.text)
            canvas.drawText(text)


def table_rows(lang: str, rng: random.Random) -> list[list[str]]:
    """A small table of figures (the only made-up text on the pages: numbers)."""
    header = (
        ["年份", "收入（万元）", "支出", "增长率"]
        if lang == "zh"
        else ["Year", "Revenue", "Costs", "Growth"]
    )
    rows = [header]
    year = rng.randint(2008, 2018)
    for i in range(rng.randint(4, 6)):
        revenue = rng.randint(1200, 98000)
        costs = rng.randint(800, revenue)
        growth = rng.uniform(-12, 30)
        rows.append([str(year + i), f"{revenue:,}", f"{costs / 100:.2f}", f"{growth:+.1f}%"])
    return rows


def fill_page(spec: PageSpec, docs: list[Document], rng: random.Random) -> PageLayout:
    """Lays out documents from a seeded start until the page is full."""
    layout = PageLayout(spec, rng)
    enough = 300 if spec.lang == "zh" else 800  # characters: a document, not a stub
    usable = [
        d
        for d in docs
        if covers(spec.heading_font, d.title) and sum(len(t) for _s, t in d.paragraphs()) >= enough
    ]
    rng.shuffle(usable)
    table_after = 2 if spec.table else -1
    paragraphs = 0
    for doc in usable:
        if layout.full:
            break
        if not layout.lines:
            layout.title(doc.title)
        elif covers(spec.heading_font, doc.title):
            layout.paragraph(doc.title, heading=True)
        for section_title, text in _section_runs(doc):
            if layout.full:
                break
            if section_title is not None:
                if covers(spec.heading_font, section_title):
                    layout.paragraph(section_title, heading=True)
                continue
            if not covers(spec.font, text):
                continue
            layout.paragraph(text)
            paragraphs += 1
            if paragraphs == table_after:
                layout.table(table_rows(spec.lang, rng))
    return layout


def _section_runs(doc: Document) -> Iterator[tuple[str | None, str]]:
    for section in doc.sections:
        yield section.title, ""
        for text in section.paragraphs:
            yield None, text
