"""How responsive the window stays while it reads a large image, and how fast it starts.

Opens the real window (under Xvfb when no DISPLAY is set), waits for the engine, then
queues the largest sample image (by pixel count) several times. A periodic `after()`
callback asks to run every 10 ms; how late each call comes is the delay a user would
feel on a click or a redraw. The same is measured with the window idle, as a baseline.
Start-up is timed as `python -m desktop_ocr` to a visible window (with xdotool).

With `--large N`, N pages of `--large-size` (default 8700x5800, 50 megapixels) are
then read, and the user switches between their results as fast as they would click
through a list (a row every `--switch-ms`), zooming to 100% and back and rotating on
the way; the lateness is measured while they are read and shown, and while switching.

    .venv/bin/python benchmarks/gui_responsiveness.py [--repeat 5] [--large 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = Path(os.environ.get("DESKTOP_OCR_SAMPLES", REPO.parent / "shared" / "data" / "samples"))
TICK_MS = 10


def biggest_image(folder: Path) -> Path:
    from PIL import Image

    from desktop_ocr.engine import IMAGE_SUFFIXES

    best: tuple[int, Path] | None = None
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        with Image.open(path) as image:
            pixels = image.width * image.height
        if best is None or pixels > best[0]:
            best = (pixels, path)
    if best is None:
        raise SystemExit(f"no images in {folder}")
    return best[1]


def large_pages(count: int, size: str) -> list[Path]:
    """`count` large pages with text, written to a temporary folder (PNG)."""
    if not count:
        return []
    from tools.large_pages import write_page

    width, height = (int(v) for v in size.lower().split("x"))
    folder = Path(tempfile.mkdtemp(prefix="desktop-ocr-large-"))
    paths = []
    for n in range(count):
        path = folder / f"page-{n + 1}.png"
        write_page(path, (width, height), f"PAGE {n + 1}", seed=n)
        paths.append(path)
    return paths


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "p50_ms": round(pick(0.50), 2),
        "p99_ms": round(pick(0.99), 2),
        "max_ms": round(ordered[-1], 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }


def startup_seconds(runs: int) -> list[float]:
    """`python -m desktop_ocr` until its window is visible, as xdotool sees it."""
    if shutil.which("xdotool") is None:
        return []
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as config:
            env = dict(os.environ, DESKTOP_OCR_CONFIG_DIR=config)
            started = time.perf_counter()
            app = subprocess.Popen([sys.executable, "-m", "desktop_ocr"], cwd=REPO, env=env)
            subprocess.run(
                ["xdotool", "search", "--sync", "--onlyvisible", "--name", "^Desktop OCR$"],
                check=True,
                capture_output=True,
                timeout=60,
            )
            times.append(time.perf_counter() - started)
            app.terminate()
            app.wait(timeout=60)
    return times


class Ticker:
    """An `after()` callback re-armed every TICK_MS; records how late each call comes."""

    def __init__(self, root) -> None:
        self.root = root
        self.lateness: list[float] = []
        self.record = False
        self.last = time.perf_counter()
        root.after(TICK_MS, self.tick)

    def tick(self) -> None:
        now = time.perf_counter()
        if self.record:
            self.lateness.append(max(0.0, (now - self.last) * 1000 - TICK_MS))
        self.last = now
        self.root.after(TICK_MS, self.tick)

    def take(self) -> list[float]:
        taken, self.lateness = self.lateness, []
        return taken


def run_until(root, condition: Callable[[], bool], timeout: float) -> None:
    """The real main loop, left when `condition()` holds."""
    deadline = time.monotonic() + timeout

    def check() -> None:
        if condition():
            root.quit()
        elif time.monotonic() > deadline:
            raise SystemExit("timed out")
        else:
            root.after(50, check)

    root.after(50, check)
    root.mainloop()


def measure_large(window, ticker: Ticker, pages: list[Path], switches: int, switch_ms: int):
    """Reads the large pages, then clicks through their results; lateness of both phases."""
    root, view = window.root, window.image_view
    before = set(window.jobs)
    window.add_paths(pages)
    ticker.take()
    ticker.record = True
    started = time.perf_counter()
    run_until(
        root,
        lambda: len(window.jobs) > len(before)
        and all(e.state in ("done", "failed") for e in window.jobs.values())
        and view.mode == "image",
        1800,
    )
    reading = ticker.take()
    read_s = time.perf_counter() - started
    ids = [j for j in window.jobs if j not in before]
    # Each step is what a user does with a click or a key: the next row, 100%, Fit, Rotate.
    steps = ["next", "actual", "next", "rotate", "actual", "next", "fit"]
    handler_ms: list[float] = []
    state = {"step": 0, "row": 0}

    def act() -> None:
        n = state["step"]
        if n >= switches:
            return
        step = steps[n % len(steps)]
        begun = time.perf_counter()
        if step == "next":
            state["row"] = (state["row"] + 1) % len(ids)
            window.show_job(ids[state["row"]])
        else:
            view.controls[step].invoke()
        handler_ms.append((time.perf_counter() - begun) * 1000)
        state["step"] = n + 1
        root.after(switch_ms, act)

    root.after(switch_ms, act)
    started = time.perf_counter()
    run_until(root, lambda: state["step"] >= switches, switches * switch_ms / 1000 + 600)
    # The last picture asked for is drawn (a dropped one decodes in the background).
    run_until(root, lambda: view.mode == "image", 300)
    switching = ticker.take()
    ticker.record = False
    # What the display cache holds (on builds that have one).
    held = getattr(getattr(window.display, "images", None), "held_bytes", None)
    failed = {e.name: e.reason for e in map(window.jobs.get, ids) if e.state != "done"}
    if failed:
        raise SystemExit(f"large pages not read: {failed}")
    return {
        "pages": len(ids),
        "reading": percentiles(reading),
        "reading_seconds": round(read_s, 2),
        "switching": percentiles(switching),
        "switching_seconds": round(time.perf_counter() - started, 2),
        "switch_steps": switches,
        "longest_step_ms": round(max(handler_ms), 2),
        "held_mb": [round(b / 2**20, 1) for b in held] if held else None,
    }


def measure(
    image: Path,
    repeat: int,
    idle_s: float,
    large: list[Path] | None = None,
    switches: int = 0,
    switch_ms: int = 300,
) -> dict:
    from desktop_ocr.gui.app import open_window

    window = open_window()
    root = window.root
    state = {"record": False}

    # How long the window's own work takes (events, showing a result), to tell it apart
    # from time the worker thread keeps the main thread waiting (GIL, CPU).
    poll_ms: list[float] = []
    own_poll = window._poll

    def timed_poll() -> None:
        started = time.perf_counter()
        own_poll()
        if state["record"]:
            poll_ms.append((time.perf_counter() - started) * 1000)

    window._poll = timed_poll  # type: ignore[method-assign]
    ticker = Ticker(root)
    run_until(root, lambda: window.providers is not None, 120)
    state["record"] = ticker.record = True
    idle_end = time.monotonic() + idle_s
    run_until(root, lambda: time.monotonic() > idle_end, idle_s + 5)
    idle = ticker.take()
    poll_ms.clear()
    for _ in range(repeat):
        window.add_paths([image])
    started = time.perf_counter()
    run_until(
        root, lambda: all(e.state in ("done", "failed") for e in window.jobs.values()), 1200
    )
    busy_s = time.perf_counter() - started
    busy = ticker.take()
    longest_poll = max(poll_ms)
    results = [e.result for e in window.jobs.values() if e.result is not None]
    stages = {
        stage: round(statistics.median(getattr(r.timings, stage) for r in results), 1)
        for stage in ("det", "cls", "rec", "total")
    }
    providers = list(window.providers.granted)
    large_result = None
    if large:
        poll_ms.clear()
        large_result = measure_large(window, ticker, large, switches, switch_ms)
        large_result["longest_poll_ms"] = round(max(poll_ms), 2)
    state["record"] = False
    window.close()
    return {
        "idle": percentiles(idle),
        "busy": percentiles(busy),
        "busy_seconds": round(busy_s, 2),
        "longest_poll_ms": round(longest_poll, 2),
        "images": len(results),
        "image_ms_median": stages,
        "providers": providers,
        "large": large_result,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="Window responsiveness during OCR.")
    parser.add_argument("--image", type=Path, help="default: the largest sample by pixel count")
    parser.add_argument("--repeat", type=int, default=5, help="times the image is read")
    parser.add_argument("--idle", type=float, default=3.0, help="seconds of idle baseline")
    parser.add_argument("--startup-runs", type=int, default=3)
    parser.add_argument("--large", type=int, default=0, help="large pages to read and switch")
    parser.add_argument("--large-size", default="8700x5800", help="their size, WxH")
    parser.add_argument("--switches", type=int, default=60, help="clicks while switching")
    parser.add_argument("--switch-ms", type=int, default=300, help="time between two clicks")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))  # run from a checkout without installing it
    from tools.virtual_display import ensure_display

    xvfb = ensure_display()
    os.environ.setdefault("DESKTOP_OCR_CONFIG_DIR", tempfile.mkdtemp(prefix="desktop-ocr-bench-"))
    try:
        from PIL import Image

        image = args.image or biggest_image(SAMPLES)
        with Image.open(image) as opened:
            size = opened.size
        startup = startup_seconds(args.startup_runs)
        pages = large_pages(args.large, args.large_size)
        try:
            result = measure(image, args.repeat, args.idle, pages, args.switches, args.switch_ms)
        finally:
            if pages:
                shutil.rmtree(pages[0].parent, ignore_errors=True)
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)
    from desktop_ocr.services.machine_info import machine_info

    info = machine_info()
    result.update(
        image=str(image),
        image_size=list(size),
        tick_ms=TICK_MS,
        startup_seconds=[round(s, 3) for s in startup],
        machine={"cpu": info.cpu, "cores": info.cpu_cores, "os": info.os},
    )
    print(f"image: {image} ({size[0]}x{size[1]}), read {result['images']} times")
    print(f"machine: {info.cpu}, {info.cpu_cores} cores; {', '.join(result['providers'])}")
    print(f"per image (median ms): {result['image_ms_median']}")
    print("after() lateness (ms)  | n     | p50   | p99   | max")
    for phase in ("idle", "busy"):
        p = result[phase]
        print(f"{phase:22s} | {p['n']:5d} | {p['p50_ms']:5} | {p['p99_ms']:5} | {p['max_ms']}")
    print(f"longest poll of the window's own (showing a result): {result['longest_poll_ms']} ms")
    if startup:
        print(f"start-up to a visible window: {', '.join(f'{s:.2f} s' for s in startup)}")
    large = result["large"]
    if large:
        print(f"large pages: {large['pages']} of {args.large_size}, read in "
              f"{large['reading_seconds']} s; {large['switch_steps']} clicks in "
              f"{large['switching_seconds']} s")
        for phase in ("reading", "switching"):
            p = large[phase]
            print(f"{phase + ' large':22s} | {p['n']:5d} | {p['p50_ms']:5} | {p['p99_ms']:5} "
                  f"| {p['max_ms']}")
        print(f"longest click handler: {large['longest_step_ms']} ms; longest poll: "
              f"{large['longest_poll_ms']} ms; display memory held (copies, full): "
              f"{large['held_mb']} MB")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
