"""Large page images with text and known pixels, for the window's tests and benchmarks.

A page of a high-resolution scan (50 megapixels is an A4 page at 600 dpi, or a phone's
full-resolution photo) with a few lines of large text the models find, and a patch of
noise in the middle whose pixels a test can compare with what the window draws.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

NOISE_PATCH = (800, 600)  # width, height of the noise at the page's centre


def page_pixels(size: tuple[int, int], label: str, seed: int = 0) -> np.ndarray:
    """RGB pixels of a white page with `label` in large letters and a noise patch."""
    width, height = size
    page = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=max(height // 12, 20))
    for row, text in enumerate((label, "DESKTOP OCR", "LARGE PAGE TEST")):
        place = (width // 12, height // 14 + row * height // 9)
        draw.text(place, text, fill=(20, 20, 20), font=font)
    pixels = np.asarray(page).copy()
    pw, ph = NOISE_PATCH
    left, top = (width - pw) // 2, (height - ph) // 2
    rng = np.random.default_rng(seed)
    pixels[top : top + ph, left : left + pw] = rng.integers(0, 256, (ph, pw, 3), dtype=np.uint8)
    return pixels


def write_page(path: Path, size: tuple[int, int], label: str, seed: int = 0) -> np.ndarray:
    """Writes the page as PNG (lossless, so its pixels are known); returns them (RGB)."""
    pixels = page_pixels(size, label, seed)
    Image.fromarray(pixels).save(path, compress_level=1)
    return pixels
