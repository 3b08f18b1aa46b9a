"""A long batch as the window runs it: 1,000 files, 5% broken, through the OCR worker.

Usage: python benchmarks/batch_1000.py [--total 1000] [--config configs/config.yaml]

Builds the folder (benchmarks/batch_folder.py) in a temporary directory, queues every file
on the worker thread and reports the time, what failed and why, and the resident memory:
every 100 images, the growth, and the peak.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.batch_folder import make_batch_folder  # noqa: E402
from benchmarks.memory_soak import rss_mb  # noqa: E402
from desktop_ocr.engine import load_config  # noqa: E402
from desktop_ocr.services.discovery import expand_paths  # noqa: E402
from desktop_ocr.services.peak_memory import peak_memory  # noqa: E402
from desktop_ocr.services.worker import EngineReady, JobDone, JobFailed, OcrWorker  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=1000)
    parser.add_argument("--config", default=str(REPO / "configs" / "config.yaml"))
    parser.add_argument("--samples", default=str(REPO.parent / "shared/data/samples"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="desktop-ocr-batch-") as tmp:
        folder = make_batch_folder(Path(tmp) / "batch", Path(args.samples), args.total)
        files = expand_paths([folder.root]).files
        worker = OcrWorker(load_config(args.config))
        worker.start()
        for path in files:
            worker.submit(path)
        started = None
        finished = 0
        reasons: collections.Counter[str] = collections.Counter()
        marks: list[tuple[int, float]] = []
        while finished < len(files):
            event = worker.events.get(timeout=600)
            if isinstance(event, EngineReady):
                started = time.perf_counter()
                marks.append((0, rss_mb()))
            elif isinstance(event, (JobDone, JobFailed)):
                finished += 1
                if isinstance(event, JobFailed):
                    reasons[event.reason.split(" (")[0]] += 1
                if finished % 100 == 0:
                    marks.append((finished, rss_mb()))
                    print(f"{finished:5d} done  RSS {marks[-1][1]:7.1f} MB", flush=True)
        elapsed = time.perf_counter() - (started or time.perf_counter())
        worker.stop(timeout=30)
    peak = peak_memory()
    print(
        f"{len(files)} files in {elapsed:.1f} s ({elapsed / len(files) * 1000:.1f} ms each); "
        f"{sum(reasons.values())} failed:"
    )
    for reason, count in reasons.most_common():
        print(f"  {count:4d}  {reason}")
    first = dict(marks).get(100, marks[0][1])
    print(
        f"RSS after 100: {first:.1f} MB, after {finished}: {marks[-1][1]:.1f} MB "
        f"(growth {marks[-1][1] - first:+.1f} MB); peak {peak.mib if peak else float('nan'):.1f}"
        f" MB ({peak.scope if peak else 'unknown'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
