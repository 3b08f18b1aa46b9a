"""Picks the fonts of the window: a CJK family for Chinese, a Latin one for the rest.

One family rarely draws every character the models output well: WenQuanYi Micro Hei,
for one, has an empty glyph for ℃, so the text pane showed a blank where the clipboard
had the character. So text is drawn per script: Han, kana, hangul and full-width forms
in the CJK family, everything else (Latin, digits, symbols such as ℃ and °) in a Latin
family, with the toolkit's own fallback behind both for whatever neither has.
"""

from __future__ import annotations

import logging
import re
import sys
import tkinter as tk
from dataclasses import dataclass
from tkinter import font as tkfont

logger = logging.getLogger(__name__)

# Families with Chinese glyphs, by how well they read on screen; the first installed wins.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "SimHei",
    "Droid Sans Fallback",
    "AR PL UKai CN",
    "AR PL UMing CN",
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
)


# Families with good Latin, digits and symbols (℃, °, µ, ±, ×), best first.
LATIN_FAMILIES = (
    "Segoe UI",
    "Noto Sans",
    "DejaVu Sans",
    "Helvetica Neue",
    "Arial",
    "Liberation Sans",
    "FreeSans",
)

# Characters drawn in the CJK family: CJK radicals and symbols, kana, bopomofo, hangul,
# Han (with extensions), compatibility ideographs, and half- and full-width forms.
CJK_RUN = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u31ff\u3200-\u32ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f"
    "\uff00-\uffef\U00020000-\U0002fa1f]+"
)


@dataclass(frozen=True)
class AppFonts:
    """The named fonts the window uses; `cjk_family` is None when none is installed."""

    text: tkfont.Font  # recognised text, in the Latin family
    text_cjk: tkfont.Font  # the CJK runs of the recognised text
    list: tkfont.Font  # the queue of files
    heading: tkfont.Font
    empty: tkfont.Font  # the big hint on an empty image view
    cjk_family: str | None
    latin_family: str


def cjk_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the runs of `text` drawn in the CJK family."""
    return [m.span() for m in CJK_RUN.finditer(text)]


class FontFallback:
    """Tags the CJK runs of a Text widget with the CJK font; the rest keeps the Latin one."""

    TAG = "cjk"

    def __init__(self, text: tk.Text, cjk_font: object) -> None:
        self.text = text
        text.tag_configure(self.TAG, font=cjk_font)
        text.tag_lower(self.TAG)
        self._pending: str | None = None
        text.bind("<KeyRelease>", self._soon, add=True)

    def apply(self) -> None:
        """Re-tags the whole text (cheap: a regular expression over a page of text)."""
        self._pending = None
        text = self.text
        text.tag_remove(self.TAG, "1.0", "end")
        content = text.get("1.0", "end-1c")
        for row, line in enumerate(content.split("\n"), start=1):
            for start, end in cjk_spans(line):
                text.tag_add(self.TAG, f"{row}.{start}", f"{row}.{end}")

    def _soon(self, _event: tk.Event) -> None:
        if self._pending is None:
            self._pending = self.text.after_idle(self.apply)


def pick_cjk_family(root: tk.Misc) -> str | None:
    """The first installed family from CJK_FAMILIES, or None."""
    installed = {name.lower(): name for name in tkfont.families(root)}
    for family in CJK_FAMILIES:
        if family.lower() in installed:
            return installed[family.lower()]
    return None


def pick_latin_family(root: tk.Misc, fallback: str) -> str:
    installed = {name.lower(): name for name in tkfont.families(root)}
    for family in LATIN_FAMILIES:
        if family.lower() in installed:
            return installed[family.lower()]
    return fallback


def setup_fonts(root: tk.Misc) -> AppFonts:
    """Creates the app's named fonts, on a CJK family when there is one."""
    cjk = pick_cjk_family(root)
    if cjk is None:
        logger.info("no CJK font installed; Chinese text may show as boxes")
    base = tkfont.nametofont("TkDefaultFont", root=root)
    family = cjk or base.actual("family")
    latin = pick_latin_family(root, base.actual("family"))
    size = abs(int(base.actual("size"))) or 10
    text_size = size + 3 if sys.platform.startswith("linux") else size + 2
    return AppFonts(
        text=_named_font(root, "OcrText", family=latin, size=text_size),
        text_cjk=_named_font(root, "OcrTextCjk", family=family, size=text_size),
        list=_named_font(root, "OcrList", family=family, size=size),
        heading=_named_font(
            root, "OcrHeading", family=base.actual("family"), size=size + 1, weight="bold"
        ),
        empty=_named_font(root, "OcrEmpty", family=family, size=size + 6),
        cjk_family=cjk,
        latin_family=latin,
    )


def _named_font(root: tk.Misc, name: str, **options: object) -> tkfont.Font:
    """A named font that lives as long as the interpreter.

    A tkfont.Font that created its font deletes it when it is garbage collected, and
    that may happen on the OCR thread, where a Tcl call waits for the Tk thread. So the
    font is created by name, and the Font returned only refers to it.
    """
    args = [item for key, value in options.items() for item in (f"-{key}", value)]
    try:
        root.tk.call("font", "create", name, *args)
    except tk.TclError:  # already there (a second window in this interpreter)
        root.tk.call("font", "configure", name, *args)
    return tkfont.Font(root=root, name=name, exists=True)
