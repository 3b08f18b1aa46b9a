"""Puts text on the system clipboard so that it stays there after the app exits.

On X11 and Wayland the clipboard is owned by a running program, not stored anywhere,
so `desktop-ocr capture` (which exits after copying) hands the text to xclip, xsel or
wl-copy, which keep serving it. They are started here rather than through pyperclip
because they fork and keep the standard streams they were given: pyperclip leaves
them ours, and a caller reading our output would then wait until the next copy.
Windows and macOS keep the clipboard themselves; pyperclip covers them.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile

logger = logging.getLogger(__name__)

TIMEOUT_S = 5.0
NO_TOOL = (
    "Copying text to the clipboard here needs xclip or xsel (or wl-clipboard on Wayland): "
    "install one, e.g. `sudo apt-get install xclip`."
)


class ClipboardError(Exception):
    """The text could not be put on the clipboard; the message says why and what to do."""


def copy_text(text: str) -> str:
    """Copies `text`; returns the tool that did it. Raises ClipboardError."""
    if sys.platform in ("win32", "darwin"):
        return _copy_with_pyperclip(text)
    command = _command()
    if command is None:
        raise ClipboardError(NO_TOOL)
    with tempfile.TemporaryFile() as errors:
        try:
            done = subprocess.run(
                command,
                input=text.encode("utf-8"),
                stdout=subprocess.DEVNULL,
                stderr=errors,
                timeout=TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ClipboardError(f"Could not copy to the clipboard ({exc}).") from exc
        if done.returncode != 0:
            errors.seek(0)
            detail = errors.read().decode(errors="replace").strip() or f"exit {done.returncode}"
            raise ClipboardError(f"Could not copy to the clipboard ({command[0]}: {detail}).")
    return command[0]


def _command() -> list[str] | None:
    if os.environ.get("WAYLAND_DISPLAY") and shutil.which("wl-copy"):
        return ["wl-copy", "--type", "text/plain;charset=utf-8"]
    if shutil.which("xclip"):
        return ["xclip", "-selection", "clipboard", "-in"]
    if shutil.which("xsel"):
        return ["xsel", "--clipboard", "--input"]
    return None


def _copy_with_pyperclip(text: str) -> str:
    import pyperclip

    try:
        pyperclip.copy(text)
    except pyperclip.PyperclipException as exc:
        raise ClipboardError(f"Could not copy to the clipboard ({exc}).") from exc
    return "pyperclip"
