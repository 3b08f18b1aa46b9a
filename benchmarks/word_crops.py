"""Word crops: does reading a small image whole, when detection finds nothing, pay off?

`pipeline.rec_fallback` reads an image of at most 96 px high as one line when detection
finds no text in it. A user who drops a cut-out word (a photo of a sign, a crop of a
screenshot) expects its text. This cuts every legible word out of the dev set's scene
photos (the axis-aligned box of its truth quadrilateral and a few pixels around it), reads
each as a file of its own, with the rule and without, and counts the words read right
(ignoring case and punctuation) and the crops where nothing was read at all.

Usage: python benchmarks/word_crops.py [--devset DIR] [--config FILE] [--out results.md]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from desktop_ocr.engine import OcrEngine, load_config  # noqa: E402

MARGIN_PX = 3


def _normal(text: str) -> str:
    return re.sub(r"[\W_]", "", text).casefold()


def cut_words(subset: Path, out: Path) -> list[tuple[Path, str]]:
    """Each legible truth word of the subset as a PNG of its own, with its text."""
    truth = json.loads((subset / "gt.json").read_text(encoding="utf-8"))
    crops = []
    for name in sorted(truth):
        image = cv2.imread(str(subset / name))
        if image is None:
            continue
        for number, item in enumerate(truth[name]):
            if item["ignore"] or len(item["text"]) < 2:
                continue
            points = np.array(item["points"])
            x0, y0 = np.maximum(points.min(0) - MARGIN_PX, 0)
            x1, y1 = points.max(0) + MARGIN_PX
            crop = image[y0:y1, x0:x1]
            if crop.size == 0:
                continue
            path = out / f"{Path(name).stem}_{number:03d}.png"
            cv2.imwrite(str(path), crop)
            crops.append((path, item["text"]))
    return crops


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=REPO.parent / "shared/data/devset")
    parser.add_argument("--subset", default="scene_en")
    parser.add_argument("--config", default=str(REPO / "configs" / "config.yaml"))
    parser.add_argument("--out", type=Path, help="also write the table (Markdown) here")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        crops = cut_words(args.devset / args.subset, Path(tmp))
        for fallback in (True, False):
            overrides = {"pipeline": {"rec_fallback": fallback}}
            engine = OcrEngine(load_config(args.config, overrides=overrides))
            right = empty = 0
            started = time.perf_counter()
            for path, text in crops:
                result = engine(path)
                right += _normal("".join(line.text for line in result.lines)) == _normal(text)
                empty += not result.lines
            seconds = time.perf_counter() - started
            rows.append((fallback, right, empty, seconds / max(len(crops), 1)))

    lines = [
        f"# Word crops from {args.subset} ({len(crops)} words)",
        "",
        f"Command: `python benchmarks/word_crops.py --subset {args.subset}`",
        "",
        "| rec_fallback | read right | nothing read | s/crop |",
        "|---|---|---|---|",
    ]
    for fallback, right, empty, per in rows:
        share = right / max(len(crops), 1)
        lines.append(f"| {str(fallback).lower()} | {right} ({share:.3f}) | {empty} | {per:.3f} |")
    table = "\n".join(lines) + "\n"
    sys.stdout.write(table)
    if args.out:
        args.out.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
