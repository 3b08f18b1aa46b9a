"""KDE Plasma: kdialog shows the desktop's own file dialog as its own process."""

from __future__ import annotations

import threading
from pathlib import Path

from desktop_ocr.services.file_pickers.models import PickerUnavailableError, PickRequest
from desktop_ocr.services.file_pickers.process import find_program, run_picker

NAME = "kdialog"


def command(program: str, request: PickRequest) -> list[str]:
    """kdialog's command line for `request` (filters as "patterns|label" lines)."""
    argv = [program, "--title", request.title]
    if request.parent_window:
        argv += ["--attach", str(request.parent_window)]
    filters = "\n".join(f"{' '.join(globs)}|{label}" for label, globs in request.patterns())
    if request.kind == "open_files":
        argv += ["--getopenfilename", request.start_dir, filters, "--multiple", "--separate-output"]
    elif request.kind == "folder":
        argv += ["--getexistingdirectory", request.start_dir]
    else:
        start = str(Path(request.start_dir) / request.initialfile)
        argv += ["--getsavefilename", start, filters]
    return argv


def pick(request: PickRequest, cancel: threading.Event) -> list[str]:
    """The paths chosen, [] when cancelled; PickerUnavailableError when kdialog cannot show one."""
    code, out = run_picker(command(find_program("kdialog"), request), cancel)
    if code == 1:
        return []
    if code != 0:
        raise PickerUnavailableError(f"kdialog ended with code {code}")
    return [line for line in out.splitlines() if line]
