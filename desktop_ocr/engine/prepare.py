"""Sizes a decoded image for the detector, and maps the boxes found back onto it."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from desktop_ocr.engine.config import PipelineOptions
from desktop_ocr.engine.detector import round32


@dataclass(frozen=True)
class Prepared:
    """The image as the detector sees it and how to map its coordinates back."""

    img: np.ndarray
    scale_x: float  # original pixels per prepared pixel
    scale_y: float
    pad_top: int


def prepare_image(img: np.ndarray, opts: PipelineOptions, letterbox: bool) -> Prepared:
    """Bounds the image size, then pads very flat images so the detector sees them."""
    h, w = img.shape[:2]
    scale_x = scale_y = 1.0
    if max(h, w) > opts.max_side_len:
        ratio = opts.max_side_len / max(h, w)
        img, sx, sy = _resize_round32(img, ratio)
        scale_x, scale_y = scale_x * sx, scale_y * sy
    h, w = img.shape[:2]
    if min(h, w) < opts.min_side_len:
        ratio = opts.min_side_len / min(h, w)
        img, sx, sy = _resize_round32(img, ratio)
        scale_x, scale_y = scale_x * sx, scale_y * sy
    pad_top = 0
    if letterbox:
        h, w = img.shape[:2]
        too_flat = opts.width_height_ratio != -1 and w / h > opts.width_height_ratio
        if h <= opts.min_height or too_flat:
            ratio = opts.width_height_ratio if opts.width_height_ratio > 0 else 1.0
            new_h = max(int(w / ratio), opts.min_height) * 2
            pad_top = int(abs(new_h - h) / 2)
            img = cv2.copyMakeBorder(
                img, pad_top, pad_top, 0, 0, cv2.BORDER_CONSTANT, value=(0, 0, 0)
            )
    return Prepared(img, scale_x, scale_y, pad_top)


def to_original(boxes: np.ndarray, prepared: Prepared, raw_w: int, raw_h: int) -> np.ndarray:
    """Boxes in the prepared image's pixels, in the decoded image's pixels instead."""
    if len(boxes) == 0:
        return np.zeros((0, 4, 2), dtype=np.float32)
    out = np.array(boxes, dtype=np.float32)
    out[:, :, 1] -= prepared.pad_top
    out[:, :, 0] *= prepared.scale_x
    out[:, :, 1] *= prepared.scale_y
    out = np.maximum(out, 0)
    out[..., 0] = np.minimum(out[..., 0], raw_w)
    out[..., 1] = np.minimum(out[..., 1], raw_h)
    return out


def _resize_round32(img: np.ndarray, ratio: float) -> tuple[np.ndarray, float, float]:
    """Resizes by `ratio` with both sides rounded to multiples of 32 (at least 32)."""
    h, w = img.shape[:2]
    new_h, new_w = round32(int(h * ratio)), round32(int(w * ratio))
    resized = cv2.resize(img, (new_w, new_h))
    return resized, w / new_w, h / new_h
