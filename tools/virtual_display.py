"""Starts an Xvfb virtual screen on a free display number, for tests and scripts without one."""

from __future__ import annotations

import os
import shutil
import subprocess


def start_xvfb(size: str = "1600x1000x24", dpi: int | None = None) -> tuple[subprocess.Popen, str]:
    """Starts Xvfb and returns it with its display name (":N"); Xvfb picks a free number.

    `dpi` makes it report a screen of that density (192: a 2x high-DPI screen).

    Raises FileNotFoundError when Xvfb is not installed and RuntimeError when it does not
    come up.
    """
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise FileNotFoundError("Xvfb is not installed (apt-get install xvfb)")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [
            xvfb,
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            size,
            "-nolisten",
            "tcp",
            *(["-dpi", str(dpi)] if dpi else []),
        ],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as reader:
        number = reader.readline().strip()
    if not number:
        proc.kill()
        raise RuntimeError("Xvfb did not start")
    return proc, f":{number}"


def ensure_display() -> subprocess.Popen | None:
    """Sets DISPLAY to a new Xvfb when none is set; returns that Xvfb (None if one was set)."""
    if os.environ.get("DISPLAY"):
        return None
    proc, name = start_xvfb()
    os.environ["DISPLAY"] = name
    return proc
