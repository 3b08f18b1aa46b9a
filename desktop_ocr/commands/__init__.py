"""Subcommands of `desktop-ocr`, one module each with NAME, add_parser() and run()."""

from desktop_ocr.commands import bench, doctor, gui, ocr, selftest

COMMANDS = [ocr, bench, doctor, selftest, gui]
