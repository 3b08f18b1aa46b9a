"""Subcommands of `desktop-ocr`, one module each with NAME, add_parser() and run()."""

from desktop_ocr.commands import batch, bench, capture, doctor, gui, models, ocr, selftest

COMMANDS = [ocr, batch, bench, capture, models, doctor, selftest, gui]
