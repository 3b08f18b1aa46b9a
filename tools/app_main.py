"""Entry script of the frozen app: the `desktop-ocr` command, which opens the window by default."""

import multiprocessing
import sys

from desktop_ocr.cli import main

if __name__ == "__main__":
    # A frozen program re-runs itself for any child process; this stops that child at once.
    multiprocessing.freeze_support()
    sys.exit(main())
