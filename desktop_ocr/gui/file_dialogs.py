"""Open and save dialogs: the platform's own where Tk has one, with sensible starting folders.

On Windows and macOS Tk's file dialogs are the system's own. On Linux Tk draws its
own; there it is told to hide dot-folders (it shows them by default, burying a user's
folders under .cache and .config) and to start in the Pictures folder rather than home.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tkinter as tk
from collections.abc import Sequence
from pathlib import Path
from tkinter import filedialog

logger = logging.getLogger(__name__)

FileTypes = Sequence[tuple[str, str]]


def pictures_dir() -> str:
    """Where images usually are: the user's Pictures folder, or home when there is none."""
    try:
        import platformdirs

        folder = Path(platformdirs.user_pictures_dir())
    except (ImportError, OSError):  # no such folder known on this system
        folder = Path.home()
    return str(folder if _is_folder(folder) else Path.home())


def start_dir(remembered: str | None) -> str:
    """The remembered folder while it exists and can be entered, else the Pictures folder."""
    if remembered and _is_folder(Path(remembered)) and os.access(remembered, os.R_OK | os.X_OK):
        return remembered
    return pictures_dir()


def _is_folder(path: Path) -> bool:
    """False also where a folder above it cannot be entered (is_dir raises there)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _hide_dot_files(root: tk.Misc) -> None:
    """Tk's own dialog (X11): dot-files hidden, with its button to show them kept.

    The dialog's script sets both variables when it is first loaded, so it is loaded
    first (a call with a bad option loads it and fails at once), then they are set.
    """
    if root.tk.call("tk", "windowingsystem") != "x11":
        return  # the system's own dialogs follow the system's setting
    with contextlib.suppress(tk.TclError):
        root.tk.call("tk_getOpenFile", "-no-such-option")
    root.tk.call("set", "::tk::dialog::file::showHiddenBtn", "1")
    root.tk.call("set", "::tk::dialog::file::showHiddenVar", "0")


def open_files(
    root: tk.Misc, *, title: str, initialdir: str | None, filetypes: FileTypes
) -> list[str]:
    _hide_dot_files(root)
    chosen = filedialog.askopenfilenames(
        parent=root, title=title, initialdir=start_dir(initialdir), filetypes=list(filetypes)
    )
    return list(root.tk.splitlist(chosen)) if chosen else []


def open_folder(root: tk.Misc, *, title: str, initialdir: str | None) -> str:
    _hide_dot_files(root)
    return filedialog.askdirectory(
        parent=root, title=title, initialdir=start_dir(initialdir), mustexist=True
    )


def save_file(
    root: tk.Misc,
    *,
    title: str,
    initialdir: str | None,
    initialfile: str,
    filetypes: FileTypes,
) -> str:
    _hide_dot_files(root)
    return filedialog.asksaveasfilename(
        parent=root,
        title=title,
        initialdir=start_dir(initialdir),
        initialfile=initialfile,
        defaultextension=Path(initialfile).suffix,
        filetypes=list(filetypes),
    )
