"""What the image view draws when it has no image: the first-run hint, or a message."""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk

from desktop_ocr.i18n import _

HINT_COLOUR = "#d7dae0"
MUTED_COLOUR = "#9aa0aa"
NOTE_COLOUR = "#f5c451"


def draw_empty_hint(
    canvas: tk.Canvas,
    width: int,
    height: int,
    font: object,
    note: str,
    buttons: tuple[ttk.Button, ttk.Button],
) -> None:
    """Drop images here, or open some, or try the sample; and why a drop cannot work."""
    cx, cy = width / 2, height / 2
    canvas.create_text(
        cx, cy - 70, text=_("Drop images or folders here"), fill=HINT_COLOUR, font=font,
        tags="hint",
    )
    canvas.create_text(
        cx,
        cy - 35,
        text=_("or click to open images · Ctrl+V pastes an image"),
        fill=MUTED_COLOUR,
        tags="hint",
    )
    open_button, sample_button = buttons
    canvas.create_window(cx - 8, cy + 10, window=open_button, anchor="e")
    canvas.create_window(cx + 8, cy + 10, window=sample_button, anchor="w")
    if note:
        canvas.create_text(
            cx,
            cy + 60,
            text=note,
            fill=NOTE_COLOUR,
            width=max(width - 40, 100),
            justify="center",
            tags="hint",
        )


def draw_message(
    canvas: tk.Canvas, width: int, height: int, font: object, title: str, detail: str
) -> None:
    """A message in place of an image (waiting, reading, failed)."""
    cx, cy = width / 2, height / 2
    canvas.create_text(cx, cy - 14, text=title, fill=HINT_COLOUR, font=font)
    if detail:
        canvas.create_text(
            cx,
            cy + 18,
            text=detail,
            fill=MUTED_COLOUR,
            width=max(width - 40, 100),
            justify="center",
            anchor="n",
        )
