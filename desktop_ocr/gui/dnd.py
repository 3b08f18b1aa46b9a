"""The Tk root with tkdnd drag-and-drop, and the parsing of what a drop delivers.

tkdnd is a compiled Tk extension; where it cannot load (an unusual platform, a frozen
app missing its files) the window must still open, so the failure is returned as a
message for the window to show instead of being raised.
"""

from __future__ import annotations

import logging
import sys
import tkinter as tk
from collections.abc import Callable
from urllib.parse import unquote, urlparse

logger = logging.getLogger(__name__)

DND_FILES = "DND_Files"


def create_root() -> tuple[tk.Tk, str | None]:
    """A Tk root and, when drag-and-drop is unavailable, the reason why.

    A plain Tk root is made first and tkdnd is loaded into it (what TkinterDnD.Tk()
    does), so that a failed load leaves one working root instead of a broken one.
    Raises tk.TclError when there is no display at all.
    """
    root = tk.Tk(className="DesktopOcr")
    try:
        from tkinterdnd2 import TkinterDnD

        TkinterDnD.require(root)
    except (ImportError, RuntimeError, tk.TclError) as exc:
        reason = str(exc) or type(exc).__name__
        logger.warning("drag-and-drop unavailable: %s", reason)
        return root, reason
    return root, None


def enable_drop(
    widget: tk.Widget,
    on_paths: Callable[[list[str]], None],
    on_enter: Callable[[], None] | None = None,
    on_leave: Callable[[], None] | None = None,
) -> None:
    """Makes `widget` (and, through tkdnd's parent search, its children) accept files."""
    widget.drop_target_register(DND_FILES)  # type: ignore[attr-defined]

    def drop(event: object) -> str:
        data = getattr(event, "data", "")
        paths = parse_drop_data(widget, data)
        logger.info("dropped %d path(s)", len(paths))
        if on_leave is not None:
            on_leave()
        on_paths(paths)
        return "copy"

    def enter(_event: object) -> str:
        if on_enter is not None:
            on_enter()
        return "copy"

    def leave(_event: object) -> None:
        if on_leave is not None:
            on_leave()

    widget.dnd_bind("<<Drop>>", drop)  # type: ignore[attr-defined]
    widget.dnd_bind("<<DropEnter>>", enter)  # type: ignore[attr-defined]
    widget.dnd_bind("<<DropPosition>>", lambda _e: "copy")  # type: ignore[attr-defined]
    widget.dnd_bind("<<DropLeave>>", leave)  # type: ignore[attr-defined]


def parse_drop_data(widget: tk.Misc, data: str) -> list[str]:
    """Paths from tkdnd's Tcl list (`{/a b.png} /c.jpg`); file:// URIs are decoded too."""
    if not data:
        return []
    try:
        items = widget.tk.splitlist(data)
    except tk.TclError:
        items = (data,)
    return [uri_to_path(item) for item in items if item]


def uri_to_path(item: str) -> str:
    """A local path from a file:// URI; anything else is returned unchanged."""
    if not item.startswith("file:"):
        return item
    parsed = urlparse(item)
    path = unquote(parsed.path)
    if sys.platform == "win32" and len(path) > 2 and path[0] == "/" and path[2] == ":":
        path = path[1:]
    return path
