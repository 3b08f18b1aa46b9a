"""Runs a child process as an ordinary user would be: without root's file capabilities.

The tests run as root in CI, and root reads and writes any file regardless of its mode;
setpriv drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the child, so modes apply.
"""

from __future__ import annotations

import os
import shutil

import pytest


def unprivileged(command: list[str]) -> list[str]:
    """`command`, run so that file permissions apply to it (skips where that is impossible)."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv to drop CAP_DAC_OVERRIDE")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]
