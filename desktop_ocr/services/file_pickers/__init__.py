"""The desktop's own file dialogs on Linux: the portal, zenity or kdialog, picked at run time.

Tk's dialogs are the system's on Windows and macOS, but on Linux Tk draws a plain one of
its own. These pickers run outside Tk (a child process or a D-Bus call), so they can run
on a worker thread while the window keeps drawing. No Tk here: the window asks,
`pick` answers, and the window falls back to Tk's dialog when no picker can run.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from types import ModuleType

from desktop_ocr.services.file_pickers import kdialog, portal, zenity
from desktop_ocr.services.file_pickers.models import (
    PickerUnavailableError,
    PickRequest,
    PickResult,
)

logger = logging.getLogger(__name__)

FILE_DIALOG_ENV = "DESKTOP_OCR_FILE_DIALOG"
AUTO = "auto"
TK = "tk"
PICKERS: dict[str, ModuleType] = {m.NAME: m for m in (portal, zenity, kdialog)}
CHOICES = (AUTO, TK, *PICKERS)

__all__ = [
    "CHOICES",
    "FILE_DIALOG_ENV",
    "PickRequest",
    "PickResult",
    "PickerUnavailableError",
    "chosen_dialog",
    "pick",
    "pickers_to_try",
]


def chosen_dialog(setting: str | None) -> str:
    """Which dialog to use: DESKTOP_OCR_FILE_DIALOG, else the setting, else auto."""
    for source, value in ((FILE_DIALOG_ENV, os.environ.get(FILE_DIALOG_ENV)), ("setting", setting)):
        if not value:
            continue
        value = value.strip().lower()
        if value in CHOICES:
            return value
        logger.warning("%s: unknown file dialog %r (one of %s); using auto", source, value, CHOICES)
    return AUTO


def pickers_to_try(choice: str, platform: str = sys.platform) -> list[ModuleType]:
    """The pickers to try in order; none means Tk's dialog.

    Auto tries the portal (the desktop's own dialog, whatever the desktop), then kdialog
    first on KDE and zenity first elsewhere. Off Linux, Tk's dialogs are the native ones.
    """
    if choice == TK:
        return []
    if choice in PICKERS:
        return [PICKERS[choice]]
    if not platform.startswith("linux"):
        return []
    desktop = os.environ.get("XDG_CURRENT_DESKTOP", "").upper()
    programs = [kdialog, zenity] if "KDE" in desktop else [zenity, kdialog]
    return [portal, *programs]


def pick(request: PickRequest, choice: str, cancel: threading.Event) -> PickResult | None:
    """Shows the first picker that can run (blocking: call it off the Tk thread).

    None when none could, and the caller shows Tk's dialog instead.
    """
    for picker in pickers_to_try(choice):
        try:
            paths = picker.pick(request, cancel)
        except PickerUnavailableError as exc:
            logger.info("no %s file dialog: %s", picker.NAME, exc)
            continue
        return PickResult(tuple(paths), picker.NAME)
    return None
