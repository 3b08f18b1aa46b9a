"""The README's first commands run as printed: as root without sudo, or as a user with it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def readme_commands() -> list[str]:
    """The one-line bash commands of the README's set-up section (the first code blocks)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    return [line for block in blocks[:2] for line in block.splitlines() if "apt-get" in line]


def test_the_setup_commands_never_name_sudo_bare():
    commands = readme_commands()
    assert len(commands) == 2
    for command in commands:
        assert re.search(r"(^|&& )sudo ", command) is None, command
        assert "$(command -v sudo) apt-get install -y python3-venv python3-tk" in command


@pytest.mark.slow
def test_the_package_step_runs_here_as_printed():
    """Runs each command up to the venv step (the apt-get part), with this machine's user.

    As root on a machine without sudo (where `sudo apt-get` stopped with "command not
    found"), this is the case the README must handle; as a user with sudo, sudo asks.
    """
    if os.geteuid() != 0 and shutil.which("sudo") is None:
        pytest.skip("neither root nor sudo: apt-get cannot run here")
    if shutil.which("apt-get") is None:
        pytest.skip("not a Debian-like system")
    for command in readme_commands():
        packages_step = command.split(" && python3 -m venv")[0]
        done = subprocess.run(
            ["bash", "-c", packages_step],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert "command not found" not in done.stderr
