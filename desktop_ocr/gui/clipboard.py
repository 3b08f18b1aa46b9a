"""Reads what the user pasted: image data, or files copied in a file manager.

Tk's clipboard only carries text, and Tk truncates binary selections at the first NUL
byte, so image data is read with Pillow on Windows and macOS and with xclip or
wl-paste on Linux, on a thread and with a timeout. Copied files arrive as text (paths or file://
URIs) on every platform, which Tk reads fine.
"""

from __future__ import annotations

import io
import logging
import os
import queue
import shutil
import subprocess
import sys
import threading
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from desktop_ocr.gui.dnd import uri_to_path
from desktop_ocr.i18n import N_, _

logger = logging.getLogger(__name__)

TOOL_TIMEOUT_S = 5.0
POLL_MS = 20
NO_TOOL = N_(
    "The clipboard holds an image, but reading image data here needs xclip "
    "(or wl-clipboard on Wayland) installed. Save the image and open it instead."
)
# Image types asked for on X11, best first.
IMAGE_TARGETS = ("image/png", "image/bmp", "image/jpeg", "image/tiff", "image/webp", "image/gif")


@dataclass(frozen=True)
class ClipboardContent:
    """An encoded image, or existing file paths, or why neither was found."""

    image: bytes | None = None
    paths: tuple[str, ...] = field(default=())
    problem: str | None = None


def read_clipboard(root: tk.Misc, on_done: Callable[[ClipboardContent], None]) -> None:
    """Reads the clipboard and calls `on_done` with what it holds, on the Tk thread.

    On X11 the image is fetched by xclip or wl-paste on a thread of its own: the owner
    of the clipboard may be this very process, which must keep handling events to
    answer, and a slow owner must not freeze the window.
    """
    if sys.platform in ("win32", "darwin"):
        on_done(_read_with_pillow() or _read_text(root))
        return
    if _we_own_clipboard(root):
        on_done(_read_text(root))  # our own copied text; never an image
        return
    if _tool_command("TARGETS") is None:
        targets = _tk_targets(root)
        problem = _(NO_TOOL) if any(t in targets for t in IMAGE_TARGETS) else None
        on_done(_read_text(root, targets, problem))
        return
    results: queue.SimpleQueue[tuple[bytes | None, tuple[str, ...], str | None]]
    results = queue.SimpleQueue()
    threading.Thread(
        target=lambda: results.put(_read_x11_image()), name="clipboard", daemon=True
    ).start()

    def check() -> None:
        try:
            image, targets, problem = results.get_nowait()
        except queue.Empty:
            root.after(POLL_MS, check)
            return
        if image is not None:
            on_done(ClipboardContent(image=image))
        else:
            on_done(_read_text(root, targets, problem))

    root.after(POLL_MS, check)


def _read_text(
    root: tk.Misc, targets: tuple[str, ...] = (), problem: str | None = None
) -> ClipboardContent:
    """Copied files, as a URI list or as plain text; else why nothing was found."""
    for kind in ("text/uri-list", None):
        if kind is not None and kind not in targets:
            continue
        paths = _paths_from_text(_clipboard_text(root, kind))
        if paths:
            return ClipboardContent(paths=tuple(paths))
    return ClipboardContent(
        problem=problem
        or _(
            "The clipboard holds no image and no image files. "
            "Copy an image (or image files) first."
        )
    )


def _we_own_clipboard(root: tk.Misc) -> bool:
    """Text this window copied (Copy all) is read through Tk directly."""
    try:
        return bool(root.tk.call("selection", "own", "-selection", "CLIPBOARD"))
    except tk.TclError:
        return False


def _tk_targets(root: tk.Misc) -> tuple[str, ...]:
    try:
        return tuple(root.tk.splitlist(root.clipboard_get(type="TARGETS")))
    except tk.TclError:
        return ()


def _read_x11_image() -> tuple[bytes | None, tuple[str, ...], str | None]:
    """(image bytes, the types on offer, a problem): runs off the Tk thread, no Tk calls."""
    listed, problem = _run_tool("TARGETS")
    targets = tuple(listed.decode(errors="replace").split()) if listed else ()
    image_type = next((t for t in IMAGE_TARGETS if t in targets), None)
    if image_type is None:
        return None, targets, None
    data, problem = _run_tool(image_type)
    return data, targets, problem


def _tool_command(target: str) -> list[str] | None:
    """xclip or wl-paste asked for one clipboard type, or None when neither is installed."""
    if os.environ.get("WAYLAND_DISPLAY") and shutil.which("wl-paste"):
        if target == "TARGETS":
            return ["wl-paste", "--list-types"]
        return ["wl-paste", "--no-newline", "--type", target]
    if shutil.which("xclip"):
        return ["xclip", "-selection", "clipboard", "-target", target, "-out"]
    return None


def _clipboard_text(root: tk.Misc, kind: str | None = None) -> str:
    try:
        if kind is None:
            return str(root.clipboard_get())
        return str(root.clipboard_get(type=kind))
    except tk.TclError:
        return ""


def _run_tool(target: str) -> tuple[bytes | None, str | None]:
    """The clipboard's bytes of one type from xclip or wl-paste; or why not."""
    command = _tool_command(target)
    if command is None:
        return None, _(NO_TOOL)
    try:
        done = subprocess.run(command, capture_output=True, timeout=TOOL_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, _("Could not read the clipboard ({reason}).").format(reason=exc)
    if done.returncode != 0 or not done.stdout:
        detail = done.stderr.decode(errors="replace").strip()
        return None, _("Could not read the clipboard ({reason}).").format(
            reason=detail or _("empty")
        )
    return done.stdout, None


def _read_with_pillow() -> ClipboardContent | None:
    from PIL import Image, ImageGrab

    try:
        grabbed = ImageGrab.grabclipboard()
    except (OSError, NotImplementedError, ChildProcessError) as exc:
        logger.info("no image from the clipboard: %s", exc)
        return None
    if isinstance(grabbed, Image.Image):
        buffer = io.BytesIO()
        grabbed.save(buffer, format="PNG")
        return ClipboardContent(image=buffer.getvalue())
    if isinstance(grabbed, list):
        paths = [p for p in grabbed if isinstance(p, str) and Path(p).exists()]
        if paths:
            return ClipboardContent(paths=tuple(paths))
    return None


def _paths_from_text(text: str) -> list[str]:
    """Existing paths, one per line (file:// URIs decoded); [] unless every line is one."""
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n")]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    if not lines or len(lines) > 10000:
        return []
    paths = [uri_to_path(ln.strip('"')) for ln in lines]
    if all(Path(p).exists() for p in paths):
        return paths
    return []
