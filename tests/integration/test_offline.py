"""OCR runs offline: loading the models and reading an image opens no socket."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Python raises an audit event for every socket made, connected, bound or looked up.
PROBE = """
import json, sys
events = []
sys.addaudithook(lambda event, args: events.append(event) if event.startswith("socket.") else None)
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
