"""Text detection: sizes the image for the DB model, runs it, and returns text boxes."""

from __future__ import annotations

import logging

import cv2
import numpy as np

from desktop_ocr.engine.config import DetOptions
from desktop_ocr.engine.db_postprocess import DetBoxes, boxes_from_probability, clip_and_filter
from desktop_ocr.engine.sessions import ModelRunner

logger = logging.getLogger(__name__)


def _round32(value: float) -> int:
    return max(32, int(round(value / 32) * 32))


def bucket_side(side: int, buckets: tuple[int, ...]) -> int:
    """The smallest bucket that holds `side`; past the largest, the next multiple of it."""
    for bucket in buckets:
        if side <= bucket:
            return bucket
    largest = buckets[-1]
    return -(-side // largest) * largest


def normalize_to_blob(
    img: np.ndarray, mean: tuple[float, ...], std: tuple[float, ...], out: np.ndarray | None = None
) -> np.ndarray:
    """uint8 HWC BGR -> float32 CHW, (x/255 - mean)/std, written into `out` when given."""
    h, w = img.shape[:2]
    if out is None:
        out = np.empty((3, h, w), dtype=np.float32)
    scale = np.array([1.0 / (255.0 * s) for s in std], dtype=np.float32)
    shift = np.array([m / s for m, s in zip(mean, std, strict=True)], dtype=np.float32)
    planes = cv2.split(img)
    for c in range(3):
        np.multiply(planes[c], scale[c], out=out[c, :h, :w], casting="unsafe")
        out[c, :h, :w] -= shift[c]
    return out


class TextDetector:
    """Runs the DB model on one image and returns boxes in that image's coordinates."""

    def __init__(self, runner: ModelRunner, opts: DetOptions) -> None:
        self.runner = runner
        self.opts = opts

    def input_size(self, h: int, w: int) -> tuple[int, int]:
        """The (height, width) the model sees for an h x w image, before any padding."""
        opts = self.opts
        if opts.limit_type == "min":
            short = min(h, w)
            ratio = opts.limit_side_len / short if short < opts.limit_side_len else 1.0
        else:
            long = max(h, w)
            ratio = opts.limit_side_len / long if long > opts.limit_side_len else 1.0
            if opts.min_input_side and min(h, w) * ratio < opts.min_input_side:
                ratio = min(opts.min_input_side / min(h, w), max(ratio, opts.limit_side_len / long))
        return _round32(int(h * ratio)), _round32(int(w * ratio))

    def padded_size(self, rh: int, rw: int) -> tuple[int, int]:
        if not self.opts.shape_buckets:
            return rh, rw
        return (bucket_side(rh, self.opts.shape_buckets), bucket_side(rw, self.opts.shape_buckets))

    def make_input(self, img: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
        h, w = img.shape[:2]
        rh, rw = self.input_size(h, w)
        ph, pw = self.padded_size(rh, rw)
        resized = img if (rh, rw) == (h, w) else cv2.resize(img, (rw, rh))
        blob = np.empty((1, 3, ph, pw), dtype=np.float32)
        if (ph, pw) != (rh, rw):
            # Padding is black, as the letterbox is: (0 - mean) / std.
            for c in range(3):
                blob[0, c] = -self.opts.mean[c] / self.opts.std[c]
        normalize_to_blob(resized, self.opts.mean, self.opts.std, out=blob[0])
        return blob, (rh, rw)

    def __call__(self, img: np.ndarray) -> DetBoxes:
        h, w = img.shape[:2]
        blob, valid = self.make_input(img)
        prob = self.runner.run(blob)[0, 0]
        found = boxes_from_probability(prob, w, h, self.opts, valid_hw=valid)
        boxes, keep = clip_and_filter(found.boxes, h, w)
        return DetBoxes(boxes, found.scores[keep])
