"""Text detection: sizes the image for the DB model, runs it, and returns text boxes."""

from __future__ import annotations

import dataclasses
import logging

import cv2
import numpy as np

from desktop_ocr.engine.config import DetOptions
from desktop_ocr.engine.db_postprocess import DetBoxes, boxes_from_probability, clip_and_filter
from desktop_ocr.engine.model_runner import ModelRunner

logger = logging.getLogger(__name__)


def round32(value: float) -> int:
    """The nearest multiple of 32 (at least 32): the detection model's input sides."""
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

    def input_size(self, h: int, w: int, extra: float = 1.0) -> tuple[int, int]:
        """The (height, width) the model sees for an h x w image, before any padding.

        `limit_type: min` scales the short side up to `limit_side_len`; `max` scales the
        long side down to it. `extra` multiplies that (the second pass for small text),
        and `max_input_side` then caps the long side, so a thin strip is not blown up
        to thousands of pixels.
        """
        opts = self.opts
        if opts.limit_type == "min":
            short = min(h, w)
            ratio = opts.limit_side_len / short if short < opts.limit_side_len else 1.0
        else:
            long = max(h, w)
            ratio = opts.limit_side_len / long if long > opts.limit_side_len else 1.0
        ratio *= extra
        if opts.max_input_side and max(h, w) * ratio > opts.max_input_side:
            ratio = opts.max_input_side / max(h, w)
        return round32(int(h * ratio)), round32(int(w * ratio))

    def padded_size(self, rh: int, rw: int) -> tuple[int, int]:
        if not self.opts.shape_buckets:
            return rh, rw
        return (bucket_side(rh, self.opts.shape_buckets), bucket_side(rw, self.opts.shape_buckets))

    def make_input(self, img: np.ndarray, size: tuple[int, int]) -> np.ndarray:
        """The normalised 1 x 3 x H x W blob for the model, padded to a shape bucket."""
        h, w = img.shape[:2]
        rh, rw = size
        ph, pw = self.padded_size(rh, rw)
        resized = img if (rh, rw) == (h, w) else cv2.resize(img, (rw, rh))
        blob = np.empty((1, 3, ph, pw), dtype=np.float32)
        if (ph, pw) != (rh, rw):
            # Padding is black, as the letterbox is: (0 - mean) / std.
            for c in range(3):
                blob[0, c] = -self.opts.mean[c] / self.opts.std[c]
        normalize_to_blob(resized, self.opts.mean, self.opts.std, out=blob[0])
        return blob

    def detect_at(self, img: np.ndarray, size: tuple[int, int]) -> DetBoxes:
        """Boxes in image coordinates from one run of the model at input `size`."""
        h, w = img.shape[:2]
        prob = self.runner.run(self.make_input(img, size))[0, 0]
        found = boxes_from_probability(prob, w, h, self._post_opts(h, w), valid_hw=size)
        boxes, keep = clip_and_filter(found.boxes, h, w)
        return DetBoxes(boxes, found.scores[keep])

    def _post_opts(self, h: int, w: int) -> DetOptions:
        """The post-processing settings for an h x w image.

        In a small image (a dialog, a panel of a game, a region of the screen) text is a
        few pixels high, and the detector's response on its thinnest strokes, a dash in a
        line of Chinese above all, is weak: a lower threshold keeps such a line whole. In
        pages and photos the same threshold bridges column gutters and table cells.
        """
        opts = self.opts
        small = opts.small_image_side and max(h, w) <= opts.small_image_side
        if small and opts.small_image_thresh != opts.thresh:
            return dataclasses.replace(opts, thresh=opts.small_image_thresh)
        return opts

    def __call__(self, img: np.ndarray) -> DetBoxes:
        h, w = img.shape[:2]
        size = self.input_size(h, w)
        found = self.detect_at(img, size)
        target = self.opts.small_text_height
        if not target or len(found.boxes) == 0:
            return found
        # Small text is found better when it is larger: measure it, and look again.
        sides = np.minimum(
            np.linalg.norm(found.boxes[:, 0] - found.boxes[:, 1], axis=1),
            np.linalg.norm(found.boxes[:, 0] - found.boxes[:, 3], axis=1),
        )
        text_px = float(np.median(sides)) * size[0] / h
        if text_px >= target:
            return found
        extra = min(self.opts.text_height_goal / max(text_px, 1.0), self.opts.max_upscale)
        bigger = self.input_size(h, w, extra)
        if bigger[0] * bigger[1] < 1.5 * size[0] * size[1]:
            return found
        return self.detect_at(img, bigger)
