"""Running a picker program (zenity, kdialog) as a child process that a window may cancel."""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading

from desktop_ocr.services.file_pickers.models import PickerUnavailableError

logger = logging.getLogger(__name__)

POLL_S = 0.1


def find_program(name: str) -> str:
    """The program's path; PickerUnavailableError when it is not installed."""
    path = shutil.which(name)
    if path is None:
        raise PickerUnavailableError(f"{name} is not installed")
    return path


def run_picker(argv: list[str], cancel: threading.Event) -> tuple[int, str]:
    """Runs the picker until the user answers (its exit code and standard output).

    The picker is ended when `cancel` is set (its window closed). A program that cannot
    start, or dies without showing a dialog, raises PickerUnavailableError.
    """
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    except OSError as exc:
        raise PickerUnavailableError(f"{argv[0]} cannot start: {exc}") from exc
    output: dict[str, str] = {}

    def read() -> None:
        out, err = proc.communicate()
        output["out"], output["err"] = out, err

    reader = threading.Thread(target=read, name="picker-output", daemon=True)
    reader.start()
    while reader.is_alive():
        if cancel.is_set():
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
            reader.join(timeout=5)
            return 1, ""
        reader.join(timeout=POLL_S)
    err = output.get("err", "").strip()
    if err:
        logger.debug("%s said: %s", argv[0], err[-2000:])
    return proc.returncode, output.get("out", "")
