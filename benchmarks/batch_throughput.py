"""Images per second of `desktop-ocr batch` with 1, 2 and N workers against one process.

Usage: python benchmarks/batch_throughput.py [FOLDER] [--copies 3] [--rounds 1]
       [--layouts 1x2,2x1,4x1] [--config configs/config.yaml] [--out FILE.md]

Every layout reads the same folder (default: the sample images copied --copies times, a
mix of word crops, screenshots and dense pages) into a fresh output folder through the
same batch service, so writing results and the manifest costs each the same. "one
process" reads in this process with one engine and onnxruntime's default threads, as
`desktop-ocr ocr` does; "W x T" is W worker processes of T threads each. Times are wall
clock from the start of the batch (engines loading included) to its last result. With
--rounds N the layouts take turns N times and the best round of each is kept, so a
machine that is busy for a while slows every layout alike.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from desktop_ocr.engine import EngineConfig, load_config  # noqa: E402
from desktop_ocr.services.batch import BatchSettings, BatchSummary, run_batch  # noqa: E402
from desktop_ocr.services.batch_plan import WorkItem  # noqa: E402
from desktop_ocr.services.batch_pool import LocalPool, cpu_count  # noqa: E402
from desktop_ocr.services.batch_reader import ItemOutcome, ItemReader  # noqa: E402
from desktop_ocr.services.discovery import expand_paths  # noqa: E402
from desktop_ocr.services.machine_info import cpu_name  # noqa: E402
from desktop_ocr.services.peak_memory import reset_peak  # noqa: E402

ONE_PROCESS = "one process"


class InProcessRunner:
    """Reads every item in this process with one engine: the `desktop-ocr ocr` way."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config

    def describe(self) -> str:
        return ONE_PROCESS

    def run(self, items: Sequence[WorkItem], cancel: threading.Event) -> Iterator[ItemOutcome]:
        reader = ItemReader(self.config)
        for index, item in enumerate(items):
            yield reader.read(index, item)


@dataclass
class Measure:
    label: str
    seconds: float
    summary: BatchSummary

    @property
    def rate(self) -> float:
        return self.summary.read / self.seconds


def parse_layouts(text: str | None, cores: int) -> list[tuple[int, int]]:
    if text:
        pairs = []
        for part in text.split(","):
            workers, threads = part.lower().split("x")
            pairs.append((int(workers), int(threads)))
        return pairs
    layouts = [(1, cores), (2, max(1, cores // 2)), (cores, 1), (2 * cores, 1)]
    return list(dict.fromkeys(layouts))


def make_folder(samples: Path, root: Path, copies: int) -> Path:
    files = expand_paths([samples]).files
    for copy in range(copies):
        for path in files:
            target = root / f"copy {copy}" / path.relative_to(samples)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return root


def measure(label: str, runner: object, folder: Path, scratch: Path) -> Measure:
    out = Path(tempfile.mkdtemp(prefix="out-", dir=scratch))
    reset_peak()
    start = time.perf_counter()
    summary = run_batch(BatchSettings((folder,), out), runner)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    shutil.rmtree(out)
    if summary.failed:
        raise SystemExit(f"{label}: {summary.failed} images failed: {summary.failures[:3]}")
    print(f"  {label:>12}: {summary.done} images in {seconds:6.1f} s", flush=True)
    return Measure(label, seconds, summary)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, help="images to read (default: samples)")
    parser.add_argument("--samples", type=Path, default=REPO.parent / "shared/data/samples")
    parser.add_argument("--copies", type=int, default=3, help="copies of the samples (default 3)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--layouts", help="WORKERSxTHREADS,... (default: 1xC,2xC/2,Cx1,2Cx1)")
    parser.add_argument("--config", type=Path, default=REPO / "configs" / "config.yaml")
    parser.add_argument("--out", type=Path, help="also write the table to this Markdown file")
    args = parser.parse_args()

    cores = cpu_count()
    config = load_config(args.config)
    layouts = parse_layouts(args.layouts, cores)
    with tempfile.TemporaryDirectory(prefix="desktop-ocr-throughput-") as tmp:
        scratch = Path(tmp)
        folder = args.folder or make_folder(args.samples, scratch / "images", args.copies)
        runs: dict[str, list[Measure]] = {}
        for round_ in range(args.rounds):
            print(f"round {round_ + 1} of {args.rounds}", flush=True)
            m = measure(ONE_PROCESS, InProcessRunner(config), folder, scratch)
            runs.setdefault(ONE_PROCESS, []).append(m)
            for workers, threads in layouts:
                label = f"{workers} x {threads}"
                pool = LocalPool(config, workers, threads)
                runs.setdefault(label, []).append(measure(label, pool, folder, scratch))
    table = render(runs, cores, args)
    print(table)
    if args.out:
        args.out.write_text(table, encoding="utf-8")
    return 0


def render(runs: dict[str, list[Measure]], cores: int, args: argparse.Namespace) -> str:
    base = max(m.rate for m in runs[ONE_PROCESS])
    images = runs[ONE_PROCESS][0].summary.done
    lines = [
        f"{time.strftime('%Y-%m-%d')}, {platform.platform(terse=True)}, "
        f"{cpu_name()} ({cores} cores), Python {platform.python_version()}, "
        f"{images} images, config {args.config.name}, best of {args.rounds} round(s)",
        "",
        "| workers x threads | best s | images/s | vs one process | median s "
        "| peak MB (this process + workers) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, measures in runs.items():
        best = min(measures, key=lambda m: m.seconds)
        peaks = best.summary.worker_peaks.values()
        memory = (best.summary.peak_bytes or 0) + sum(peaks)
        lines.append(
            f"| {label} | {best.seconds:.1f} | {best.rate:.2f} | {best.rate / base:.2f}x "
            f"| {statistics.median(m.seconds for m in measures):.1f} | {memory / 2**20:.0f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
