"""`desktop-ocr ocr`: OCR of files and folders, as text or one JSON object per image."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
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
from desktop_ocr.engine.pages import (
    DEFAULT_DPI,
    MAX_DPI,
    MIN_DPI,
    Page,
    PageOptions,
    open_pages,
    read_page,
)
from desktop_ocr.engine.results import OcrResult, page_name
from desktop_ocr.services.discovery import expand_paths
from desktop_ocr.services.pdf_export import SearchablePdfWriter

logger = logging.getLogger(__name__)
NAME = "ocr"


def _dpi(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not MIN_DPI <= value <= MAX_DPI:
        raise argparse.ArgumentTypeError(f"must be between {MIN_DPI:.0f} and {MAX_DPI:.0f}")
    return value


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        NAME,
        help="read text from images and PDFs and print it",
        description="Read text from image files, PDFs and folders (recursively). "
        "Each page of a PDF or multi-page TIFF is read as an image of its own.",
    )
    add_engine_args(parser)
    parser.add_argument(
        "--format",
        choices=("text", "jsonl"),
        default="text",
        help="text: the lines, paragraphs apart; jsonl: one JSON object per image or page",
    )
    parser.add_argument("--no-det", action="store_true", help="skip detection (one line per image)")
    parser.add_argument("--no-cls", action="store_true", help="skip the angle classifier")
    parser.add_argument("--no-rec", action="store_true", help="skip recognition (boxes only)")
    parser.add_argument(
        "--dpi",
        type=_dpi,
        help="resolution PDF pages are rendered at for OCR "
        f"(default: the config's documents.dpi, {DEFAULT_DPI:.0f} in the bundled configs)",
    )
    parser.add_argument(
        "--ocr-text-layer",
        action="store_true",
        help="OCR PDF pages that have text of their own too (default: take their text)",
    )
    parser.add_argument(
        "--pdf-out",
        metavar="FILE",
        type=Path,
        help="also write a searchable PDF: every page image with its text, selectable",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="image or PDF files, or folders")
    parser.set_defaults(run=run)


def _failure(name: str, error: str, engine: OcrEngine) -> dict[str, Any]:
    return {
        "path": name,
        "ok": False,
        "error": error,
        "image_size": None,
        "lines": [],
        "timings_ms": None,
        "providers": list(engine.providers.granted),
        "requested": list(engine.providers.requested),
    }


class _Output:
    """Writes each page's outcome as text or JSON lines, and to the searchable PDF."""

    def __init__(self, args: argparse.Namespace, engine: OcrEngine, many: bool) -> None:
        self.args, self.engine, self.many = args, engine, many
        self.failures = 0
        self.pdf: SearchablePdfWriter | None = None
        self.out = sys.stdout
        self.warned = False

    def failed(self, name: str, error: str) -> None:
        self.warned = self.warned or _warn_if_not_on_cuda(self.engine)
        self.failures += 1
        if self.args.format == "jsonl":
            data = _failure(name, error, self.engine)
            self.out.write(json.dumps(data, ensure_ascii=False) + "\n")
        else:
            sys.stderr.write(f"error: {error}\n")
        self.out.flush()

    def done(self, page: Page, result: OcrResult) -> None:
        self.warned = self.warned or _warn_if_not_on_cuda(self.engine)
        args, out = self.args, self.out
        if args.format == "jsonl":
            out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        else:
            if self.many:
                out.write(f"==> {result.name} <==\n")
            if args.no_rec:
                out.writelines(_box_text(line.box) + "\n" for line in result.lines)
            elif result.lines:
                out.write(result.page_text + "\n")
            for label, score in result.angles:
                out.write(f"{label}\t{score:.4f}\n")
        out.flush()
        if args.pdf_out is not None and not args.no_rec:
            if self.pdf is None:
                self.pdf = SearchablePdfWriter(args.pdf_out, title=Path(page.source).name)
            self.pdf.add_page(page.image, result, page.dpi)


def run(args: argparse.Namespace) -> int:
    try:
        config = config_from_args(args)
        engine = OcrEngine(config)
    except (ConfigError, ModelLoadError) as exc:
        return fail(str(exc), EXIT_USAGE)
    if args.pdf_out is not None and (args.no_rec or args.pdf_out.is_dir()):
        why = "needs recognition (drop --no-rec)" if args.no_rec else "is a folder"
        return fail(f"--pdf-out {args.pdf_out} {why}", EXIT_USAGE)
    warned = _warn_if_not_on_cuda(engine)
    found = expand_paths(args.paths, documents=True)
    if not found.files:
        return fail("no image or PDF files found in the given paths", EXIT_USAGE)
    for path, reason in found.skipped:
        logger.info("skipped %s: %s", path, reason)
    options = PageOptions(
        dpi=args.dpi or float(config.documents.dpi),
        text_layer=config.documents.text_layer and not args.ocr_text_layer and not args.no_rec,
        max_pixels=config.pipeline.max_image_pixels,
        apply_exif=config.pipeline.apply_exif,
    )
    use = {"use_det": not args.no_det, "use_cls": not args.no_cls, "use_rec": not args.no_rec}
    output = _Output(args, engine, many=len(found.files) > 1)
    output.warned = warned
    try:
        for path in found.files:
            _read_file(path, options, use, output)
        if output.pdf is not None:
            output.pdf.close()
        elif args.pdf_out is not None:
            output.failed(str(args.pdf_out), f"{args.pdf_out}: not written, no page was read")
    except BaseException:
        if output.pdf is not None:
            output.pdf.discard()
        raise
    return EXIT_FAILED if output.failures else EXIT_OK


def _read_file(path: Path, options: PageOptions, use: dict[str, bool], output: _Output) -> None:
    """Reads every page of one file, one page at a time, into `output`."""
    try:
        source = open_pages(path, options)
    except ImageLoadError as exc:
        output.failed(str(path), str(exc))
        return
    with source:
        output.many = output.many or source.page_count > 1
        for index in range(source.page_count):
            name = page_name(str(path), index + 1, source.page_count)
            try:
                page = source.page(index)
                result = read_page(output.engine, page, **use)
            except (ImageLoadError, OcrError) as exc:
                output.failed(name if source.page_count > 1 else str(path), str(exc))
                continue
            output.done(page, result)


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
