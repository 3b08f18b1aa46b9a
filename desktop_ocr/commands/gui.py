"""`desktop-ocr gui [PATH...]`: the window, with the given images queued at once."""

from __future__ import annotations

import argparse
import logging
import tkinter as tk
from typing import Any

from desktop_ocr.commands.common import EXIT_USAGE, fail

logger = logging.getLogger(__name__)
NAME = "gui"


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        NAME,
        help="open the window (the default command)",
        description="Open the desktop window. Images and folders given are queued at once.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="image files or folders")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from desktop_ocr.gui.app import open_window, run_window

    try:
        window = open_window(args.paths)
    except tk.TclError as exc:
        return fail(
            f"cannot open the window ({exc}). Run it on a desktop, or use `desktop-ocr ocr`.",
            EXIT_USAGE,
        )
    return run_window(window)
