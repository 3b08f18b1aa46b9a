"""Transparent images as users meet them, drawn here so their pixels are known exactly."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

WINDOW = (560, 200)
MARGIN = 40  # room for the shadow around the window
WINDOW_GREY = (242, 242, 242)


def screenshot_rgba(
    text: str = "Hello window", *, dark: bool = False, shadow: bool = True
) -> Image.Image:
    """A window screenshot: an opaque window with rounded, transparent corners, a
    translucent black shadow around it, and text inside, as a desktop captures it."""
    w, h = WINDOW
    size = (w + 2 * MARGIN, h + 2 * MARGIN)
    shadow_alpha = Image.new("L", size, 0)
    if shadow:
        ImageDraw.Draw(shadow_alpha).rounded_rectangle(
            (MARGIN - 6, MARGIN, MARGIN + w + 6, MARGIN + h + 12), radius=20, fill=110
        )
        shadow_alpha = shadow_alpha.filter(ImageFilter.GaussianBlur(12))
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    canvas.putalpha(shadow_alpha)  # black, translucent

    window = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(window)
    face, bar, ink = (
        ((40, 42, 46), (30, 31, 34), (230, 230, 230))
        if dark
        else (WINDOW_GREY, (225, 225, 228), (25, 25, 25))
    )
    draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=16, fill=(*face, 255))
    draw.rectangle((0, 0, w - 1, 36), fill=(*bar, 255))  # a title bar
    font = ImageFont.load_default(size=44)
    draw.text((40, 90), text, fill=(*ink, 255), font=font)
    canvas.alpha_composite(window, (MARGIN, MARGIN))
    return canvas


def transparent_text(text: str, colour: tuple[int, int, int]) -> Image.Image:
    """Text drawn straight on a transparent canvas (anti-aliased alpha, one colour)."""
    font = ImageFont.load_default(size=48)
    left, top, right, bottom = font.getbbox(text)
    alpha = Image.new("L", (right - left + 60, bottom - top + 60), 0)
    ImageDraw.Draw(alpha).text((30 - left, 30 - top), text, fill=255, font=font)
    image = Image.new("RGBA", alpha.size, (*colour, 0))
    image.putalpha(alpha)
    return image


def opaque_mask(image: Image.Image) -> np.ndarray:
    return np.asarray(image)[..., 3] == 255
