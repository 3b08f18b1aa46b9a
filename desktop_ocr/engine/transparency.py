"""Flattens a transparent image twice: as the models need it and as the user sees it.

Text drawn on a transparent canvas is one colour everywhere: only its alpha shows where
the text is, so white text laid on a white page vanishes. Such an image is read as dark
text on light (what the models were trained on), which for light text means inverting it,
while the user is shown it as drawn, on black. Anything whose visible pixels have colours
of their own (a window screenshot with rounded corners or a translucent shadow, a cut-out
photo) is a picture with a transparent rim: it is laid on white, as a page would show it,
and never inverted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)
# Visible pixels whose brightness spreads less than this (out of 255) count as one colour.
_ONE_COLOUR = 10.0


@dataclass(frozen=True)
class Flattened:
    """RGB pixels for the models, and for display when those differ (else None)."""

    model: np.ndarray
    display: np.ndarray | None = None


def brightness(rgb: np.ndarray, alpha: np.ndarray) -> tuple[float, float] | None:
    """Mean and spread of the brightness the alpha lets through (None if nothing shows)."""
    weight = alpha.astype(np.float32)
    total = float(weight.sum())
    if total == 0:
        return None
    luma = rgb.astype(np.float32) @ _LUMA
    mean = float((luma * weight).sum()) / total
    spread = float((np.square(luma - mean) * weight).sum()) / total
    return mean, spread**0.5


def flatten_alpha(rgba: np.ndarray) -> Flattened:
    """Flattens H x W x 4 RGBA (uint8) to RGB for the models, and for display if different.

    Whether the alpha alone draws the picture is decided from the pixels it lets through,
    weighted by it: a transparent text image shows one colour (spread near 0), while a
    screenshot's window, its text and its shadow differ.
    """
    alpha = rgba[..., 3]
    rgb = rgba[..., :3]
    if int(alpha.min()) == 255:
        return Flattened(np.ascontiguousarray(rgb))
    a = alpha.astype(np.float32) * (1.0 / 255.0)
    premultiplied = rgb.astype(np.float32) * a[..., None]
    shown = brightness(rgb, alpha)
    if shown is not None and shown[1] < _ONE_COLOUR and shown[0] > 127.5:
        # Light text drawn in the alpha: shown on black as drawn; read dark on white.
        on_black = _to_uint8(premultiplied)
        return Flattened(255 - on_black, on_black)
    return Flattened(_to_uint8(premultiplied + 255.0 * (1.0 - a[..., None])))


def _to_uint8(values: np.ndarray) -> np.ndarray:
    return np.clip(values + 0.5, 0, 255).astype(np.uint8)
