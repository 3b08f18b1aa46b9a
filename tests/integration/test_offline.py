"""OCR runs offline: loading the models and reading an image opens no network socket."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Python raises an audit event for every socket made, connected, bound or looked up. Local
# sockets (AF_UNIX: the X server that `doctor` asks whether a global shortcut can listen)
# and reading the host's own name are not the network, and are left out.
PROBE = """
import json, socket, sys
events = []
def hook(event, args):
    if not event.startswith("socket.") or event == "socket.gethostname":
        return
    if event == "socket.__new__" and args[1] == socket.AF_UNIX:
        return
    if event == "socket.connect" and isinstance(args[1], (str, bytes)):
        return
    events.append(event)
sys.addaudithook(hook)
from desktop_ocr.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
sys.stderr.write("SOCKET-EVENTS " + json.dumps(events) + "\\n")
sys.exit(code)
"""


def test_ocr_and_doctor_open_no_socket(samples_dir):
    for args in (
        ["ocr", "--device", "cuda", str(samples_dir / "rapidocr" / "ch_en_num.jpg")],
        ["doctor"],
    ):
        proc = subprocess.run(
            [sys.executable, "-c", PROBE, *args],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=300,
            env=dict(os.environ, PYTHONPATH=str(REPO)),
        )
        assert proc.returncode == 0, proc.stderr
        marker = [line for line in proc.stderr.splitlines() if line.startswith("SOCKET-EVENTS")]
        assert marker == ["SOCKET-EVENTS []"], marker
        if args[0] == "ocr":
            assert proc.stdout.splitlines()[0] == "正品促销"
