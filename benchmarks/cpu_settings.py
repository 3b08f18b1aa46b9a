"""Time and memory of the default engine with single CPU settings changed, in one run.

    python benchmarks/cpu_settings.py [--images GLOB ...] [--limit N] [--rounds 4]
        [--variant LABEL=KEY=VALUE[,KEY=VALUE...] ...] [--config configs/config.yaml]
        [--out FILE.md]

Each variant reads the same images in a process of its own, start to exit (imports and
model loading included), as a user's `desktop-ocr ocr` run does; the variants take turns,
round after round, so that drift on a busy machine falls on all alike. Per variant: the
median wall time, CPU time and peak resident memory of its processes, and the median of
its wall time over the first variant's in the same round. The text read is compared too:
a setting that changes what is read says so.

The default variants are the defaults against each of the CPU settings that make them
fast turned back: the memory arena (`runtime.cpu_mem_arena`), lines read side by side
(`runtime.rec_sessions`) and long lines narrowed (`rec.width_scale`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(REPO))

DEFAULT_IMAGES = [
    str(REPO / "benchmarks" / "data" / "doc_en" / "*.png"),
    str(REPO.parent / "shared" / "data" / "devset" / "scene_en" / "*.jpg"),
]
DEFAULT_VARIANTS = [
    "default=",
    "no arena=runtime.cpu_mem_arena=false",
    "one rec session=runtime.rec_sessions=1",
    "lines not narrowed=rec.width_scale=1.0",
    "as before=runtime.cpu_mem_arena=false,runtime.rec_sessions=1,rec.width_scale=1.0",
]


@dataclass
class Variant:
    label: str
    settings: list[str]
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    text_digest: str = ""


def parse_variant(text: str) -> Variant:
    label, _, settings = text.partition("=")
    if not label:
        raise argparse.ArgumentTypeError(f"{text!r}: give LABEL=KEY=VALUE[,KEY=VALUE...]")
    return Variant(label, [s for s in settings.split(",") if s])


def child(config: str, settings: list[str], images: list[str]) -> None:
    """Reads the images once and prints a digest of the text: the timed process."""
    from benchmarks.ocr_runner import parse_overrides
    from desktop_ocr.engine import OcrEngine, load_config

    engine = OcrEngine(load_config(config, overrides=parse_overrides(settings)))
    digest = hashlib.sha256()
    for path in images:
        for line in engine(path).lines:
            digest.update(line.text.encode("utf-8") + b"\n")
    sys.stdout.write(json.dumps({"digest": digest.hexdigest()[:12], "peak_mb": peak_mb()}) + "\n")


def run_once(variant: Variant, config: str, images: list[str]) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [sys.executable, __file__, "--child", "--config", config, "--images", *images]
    done = subprocess.run(
        [*command, "--set", *variant.settings],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{variant.label} failed:\n{done.stderr[-2000:]}")
    variant.wall.append(wall)
    variant.cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    said = json.loads(done.stdout.strip().splitlines()[-1])
    variant.peak_mb.append(said["peak_mb"])  # the child's own: ru_maxrss of children is a max
    variant.text_digest = said["digest"]


def report(variants: list[Variant], images: list[str], args: argparse.Namespace) -> str:
    base = variants[0]
    lines = [
        "# CPU settings: time and memory of the default with one setting turned back",
        "",
        f"Command: `python benchmarks/cpu_settings.py {' '.join(sys.argv[1:])}`".rstrip(),
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.processor() or platform.machine()},"
        f" {platform.platform()}, Python {platform.python_version()}; {len(images)} images,"
        f" {args.rounds} rounds, the variants in turn. Each figure is the median over the"
        " rounds of one whole process (imports and model loading included).",
        "",
        "| variant | settings | wall s | CPU s | peak MB | wall / default | same text |",
        "|---|---|---|---|---|---|---|",
    ]
    for v in variants:
        ratio = statistics.median(w / b for w, b in zip(v.wall, base.wall, strict=True))
        lines.append(
            f"| {v.label} | {', '.join(v.settings) or '(config as it is)'} "
            f"| {statistics.median(v.wall):.1f} | {statistics.median(v.cpu):.1f} "
            f"| {statistics.median(v.peak_mb):.0f} | {ratio:.2f} "
            f"| {'yes' if v.text_digest == base.text_digest else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM on Linux, ru_maxrss elsewhere)."""
    try:
        for row in Path("/proc/self/status").read_text().splitlines():
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) / 1024
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale / 1024


def matching(pattern: str) -> list[Path]:
    """The files a `folder/*.png`-style pattern names, sorted."""
    path = Path(pattern).expanduser()
    return sorted(path.parent.glob(path.name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", nargs="+", default=DEFAULT_IMAGES, help="files or globs")
    parser.add_argument("--limit", type=int, default=6, help="images per glob (default 6)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--variant", type=parse_variant, action="append", default=None)
    parser.add_argument("--config", default=str(REPO / "configs" / "config.yaml"))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--set", nargs="*", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.config, args.set, args.images)
        return 0
    images = [str(p) for pattern in args.images for p in matching(pattern)[: args.limit]]
    if not images:
        parser.error("no images match --images")
    variants = args.variant or [parse_variant(v) for v in DEFAULT_VARIANTS]
    for _ in range(args.rounds):
        for variant in variants:
            run_once(variant, args.config, images)
    text = report(variants, images, args)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
