"""Times the CPU and CUDA with each cudnn_conv_algo_search value over one folder, in one run.

Usage: python benchmarks/cuda_algo_search.py [FOLDER] [--warmup 3] [--repeat 3] [--out report.md]

Writes one config per search mode (config_gpu.yaml with that mode, and once more with
warm-up and shape buckets off, to show what per-shape tuning costs) to a temporary
folder, then runs `desktop-ocr bench` over all of them plus the CPU config, so that every
column is measured on the same machine in the same run. On a machine without CUDA the
CUDA columns say why they were not timed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
MODES = ("HEURISTIC", "DEFAULT", "EXHAUSTIVE")


def write_configs(folder: Path) -> list[Path]:
    base = yaml.safe_load((REPO / "configs" / "config_gpu.yaml").read_text(encoding="utf-8"))
    paths = []
    for mode in MODES:
        for bucketed in (True, False):
            data = yaml.safe_load(yaml.safe_dump(base))
            data["cuda"]["cudnn_conv_algo_search"] = mode
            if not bucketed:
                data["runtime"]["warmup"] = False
                data["det"]["shape_buckets"] = []
                data["rec"]["width_buckets"] = []
                data["rec"]["pad_batch"] = False
                data["cls"]["pad_batch"] = False
            name = f"cuda_{mode.lower()}{'' if bucketed else '_unbucketed'}.yaml"
            path = folder / name
            path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
            paths.append(path)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(REPO.parent / "shared/data/samples"))
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--out", action="append", default=[], help="report file (.md, .json or .csv); repeatable"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="desktop-ocr-cuda-") as tmp:
        configs = write_configs(Path(tmp))
        command = [
            sys.executable,
            "-m",
            "desktop_ocr",
            "bench",
            args.folder,
            "--config",
            str(REPO / "configs" / "config.yaml"),
            *[item for path in configs for item in ("--config", str(path))],
            "--warmup",
            str(args.warmup),
            "--repeat",
            str(args.repeat),
        ]
        for out in args.out:
            command += ["--out", out]
        return subprocess.call(command, cwd=REPO)


if __name__ == "__main__":
    sys.exit(main())
