"""`desktop-ocr ocr`: OCR of files and folders, as text or one JSON object per image."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any

from desktop_ocr.commands.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_engine_args,
    config_from_args,
    fail,
)
from desktop_ocr.engine import ConfigError, ImageLoadError, ModelLoadError, OcrEngine, OcrError
from desktop_ocr.services.discovery import expand_paths

logger = logging.getLogger(__name__)
NAME = "ocr"


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        NAME,
        help="read text from images and print it",
        description="Read text from image files and folders (recursively).",
    )
    add_engine_args(parser)
    parser.add_argument(
        "--format",
        choices=("text", "jsonl"),
        default="text",
        help="text: the lines; jsonl: one JSON object per image",
    )
    parser.add_argument("--no-det", action="store_true", help="skip detection (one line per image)")
    parser.add_argument("--no-cls", action="store_true", help="skip the angle classifier")
    parser.add_argument("--no-rec", action="store_true", help="skip recognition (boxes only)")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders")
    parser.set_defaults(run=run)


def _failure(path: str, error: str, engine: OcrEngine) -> dict[str, Any]:
    return {
        "path": path,
        "ok": False,
        "error": error,
        "image_size": None,
        "lines": [],
        "timings_ms": None,
        "providers": list(engine.providers.granted),
        "requested": list(engine.providers.requested),
    }


def run(args: argparse.Namespace) -> int:
    try:
        config = config_from_args(args)
        engine = OcrEngine(config)
    except (ConfigError, ModelLoadError) as exc:
        return fail(str(exc), EXIT_USAGE)
    warned = _warn_if_not_on_cuda(engine)
    found = expand_paths(args.paths)
    if not found.files:
        return fail("no image files found in the given paths", EXIT_USAGE)
    for path, reason in found.skipped:
        logger.info("skipped %s: %s", path, reason)
    failures = 0
    many = len(found.files) > 1
    use = {"use_det": not args.no_det, "use_cls": not args.no_cls, "use_rec": not args.no_rec}
    out = sys.stdout
    for path in found.files:
        try:
            result = engine(path, **use)
        except (ImageLoadError, OcrError) as exc:
            warned = warned or _warn_if_not_on_cuda(engine)
            failures += 1
            if args.format == "jsonl":
                out.write(json.dumps(_failure(str(path), str(exc), engine), ensure_ascii=False))
                out.write("\n")
            else:
                sys.stderr.write(f"error: {exc}\n")
            out.flush()
            continue
        warned = warned or _warn_if_not_on_cuda(engine)
        if args.format == "jsonl":
            out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        else:
            if many:
                out.write(f"==> {path} <==\n")
            for line in result.lines:
                out.write((line.text if not args.no_rec else _box_text(line.box)) + "\n")
            if result.angles:
                for label, score in result.angles:
                    out.write(f"{label}\t{score:.4f}\n")
        out.flush()
    return EXIT_FAILED if failures else EXIT_OK


def _warn_if_not_on_cuda(engine: OcrEngine) -> bool:
    """Says on stderr, once, that CUDA was asked for and the CPU reads instead, and why."""
    report = engine.providers
    if report.diagnosis is None:
        return False
    if engine.cuda_failure is not None:
        head = "CUDA failed; the engine was rebuilt on the CPU and carries on"
    else:
        head = f"CUDA was requested but not granted; running on {', '.join(report.granted)}"
    sys.stderr.write(
        f"warning: {head}.\n{report.diagnosis.summary}\nHow to fix: {report.diagnosis.fix}\n"
    )
    return True


def _box_text(box: Any) -> str:
    return " ".join(f"{x:.0f},{y:.0f}" for x, y in box)
