"""The window's look: Sun Valley (sv-ttk) in light or dark, following the system's choice.

Every colour the views draw with comes from the palette here, so that both modes stay
readable and no view hard-codes a colour that only suits a light background. Classic
Tk widgets (the text pane, menus) do not follow a ttk theme, so their colours go into
the option database before they are made.
"""

from __future__ import annotations

import logging
import os
import tkinter as tk
from dataclasses import dataclass
from tkinter import ttk

from desktop_ocr.gui.dpi import px

logger = logging.getLogger(__name__)

THEME_ENV = "DESKTOP_OCR_THEME"
MODES = ("system", "light", "dark")


@dataclass(frozen=True)
class Palette:
    """The colours of one mode."""

    mode: str
    background: str
    surface: str  # the text pane, lists
    text: str
    muted: str
    selection: str  # the picked line
    low_score: str  # less certain lines
    warning_bg: str
    warning_fg: str
    warning_text: str  # a warning message on the status bar
    error: str
    running: str
    status_bg: str


LIGHT = Palette(
    mode="light",
    background="#fafafa",
    surface="#ffffff",
    text="#1c1c1c",
    muted="#5f6670",
    selection="#ffe2c7",
    low_score="#8a6d00",
    warning_bg="#ffe8a3",
    warning_fg="#5c3a00",
    warning_text="#9a4a00",
    error="#b42318",
    running="#1d4ed8",
    status_bg="#eceef1",
)
DARK = Palette(
    mode="dark",
    background="#1c1c1c",
    surface="#232323",
    text="#ececec",
    muted="#a8adb5",
    selection="#5a3b17",
    low_score="#f2c14e",
    warning_bg="#6b4a00",
    warning_fg="#fff1c7",
    warning_text="#ffb869",
    error="#ff8a80",
    running="#8ab4ff",
    status_bg="#262626",
)

_palette = LIGHT


def palette() -> Palette:
    """The palette of the mode in use."""
    return _palette


def system_mode() -> str:
    """'dark' when the system says so (Windows, macOS, GNOME), else 'light'."""
    try:
        import darkdetect

        answer = darkdetect.theme()
    except (ImportError, OSError, ValueError) as exc:  # unreadable: light is the safe one
        logger.info("system theme unknown: %s", exc)
        return "light"
    return "dark" if (answer or "").lower() == "dark" else "light"


def resolve_mode(preference: str | None) -> str:
    """'light' or 'dark' for a setting of system, light or dark (DESKTOP_OCR_THEME wins)."""
    wanted = (os.environ.get(THEME_ENV) or preference or "system").lower()
    if wanted in ("light", "dark"):
        return wanted
    return system_mode()


def apply_theme(root: tk.Misc, preference: str | None = None) -> Palette:
    """Loads the theme in the mode asked for, and the app's named styles; returns the palette.

    Falls back to Tk's own clam theme (with the same palette) if sv-ttk is missing.
    """
    global _palette
    mode = resolve_mode(preference)
    _palette = DARK if mode == "dark" else LIGHT
    style = ttk.Style(root)
    try:
        import sv_ttk

        sv_ttk.set_theme(mode, root)  # type: ignore[arg-type]
    except (ImportError, tk.TclError) as exc:
        logger.warning("sv-ttk theme not available (%s); using clam", exc)
        if "clam" in style.theme_names():
            style.theme_use("clam")
    _classic_widget_colours(root, _palette)
    _named_styles(style, _palette)
    return _palette


def _classic_widget_colours(root: tk.Misc, p: Palette) -> None:
    for pattern, value in (
        ("*Text.background", p.surface),
        ("*Text.foreground", p.text),
        ("*Text.insertBackground", p.text),
        ("*Text.selectBackground", "#3d6fb6" if p.mode == "dark" else "#b3d4ff"),
        ("*Text.selectForeground", p.text),
        ("*Text.highlightBackground", p.background),
        ("*Menu.background", p.surface),
        ("*Menu.foreground", p.text),
        ("*Menu.activeBackground", "#3d6fb6" if p.mode == "dark" else "#dbe8fb"),
        ("*Menu.activeForeground", p.text),
        ("*Label.background", p.background),
        ("*Label.foreground", p.text),
        ("*Toplevel.background", p.background),
    ):
        root.option_add(pattern, value)
    root.configure(background=p.background)  # type: ignore[call-arg]


def _named_styles(style: ttk.Style, p: Palette) -> None:
    style.configure("Muted.TLabel", foreground=p.muted)
    style.configure("Status.TFrame", background=p.status_bg)
    style.configure("Status.TLabel", background=p.status_bg, foreground=p.text)
    style.configure("Warning.TLabel", background=p.warning_bg, foreground=p.warning_fg)
    style.configure("WarningText.TLabel", background=p.status_bg, foreground=p.warning_text)
    style.configure("Error.TLabel", foreground=p.error)
    style.configure("Status.Horizontal.TProgressbar", thickness=px(8))
    style.configure("DialogHeading.TLabel", font="TkHeadingFont")
    style.configure("DialogIcon.TLabel", font=("TkDefaultFont", 22))
    style.configure("Toolbar.TFrame", padding=(px(6), px(4)))
    style.configure("Toolbar.TButton", padding=(px(10), px(3)))
    style.configure("Toolbar.TMenubutton", padding=(px(10), px(3)))
    invalid = "#5c2020" if p.mode == "dark" else "#ffe1e1"
    for widget in ("TEntry", "TSpinbox", "TCombobox"):
        style.map(widget, fieldbackground=[("invalid", invalid)])


def apply_styles(root: tk.Misc) -> None:
    """The app's look in the mode the system uses (for windows made without settings)."""
    apply_theme(root, None)
