"""Resident memory over a long batch: the samples repeated, RSS read every 50 images.

Usage: python benchmarks/memory_soak.py [--images 500] [--config configs/config.yaml] [DIR]
Prints RSS after every 50 images and the growth between image 50 and the last one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from desktop_ocr.engine import OcrEngine, OcrError, load_config  # noqa: E402
from desktop_ocr.services.discovery import expand_paths  # noqa: E402


def rss_mb() -> float:
    """Resident set size of this process, from /proc (Linux) or psutil."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(REPO.parent / "shared/data/samples"))
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--config", default=str(REPO / "configs" / "config.yaml"))
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    files = expand_paths([args.folder]).files
    engine = OcrEngine(load_config(args.config))
    marks: list[tuple[int, float]] = [(0, rss_mb())]
    start = time.perf_counter()
    for i in range(1, args.images + 1):
        try:
            engine(files[(i - 1) % len(files)])
        except OcrError as exc:
            print(f"  {exc}", file=sys.stderr)
        if i % 50 == 0:
            marks.append((i, rss_mb()))
            print(f"{i:5d} images  RSS {marks[-1][1]:8.1f} MB", flush=True)
    elapsed = time.perf_counter() - start
    at_50 = dict(marks)[50]
    last = marks[-1][1]
    print(
        f"RSS after 50: {at_50:.1f} MB; after {args.images}: {last:.1f} MB; "
        f"growth {last - at_50:+.1f} MB; {elapsed:.0f} s"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"marks": marks, "growth_mb": last - at_50, "config": args.config}, indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
