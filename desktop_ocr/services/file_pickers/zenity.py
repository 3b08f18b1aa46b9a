"""GNOME and other GTK desktops: zenity shows GTK's file chooser as its own process."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from desktop_ocr.services.file_pickers.models import PickerUnavailableError, PickRequest
from desktop_ocr.services.file_pickers.process import find_program, run_picker

logger = logging.getLogger(__name__)

NAME = "zenity"
SEPARATOR = "\n"


# Options of zenity 3 that later releases may drop; without them the dialog still works.
X11_EXTRAS = ("--modal", "--attach=", "--confirm-overwrite")


def command(program: str, request: PickRequest, *, extras: bool = True) -> list[str]:
    """zenity's command line for `request` (`extras`: keep it above the window, and ask
    before overwriting a file)."""
    argv = [program, "--file-selection", f"--title={request.title}", "--modal"]
    if request.parent_window:
        argv.append(f"--attach={request.parent_window:#x}")
    folder = str(Path(request.start_dir)).rstrip("/") + "/"  # start inside it
    if request.kind == "open_files":
        argv += ["--multiple", f"--separator={SEPARATOR}", f"--filename={folder}"]
    elif request.kind == "folder":
        argv += ["--directory", f"--filename={folder}"]
    else:
        argv += [
            "--save",
            "--confirm-overwrite",
            f"--filename={Path(request.start_dir) / request.initialfile}",
        ]
    if request.kind != "folder":
        for label, globs in request.patterns():
            argv.append(f"--file-filter={label} | {' '.join(globs)}")
    if not extras:
        argv = [a for a in argv if not a.startswith(X11_EXTRAS)]
    return argv


def pick(request: PickRequest, cancel: threading.Event) -> list[str]:
    """The paths chosen, [] when cancelled; PickerUnavailableError when zenity cannot show one."""
    program = find_program("zenity")
    code, out = run_picker(command(program, request), cancel)
    if code not in (0, 1) and not cancel.is_set():
        # A zenity that refuses an option it no longer has exits at once with an error.
        logger.info("zenity ended with code %s; trying again without %s", code, X11_EXTRAS)
        code, out = run_picker(command(program, request, extras=False), cancel)
    if code == 1:  # Cancel, Esc or the window closed
        return []
    if code != 0:
        raise PickerUnavailableError(f"zenity ended with code {code}")
    return [line for line in out.split(SEPARATOR) if line]
