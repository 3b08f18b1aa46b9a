"""The `desktop-ocr` command: the window by default, and ocr, doctor and more as subcommands."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from desktop_ocr import __version__
from desktop_ocr.commands import COMMANDS
from desktop_ocr.commands.common import EXIT_FAILED, EXIT_OK
from desktop_ocr.services.atomic_file import write_failure_reason


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
    real_stdout = sys.stdout
    if real_stdout is not None:  # None in a windowed app on Windows
        sys.stdout = _GuardedOutput(real_stdout)
    try:
        status = int(args.run(args))
        if sys.stdout is not None:
            sys.stdout.flush()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:  # `desktop-ocr ocr ... | head`: the reader has all it wanted
        _detach(real_stdout)
        return EXIT_OK
    except OutputError as exc:
        sys.stderr.write(f"desktop-ocr: cannot write the output: {exc.strerror}\n")
        _detach(real_stdout)
        return EXIT_FAILED
    finally:
        sys.stdout = real_stdout
    return status


class OutputError(OSError):
    """Standard output refused the text (a full disk behind `>`, an I/O error)."""


class _GuardedOutput:
    """Standard output whose write failures are told apart from any other OSError."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(exc.errno, write_failure_reason(exc)) from exc

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(exc.errno, write_failure_reason(exc)) from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _detach(stream: TextIO) -> None:
    """Points stdout at the null device, so the flush at exit does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real stdout (a windowed app)
        pass


def gui_main() -> int:
    """Entry point of the windowed launcher (no console on Windows)."""
    return main(["gui", *sys.argv[1:]])


def _command_names() -> set[str]:
    return {module.NAME for module in COMMANDS}


if __name__ == "__main__":
    sys.exit(main())
