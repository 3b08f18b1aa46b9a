"""`desktop-ocr selftest`: proves an install or a built app can read text, without a display.

A packaged app can lose a model, a config or a native library and still start; this runs
the real models on text whose answer is known, so a broken bundle fails here with a reason
instead of showing an empty window to a user.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_ocr import __version__
from desktop_ocr.commands.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_engine_args,
    config_from_args,
    fail,
)
from desktop_ocr.engine import ConfigError, ImageLoadError, ModelLoadError, OcrEngine, OcrError
from desktop_ocr.engine.cuda_diagnosis import onnxruntime_build
from desktop_ocr.resources import asset_path, is_frozen

logger = logging.getLogger(__name__)
NAME = "selftest"
SAMPLE_ASSET = "sample.png"
# Rendered with Pillow's built-in font, so the check needs no font from the system.
KNOWN_TEXT = "desktop-ocr selftest 2718"


@dataclass(frozen=True)
class CheckResult:
    """One step of the self-test: a short name, whether it passed, and what it saw."""

    name: str
    ok: bool
    detail: str


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        NAME,
        help="check that the models load and read text (no display needed)",
        description="Load the models, read a rendered text and the bundled sample image, "
        "and print the providers granted and the text read. Exits 0 when all checks pass, "
        "1 with the reason when one fails. With --device cuda, CUDA not granted is a failure.",
    )
    add_engine_args(parser)
    parser.add_argument(
        "--image",
        metavar="FILE",
        type=Path,
        help=f"read this image instead of the bundled {SAMPLE_ASSET}",
    )
    parser.set_defaults(run=run)


def normalise(text: str) -> str:
    """Case and spacing do not matter to the comparison; the characters do."""
    return re.sub(r"\s+", " ", text).strip().lower()


def render_known_text(text: str = KNOWN_TEXT) -> Any:
    """A white image with `text` in black, drawn with Pillow's built-in scalable font."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=40)
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("RGB", (right - left + 60, bottom - top + 60), "white")
    ImageDraw.Draw(image).text((30 - left, 30 - top), text, fill="black", font=font)
    return image


def check_providers(engine: OcrEngine) -> CheckResult:
    report = engine.providers
    detail = (
        f"requested {', '.join(report.requested)}; granted {', '.join(report.granted) or 'none'}"
    )
    if report.cuda_requested and report.diagnosis is not None:
        diagnosis = report.diagnosis
        return CheckResult(
            "providers", False, f"{detail}\n{diagnosis.summary}\nHow to fix: {diagnosis.fix}"
        )
    return CheckResult("providers", not report.fell_back, detail)


def check_known_text(engine: OcrEngine) -> CheckResult:
    start = time.perf_counter()
    result = engine(render_known_text())
    elapsed = (time.perf_counter() - start) * 1000
    read = " ".join(line.text for line in result.lines)
    ok = normalise(read) == normalise(KNOWN_TEXT)
    verdict = "as expected" if ok else f"expected {KNOWN_TEXT!r}"
    return CheckResult("rendered text", ok, f"read {read!r} in {elapsed:.0f} ms, {verdict}")


def check_sample(engine: OcrEngine, image: Path | None) -> tuple[CheckResult, list[str]]:
    try:
        path = image if image is not None else asset_path(SAMPLE_ASSET)
    except FileNotFoundError as exc:
        return CheckResult("sample", False, f"the bundled sample is missing: {exc}"), []
    try:
        result = engine(path)
    except ImageLoadError as exc:
        return CheckResult("sample", False, str(exc)), []
    lines = [line.text for line in result.lines]
    width, height = result.image_size
    detail = (
        f"{path} ({width}x{height}): {len(lines)} line{'' if len(lines) == 1 else 's'} "
        f"in {result.timings.total:.0f} ms"
    )
    if not lines:
        return CheckResult("sample", False, f"{detail}; no text found"), []
    return CheckResult("sample", True, detail), lines


def _field(name: str) -> str:
    return f"{name + ':':15s}"


def run(args: argparse.Namespace) -> int:
    out = sys.stdout
    package, version, cuda = onnxruntime_build()
    built = f"built for CUDA {cuda}" if cuda else "CPU only"
    where = "frozen app" if is_frozen() else "Python package"
    out.write(f"desktop-ocr {__version__} selftest ({where}, {sys.executable})\n")
    out.write(f"{_field('onnxruntime')}{package} {version}, {built}\n")
    try:
        config = config_from_args(args)
    except ConfigError as exc:
        return fail(str(exc), EXIT_USAGE)
    out.write(f"{_field('config')}{config.source} (device: {config.device})\n")
    out.flush()
    try:
        start = time.perf_counter()
        engine = OcrEngine(config)
        loaded_ms = (time.perf_counter() - start) * 1000
    except ModelLoadError as exc:
        out.write(f"{_field('models')}FAILED\nselftest FAILED: {exc}\n")
        return EXIT_FAILED
    out.write(f"{_field('models')}loaded in {loaded_ms:.0f} ms\n")
    checks = [check_providers(engine)]
    sample_lines: list[str] = []
    try:
        checks.append(check_known_text(engine))
        sample, sample_lines = check_sample(engine, args.image)
        checks.append(sample)
    except OcrError as exc:
        checks.append(CheckResult("ocr", False, f"the pipeline failed: {exc}"))
    indent = " " * len(_field(""))
    for check in checks:
        first, *rest = check.detail.splitlines()
        out.write(f"{_field(check.name)}{'ok' if check.ok else 'FAILED'} - {first}\n")
        out.write("".join(f"{indent}{line}\n" for line in rest))
    out.write("".join(f"{indent}| {line}\n" for line in sample_lines))
    failed = [check for check in checks if not check.ok]
    if failed:
        reasons = "; ".join(f"{c.name}: {c.detail.splitlines()[0]}" for c in failed)
        out.write(f"selftest FAILED: {reasons}\n")
        return EXIT_FAILED
    out.write("selftest passed\n")
    return EXIT_OK
