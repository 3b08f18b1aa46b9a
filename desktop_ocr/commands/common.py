"""Options shared by the subcommands that build an engine."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_ocr.engine.config import EngineConfig, load_config
from desktop_ocr.resources import config_path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_engine_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        type=Path,
        help="engine config (YAML); default: config.yaml, or config_gpu.yaml with --device cuda",
    )
    parser.add_argument(
        "--device",
        choices=("cpu", "cuda"),
        help="execution provider to ask for (overrides the config)",
    )


def config_from_args(args: argparse.Namespace) -> EngineConfig:
    """The config named by --config/--device; raises ConfigError when it is invalid."""
    path = args.config
    if path is None:
        path = config_path("config_gpu.yaml" if args.device == "cuda" else "config.yaml")
    overrides = {"device": args.device} if args.device else None
    return load_config(path, overrides=overrides)


def fail(message: str, code: int = EXIT_USAGE) -> int:
    sys.stderr.write(f"desktop-ocr: {message}\n")
    return code
