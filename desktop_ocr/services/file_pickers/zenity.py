"""GNOME and other GTK desktops: zenity shows GTK's file chooser as its own process."""

from __future__ import annotations

import threading
from pathlib import Path

from desktop_ocr.services.file_pickers.models import PickerUnavailableError, PickRequest
from desktop_ocr.services.file_pickers.process import find_program, run_picker

NAME = "zenity"
SEPARATOR = "\n"


def command(program: str, request: PickRequest) -> list[str]:
    """zenity's command line for `request`."""
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
    return argv


def pick(request: PickRequest, cancel: threading.Event) -> list[str]:
    """The paths chosen, [] when cancelled; PickerUnavailableError when zenity cannot show one."""
    code, out = run_picker(command(find_program("zenity"), request), cancel)
    if code == 1:  # Cancel, Esc or the window closed
        return []
    if code != 0:
        raise PickerUnavailableError(f"zenity ended with code {code}")
    return [line for line in out.split(SEPARATOR) if line]
