"""Picks a font family that has CJK glyphs, so recognised Chinese text is readable."""

from __future__ import annotations

import logging
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


@dataclass(frozen=True)
class AppFonts:
    """The named fonts the window uses; `cjk_family` is None when none is installed."""

    text: tkfont.Font  # recognised text
    list: tkfont.Font  # the queue of files
    heading: tkfont.Font
    empty: tkfont.Font  # the big hint on an empty image view
    cjk_family: str | None


def pick_cjk_family(root: tk.Misc) -> str | None:
    """The first installed family from CJK_FAMILIES, or None."""
    installed = {name.lower(): name for name in tkfont.families(root)}
    for family in CJK_FAMILIES:
        if family.lower() in installed:
            return installed[family.lower()]
    return None


def setup_fonts(root: tk.Misc) -> AppFonts:
    """Creates the app's named fonts, on a CJK family when there is one."""
    cjk = pick_cjk_family(root)
    if cjk is None:
        logger.info("no CJK font installed; Chinese text may show as boxes")
    base = tkfont.nametofont("TkDefaultFont", root=root)
    family = cjk or base.actual("family")
    size = abs(int(base.actual("size"))) or 10
    text_size = size + 3 if sys.platform.startswith("linux") else size + 2
    return AppFonts(
        text=_named_font(root, "OcrText", family=family, size=text_size),
        list=_named_font(root, "OcrList", family=family, size=size),
        heading=_named_font(
            root, "OcrHeading", family=base.actual("family"), size=size + 1, weight="bold"
        ),
        empty=_named_font(root, "OcrEmpty", family=family, size=size + 6),
        cjk_family=cjk,
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
