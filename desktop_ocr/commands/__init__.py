"""Subcommands of `desktop-ocr`, one module each with NAME, add_parser() and run()."""

from desktop_ocr.commands import batch, bench, doctor, gui, models, ocr, selftest

COMMANDS = [ocr, batch, bench, models, doctor, selftest, gui]
