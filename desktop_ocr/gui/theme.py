"""The window's look: the ttk theme and the named styles the views use.

Every colour the views draw with comes from here, so that a theme change is one
place and the views never hard-code a colour that only suits a light background.
"""

from __future__ import annotations

import logging
import sys
import tkinter as tk
from tkinter import ttk

logger = logging.getLogger(__name__)


def apply_styles(root: tk.Misc) -> None:
    """The ttk theme and the app's named styles (status bar, warnings, toolbar, dialogs)."""
    style = ttk.Style(root)
    if sys.platform.startswith("linux") and "clam" in style.theme_names():
        style.theme_use("clam")
    style.configure("Muted.TLabel", foreground="#6b7280")
    style.configure("Status.TFrame", background="#eceef1")
    style.configure("Status.TLabel", background="#eceef1")
    style.configure("Warning.TLabel", background="#ffe8a3", foreground="#6b4100")
    style.configure("WarningText.TLabel", background="#eceef1", foreground="#9a4a00")
    style.configure("Error.TLabel", foreground="#b42318")
    style.configure(
        "Status.Horizontal.TProgressbar",
        background="#2f9e63",
        troughcolor="#ffffff",
        bordercolor="#b8bec8",
        lightcolor="#45b97c",
        darkcolor="#23804f",
    )
    style.configure("DialogHeading.TLabel", font="TkHeadingFont")
    style.configure("DialogIcon.TLabel", font=("TkDefaultFont", 22))
    style.configure("Toolbar.TFrame", padding=(6, 4))
    style.configure("Toolbar.TButton", width=0, padding=(10, 3))
    style.configure("Toolbar.TMenubutton", width=0, padding=(10, 3))
    for widget in ("TEntry", "TSpinbox", "TCombobox"):
        style.map(widget, fieldbackground=[("invalid", "#ffe1e1")])
