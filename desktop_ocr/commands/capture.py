"""`desktop-ocr capture`: select a region of the screen, get its text on the clipboard.

Meant to be bound to a key in the desktop's own shortcut settings, or put on a desktop
shortcut: it opens no main window, only the overlay and then a notice.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import sys
import tkinter as tk
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
from desktop_ocr.services.capture import CaptureError, display_server
from desktop_ocr.services.capture.grab import NO_DISPLAY
from desktop_ocr.services.capture.options import COPY_AS, MAX_DELAY_S, CaptureOptions
from desktop_ocr.services.settings_store import SettingsStore

logger = logging.getLogger(__name__)
NAME = "capture"


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        NAME,
        help="select a region of the screen and copy its text",
        description="Grab the screen, drag a rectangle over the text (Esc cancels, a click "
        "takes the whole screen), and get the text on the clipboard and on standard output. "
        "Options not given come from the window's settings. Exit codes: 0 text copied, "
        "1 nothing copied (cancelled, no text, the screen could not be grabbed, the models "
        "could not load), 2 a usage or config problem.",
    )
    add_engine_args(parser)
    parser.add_argument(
        "--delay",
        type=float,
        metavar="SECONDS",
        help=f"wait this long before grabbing (0 to {MAX_DELAY_S:g})",
    )
    parser.add_argument(
        "--copy-as",
        choices=COPY_AS,
        help="lines: a line per line read; paragraph: the lines joined into one text",
    )
    parser.add_argument(
        "--no-copy", action="store_true", help="print the text only; leave the clipboard alone"
    )
    parser.add_argument(
        "--no-notice", action="store_true", help="end at once, without the notice on screen"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    loaded = SettingsStore().load()
    options = loaded.settings.capture
    if args.delay is not None:
        if not 0 <= args.delay <= MAX_DELAY_S:
            return fail(f"--delay must be from 0 to {MAX_DELAY_S:g} seconds", EXIT_USAGE)
        options = dataclasses.replace(options, delay_s=args.delay)
    if args.copy_as:
        options = dataclasses.replace(options, copy_as=args.copy_as)
    try:
        config = _config(args, loaded.settings.engine_config)
    except ConfigError as exc:
        return fail(str(exc), EXIT_USAGE)
    if display_server() == "none":
        return fail(NO_DISPLAY.message(), EXIT_FAILED)
    from desktop_ocr.gui.dpi import apply_scaling, declare_dpi_aware
    from desktop_ocr.i18n import set_language

    set_language(loaded.settings.gui.language)  # the overlay and notice speak it
    declare_dpi_aware()  # Windows: window units are the screen's pixels, as mss grabs them
    try:
        root = tk.Tk(className="desktop-ocr")
    except tk.TclError as exc:
        return fail(f"cannot open the display ({exc}). {NO_DISPLAY.fix}", EXIT_FAILED)
    root.withdraw()
    apply_scaling(root)
    return _capture(root, config, options, copy=not args.no_copy, notice=not args.no_notice)


def _config(args: argparse.Namespace, from_settings: Any) -> EngineConfig:
    """--config/--device when given, else the engine settings made in the window."""
    if args.config is not None or args.device is not None:
        return config_from_args(args)
    return from_settings()


def _capture(
    root: tk.Tk, config: EngineConfig, options: CaptureOptions, *, copy: bool, notice: bool
) -> int:
    from desktop_ocr.gui.capture_run import CaptureRun
    from desktop_ocr.services.worker import OcrWorker

    worker = OcrWorker(config)
    worker.start()  # the models load while the user drags
    run = CaptureRun(
        root, worker, options, copy=copy, notice=notice, on_finished=lambda _r: root.quit()
    )
    root.after_idle(run.start)
    try:
        root.mainloop()
    finally:
        worker.stop(timeout=5)
        with contextlib.suppress(tk.TclError):
            root.destroy()
    return _report(run.outcome, run.unavailable, run.cancelled)


def _report(outcome: Any, unavailable: CaptureError | None, cancelled: bool) -> int:
    if unavailable is not None:
        return fail(unavailable.message(), EXIT_FAILED)
    if cancelled or outcome is None:
        return fail("capture cancelled; nothing was copied", EXIT_FAILED)
    if outcome.text:
        sys.stdout.write(outcome.text + "\n")
    if outcome.problem:
        return fail(outcome.problem, EXIT_FAILED)
    sys.stderr.write(outcome.notice() + "\n")
    return EXIT_OK
