"""The `desktop-ocr` command: the window by default, and ocr, doctor and more as subcommands."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from desktop_ocr import __version__
from desktop_ocr.commands import COMMANDS

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="desktop-ocr",
        description="Offline OCR of images on the CPU or an NVIDIA GPU. "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"desktop-ocr {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def setup_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list or (args_list[0] not in _command_names() and not args_list[0].startswith("-")):
        # `desktop-ocr` and `desktop-ocr a.png b.png` open the window.
        args_list = ["gui", *args_list]
    args = parser.parse_args(args_list)
    setup_logging(args.verbose)
    if args.command is None:
        args = parser.parse_args(["gui"])
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK


def gui_main() -> int:
    """Entry point of the windowed launcher (no console on Windows)."""
    return main(["gui", *sys.argv[1:]])


def _command_names() -> set[str]:
    return {module.NAME for module in COMMANDS}


if __name__ == "__main__":
    sys.exit(main())
