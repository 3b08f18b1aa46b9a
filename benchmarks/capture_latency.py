"""Screen capture: from the mouse release to the text on the clipboard, for a 600x200 region.

Shows a window of interface text (English and Chinese, 12-16 px) under Xvfb when no
DISPLAY is set, starts a capture as the app does (grab, overlay), drags a 600x200
rectangle over the text with xdotool, and times each capture two ways:

- app: from the release event reaching the overlay to the clipboard tool having taken
  the text (what the notice reports);
- end to end: from just before `xdotool mouseup` is started to the same point, so it
  includes xdotool starting and the X server delivering the release.

The engine is the default config (configs/config.yaml, the CPU), loaded and warmed by
one untimed capture first, as it is in a running window. Every capture's clipboard is
checked against the text shown.

    .venv/bin/python benchmarks/capture_latency.py [--rounds 20] \\
        [--out benchmarks/results/capture_latency.md]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
import tkinter as tk
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

LINES = (
    ("Invoice number 20481 is due on 14 March", ("DejaVu Sans", -16)),
    ("请在三月十四日之前付款", ("WenQuanYi Micro Hei", -16)),
    ("Total amount 356.20 EUR", ("DejaVu Sans", -14)),
    ("订单已发货，预计三天内送达", ("WenQuanYi Micro Hei", -14)),
    ("Thank you for your order", ("DejaVu Sans", -12)),
)
LEFT, TOP, WIDTH, HEIGHT = 100, 120, 600, 200


def pump(root: tk.Misc, until, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        root.update()
        time.sleep(0.001)


def xdotool(*args: str) -> None:
    subprocess.run(["xdotool", *args], check=True, timeout=30)


def show_text(root: tk.Tk) -> None:
    window = tk.Toplevel(root)
    window.overrideredirect(True)
    window.geometry(f"{WIDTH + 40}x{HEIGHT + 40}+{LEFT - 20}+{TOP - 20}")
    window.configure(background="white")
    for i, (text, font) in enumerate(LINES):
        tk.Label(window, text=text, font=font, background="white").place(x=24, y=24 + 38 * i)
    pump(root, window.winfo_ismapped)
    root.update()


def one_capture(root, worker, options) -> dict:
    from desktop_ocr.gui.capture_run import CaptureRun

    ended: list[float] = []
    cpu: list[float] = []

    def finished(_run: CaptureRun) -> None:
        ended.append(time.perf_counter())
        cpu.append(time.process_time())

    run = CaptureRun(root, worker, options, notice=False, on_finished=finished)
    run.start()
    pump(root, lambda: run.capture.overlay is not None)
    root.update()
    xdotool("mousemove", str(LEFT), str(TOP))
    xdotool("mousedown", "1")
    xdotool("mousemove", str(LEFT + WIDTH // 2), str(TOP + HEIGHT // 2))
    xdotool("mousemove", str(LEFT + WIDTH), str(TOP + HEIGHT))
    pump(root, lambda: _dragged(run))
    sent = time.perf_counter()
    cpu_sent = time.process_time()
    xdotool("mouseup", "1")
    pump(root, lambda: ended)
    outcome, result = run.outcome, run.result
    assert outcome is not None and result is not None and run.region is not None
    copied = subprocess.run(
        ["xclip", "-selection", "clipboard", "-out"], capture_output=True, check=False
    ).stdout.decode()
    return {
        "app_ms": outcome.ms,
        "end_to_end_ms": (ended[0] - sent) * 1000,
        "overhead_ms": outcome.ms - result.timings.total,
        "cpu_ms": (cpu[0] - cpu_sent) * 1000,
        "ocr_ms": result.timings.total,
        "det_ms": result.timings.det,
        "rec_ms": result.timings.rec,
        "size": run.region.image.size,
        "text_ok": copied == "\n".join(text for text, _ in LINES),
        "copied": copied,
    }


def _dragged(run) -> bool:
    overlay = run.capture.overlay
    if overlay is None or not overlay.screens:
        return False
    return overlay.screens[0].selection.width() == WIDTH


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.0f} | {p90:.0f} | {ordered[0]:.0f} | {ordered[-1]:.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--out", type=Path, help="write the report (Markdown) here")
    args = parser.parse_args()

    from tools.virtual_display import ensure_display

    xvfb = ensure_display()
    from desktop_ocr.engine import load_config
    from desktop_ocr.services.capture.options import CaptureOptions
    from desktop_ocr.services.worker import EngineReady, OcrWorker

    config = load_config(REPO / "configs" / "config.yaml")
    worker = OcrWorker(config)
    worker.start()
    while not isinstance(worker.events.get(timeout=120), EngineReady):
        pass
    root = tk.Tk()
    root.withdraw()
    show_text(root)
    options = CaptureOptions()
    one_capture(root, worker, options)  # warm-up, as in a window that has read before
    rounds = [one_capture(root, worker, options) for _ in range(args.rounds)]
    worker.stop(timeout=10)
    root.destroy()
    if xvfb is not None:
        xvfb.terminate()

    wrong = [r["copied"] for r in rounds if not r["text_ok"]]
    size = rounds[0]["size"]
    cpu = platform.processor() or platform.machine()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    report = [
        "# Screen capture: mouse release to text on the clipboard",
        "",
        f"{datetime.date.today()}, {len(rounds)} captures of a {size[0]}x{size[1]} region "
        f"(5 lines of interface text), {config.device.upper()}, models "
        f"{models_text(config)}; "
        f"{os.cpu_count()} cores ({cpu}), load average {load:.1f} at the end.",
        "",
        "| ms | median | p90 | min | max |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| app: release event to clipboard | {summary([r['app_ms'] for r in rounds])} |",
        f"| end to end: `xdotool mouseup` to clipboard | "
        f"{summary([r['end_to_end_ms'] for r in rounds])} |",
        f"| of which OCR (engine total) | {summary([r['ocr_ms'] for r in rounds])} |",
        f"| of which the rest (cut, PNG, hand-over, clipboard) | "
        f"{summary([r['overhead_ms'] for r in rounds])} |",
        f"| of which detection | {summary([r['det_ms'] for r in rounds])} |",
        f"| of which recognition | {summary([r['rec_ms'] for r in rounds])} |",
        f"| CPU time of this process, all threads, mouseup to clipboard | "
        f"{summary([r['cpu_ms'] for r in rounds])} |",
        "",
        "Wall times grow with the machine's load; the CPU time does not, and on an idle "
        "machine the wall time is at most about that CPU time (onnxruntime spreads the work "
        "over the cores).",
        "",
        f"Clipboard equal to the text shown: {len(rounds) - len(wrong)} of {len(rounds)}.",
        *(f"- read instead: {w!r}" for w in wrong[:3]),
        "",
        f"Command: `.venv/bin/python benchmarks/capture_latency.py --rounds {args.rounds}`",
    ]
    text = "\n".join(report) + "\n"
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0


def models_text(config) -> str:
    """The config's models section as written (a pack name, or the model files)."""
    models = config.to_mapping().get("models") or {}
    return ", ".join(f"{k}: {v}" for k, v in models.items() if v)


if __name__ == "__main__":
    sys.exit(main())
