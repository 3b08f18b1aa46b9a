"""`desktop-ocr batch`: OCR of whole folders into result files, resumable, on all cores or Ray."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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
from desktop_ocr.engine import ConfigError, EngineConfig
from desktop_ocr.services.batch import BatchSettings, Runner, run_batch
from desktop_ocr.services.batch_plan import PlanError
from desktop_ocr.services.batch_pool import LocalPool, cpu_count, default_layout
from desktop_ocr.services.batch_progress import BatchProgressBar, summary_text
from desktop_ocr.services.batch_reader import BatchAbortedError
from desktop_ocr.services.batch_store import FORMATS, OutputBusyError

logger = logging.getLogger(__name__)
NAME = "batch"
EXIT_INTERRUPTED = 130
LOCAL_RAY = "local"


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        NAME,
        help="read whole folders into result files; resumable; all cores or a Ray cluster",
        description="Read every image under the inputs (recursively) and write one result "
        "per image under --out, mirroring the inputs, with a manifest.jsonl of what was "
        "done, failed or skipped. Run it again to resume: results that are complete and "
        "newer than their image are not read again.",
    )
    parser.add_argument("paths", nargs="*", metavar="INPUT", help="image files or folders")
    parser.add_argument(
        "--out", "-o", required=True, type=Path, metavar="DIR", help="folder for the results"
    )
    parser.add_argument(
        "--format",
        default=",".join(FORMATS),
        metavar="LIST",
        help="result files per image, comma-separated: json (the `ocr --format jsonl` "
        "object), txt (the text); default: json,txt",
    )
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="worker processes (with --ray: actors); default: one per core "
        "(one per GPU with CUDA on Ray, one on this machine)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        metavar="N",
        help="onnxruntime threads per worker; default: the cores shared among the workers",
    )
    parser.add_argument(
        "--ray",
        nargs="?",
        const=LOCAL_RAY,
        metavar="ADDRESS",
        help="read on Ray: alone, a new local Ray instance; with an address "
        "(HOST:PORT, ray://HOST:PORT or auto), the cluster there. Needs the [ray] extra",
    )
    parser.add_argument(
        "--force", action="store_true", help="read every image again, even those up to date"
    )
    add_engine_args(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        _inputs_and_address(args)
        formats = _formats(args.format)
        for name in ("workers", "threads"):
            value = getattr(args, name)
            if value is not None and value < 1:
                raise ValueError(f"--{name} must be 1 or more")
        config = config_from_args(args)
    except (ValueError, ConfigError) as exc:
        return fail(str(exc), EXIT_USAGE)
    if not args.paths:
        return fail("give at least one image file or folder", EXIT_USAGE)
    missing = [p for p in args.paths if not Path(p).expanduser().exists()]
    if missing:
        return fail(f"not found: {', '.join(map(str, missing))}", EXIT_USAGE)

    runner = _runner(args, config)
    settings = BatchSettings(
        inputs=tuple(Path(p) for p in args.paths),
        out_dir=args.out,
        formats=formats,
        force=args.force,
    )
    cancel = threading.Event()
    bar = BatchProgressBar(sys.stderr, enabled=not args.quiet)
    bar.note(f"reading with {runner.describe()}")
    try:
        with _stop_on_ctrl_c(cancel, bar):
            summary = run_batch(settings, runner, progress=bar.update, cancel=cancel)
    except (PlanError, OutputBusyError, BatchAbortedError) as exc:
        bar.finish()
        return fail(str(exc), EXIT_USAGE)
    except OSError as exc:
        bar.finish()
        return fail(f"cannot use the output folder {args.out}: {exc}", EXIT_USAGE)
    bar.finish()
    if not args.quiet:
        sys.stderr.write(summary_text(summary, args.out))
    _warn_cuda_not_granted(config, summary.providers)
    if summary.cancelled:
        sys.stderr.write("stopped: run the same command again to read the rest\n")
        return EXIT_INTERRUPTED
    return EXIT_FAILED if summary.failed else EXIT_OK


def _inputs_and_address(args: argparse.Namespace) -> None:
    """`--ray scans/` means a local Ray and the input scans/, not a cluster named scans/."""
    value = args.ray
    if value in (None, LOCAL_RAY) or _looks_like_address(value):
        return
    args.paths = [value, *args.paths]
    args.ray = LOCAL_RAY


def _looks_like_address(value: str) -> bool:
    return value == "auto" or "://" in value or (":" in value and not Path(value).exists())


def _formats(text: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"--format takes {' and/or '.join(FORMATS)}, comma-separated")
    return formats


def _runner(args: argparse.Namespace, config: EngineConfig) -> Runner:
    if args.ray is not None:
        from desktop_ocr.services.batch_ray import RayRunner

        address = None if args.ray == LOCAL_RAY else args.ray
        return RayRunner(config, address, actors=args.workers, threads=args.threads)
    workers, threads = default_layout(cpu_count(), args.workers, args.threads, config.device)
    return LocalPool(config, workers, threads)


def _warn_cuda_not_granted(config: EngineConfig, providers: set[tuple[str, ...]]) -> None:
    if config.device != "cuda":
        return
    if any("CUDAExecutionProvider" not in granted for granted in providers):
        sys.stderr.write(
            "warning: CUDA was requested but some workers ran on the CPU; "
            "`desktop-ocr doctor` says why and how to fix it\n"
        )


@contextmanager
def _stop_on_ctrl_c(cancel: threading.Event, bar: BatchProgressBar) -> Iterator[None]:
    """The first Ctrl-C stops after the images being read; a second quits at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_interrupt(signum: int, frame: Any) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        bar.note("stopping after the images being read (Ctrl-C again to quit at once)")

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
