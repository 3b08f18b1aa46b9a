"""Lets `python -m desktop_ocr` behave like the `desktop-ocr` command."""

import sys

from desktop_ocr.cli import main

sys.exit(main())
