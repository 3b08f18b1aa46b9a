"""The interface in Simplified Chinese and in English: photographed and read back by the
engine, and every string of the window, its dialogs and menus checked for English left."""

from __future__ import annotations

import re
import tkinter as tk
from tkinter import ttk

import pytest

from desktop_ocr.engine.packs import PACKS
from desktop_ocr.gui.fonts import CJK_RUN
from tests.gui.driving import grab, menu_bar, pump_for, wait_done

pytestmark = pytest.mark.gui

MENUS = {
    "en": ["File", "Edit", "View", "Queue", "Tools", "Help"],
    "zh_CN": ["文件", "编辑", "视图", "队列", "工具", "帮助"],
}
TOOLBAR = {
    "en": ["Openimages", "Openfolder", "Settings", "Benchmark", "About"],
    "zh_CN": ["打开图片", "打开文件夹", "设置", "性能测试", "关于"],
}
COUNT = {"en": "1 of 1 done", "zh_CN": "已完成 1/1"}

# Words that are names, not English: kept as they are in every language.
# The model packs' titles ("PP-OCRv6 small") are names, as the models' authors give them.
PACK_TITLES = "|".join(re.escape(pack.title) for pack in PACKS.values())
NAMES = re.compile(
    PACK_TITLES + r"|Desktop OCR|onnxruntime(-gpu)?|"
    r"NVIDIA|CUDA|CPU|GPU|cuDNN|HEURISTIC|EXHAUSTIVE|DEFAULT|"
    r"kNextPowerOfTwo|kSameAsRequested|MiB|Markdown|JSON|CSV|Ctrl|Shift|Apache|PP-OCR\w*|"
    r"Python|Tk|English|det|cls|rec|p90|ms|px|xclip|wl-clipboard|Wayland|desktop-ocr|bench|"
    r"ExecutionProvider|\w+\.(png|jpg|yaml|onnx|json|md|txt|csv)|[A-Za-z]:?[\\/][^\s]*"
)


def read(engine, picture) -> str:
    return " ".join(line.text for line in engine(picture).lines).replace(" ", "")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_interface_is_read_back_from_the_screen(
    open_app, monkeypatch, samples_dir, default_engine, language
):
    monkeypatch.setenv("DESKTOP_OCR_LANGUAGE", language)
    window = open_app([samples_dir / "rapidocr" / "short.png"])
    window.root.geometry("1280x800+0+0")
    wait_done(window)
    pump_for(window.root, 0.3)
    menus = read(default_engine, menu_bar(window.root))
    for word in MENUS[language]:
        assert word in menus, f"{word!r} not read in the menu bar: {menus!r}"
    toolbar = read(default_engine, grab(window.toolbar["open"].master))
    for word in TOOLBAR[language]:
        assert word in toolbar, f"{word!r} not read in the toolbar: {toolbar!r}"
    assert window.status.text_of("count") == COUNT[language]


def texts_of(widget: tk.Misc) -> list[str]:
    """Every string a user can see in a widget tree: labels, buttons, headings, menus."""
    out: list[str] = []
    for child in [widget, *_descendants(widget)]:
        if isinstance(child, tk.Menu):
            end = child.index("end")
            for i in range(0 if end is None else end + 1):
                if child.type(i) in ("command", "cascade", "checkbutton", "radiobutton"):
                    out.append(str(child.entrycget(i, "label")))
            continue
        if isinstance(child, ttk.Treeview):
            out += [str(child.heading(c, "text")) for c in ("#0", *child["columns"])]
            continue
        if isinstance(child, tk.Toplevel):
            out.append(child.title())
        if isinstance(child, (ttk.Entry, tk.Entry, tk.Text)):
            continue  # what the user typed or what was read, not the interface
        try:
            text = child.cget("text")
        except tk.TclError:
            continue
        if isinstance(text, str):
            out.append(text)
    return [t for t in out if t.strip()]


def _descendants(widget: tk.Misc) -> list[tk.Misc]:
    found = []
    for child in widget.winfo_children():
        found.append(child)
        found += _descendants(child)
    return found


def english_left(texts: list[str]) -> list[str]:
    """The texts that still hold an English word once names are taken out."""
    left = []
    for text in texts:
        rest = NAMES.sub(" ", text)
        if re.search(r"[A-Za-z]{2,}", rest) and not CJK_RUN.search(text):
            left.append(text)
    return left


def test_every_string_of_the_window_and_its_dialogs_is_chinese(open_app, monkeypatch, samples_dir):
    monkeypatch.setenv("DESKTOP_OCR_LANGUAGE", "zh_CN")
    window = open_app([samples_dir / "rapidocr" / "short.png"])
    wait_done(window)
    root = window.root
    texts = texts_of(root)
    settings = window.open_settings()
    about = window.open_about()
    benchmark = window.open_benchmark()
    pump_for(root, 0.3)
    for dialog in (settings, benchmark):
        texts += texts_of(dialog)
    texts.append(about.title())
    texts += [window.status.text_of(name) for name in ("count", "message", "timing")]
    assert len(texts) > 80
    left = english_left(texts)
    assert left == [], "\n".join(left)
    assert "文件" in texts and "全部复制" in texts and "恢复默认" in texts
    settings.destroy()
    benchmark.destroy()
