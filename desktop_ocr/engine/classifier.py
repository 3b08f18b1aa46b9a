"""Text line angle classification: finds crops that are upside down and turns them."""

from __future__ import annotations

import logging
import math

import cv2
import numpy as np

from desktop_ocr.engine.config import ClsOptions
from desktop_ocr.engine.detector import normalize_to_blob
from desktop_ocr.engine.model_runner import ModelRunner

logger = logging.getLogger(__name__)


def resize_into(img: np.ndarray, out: np.ndarray, target_w: int, width_scale: float = 1.0) -> None:
    """Resizes a crop to the model height, capped at `target_w`, normalised into `out`.

    `out` is a zeroed C x H x W slot of the batch; the unused right part stays zero,
    as the models were trained with. `width_scale` narrows the crop (see RecOptions).
    """
    height = out.shape[1]
    h, w = img.shape[:2]
    resized_w = min(target_w, math.ceil(height * (w / float(h)) * width_scale))
    resized_w = max(resized_w, 1)
    resized = cv2.resize(img, (resized_w, height))
    # (x / 255 - 0.5) / 0.5, the PP-OCR classifier's and recogniser's normalisation.
    normalize_to_blob(resized, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5), out=out)


class AngleClassifier:
    """Batched 0/180 classification; rotates crops whose 180 score passes the threshold."""

    def __init__(self, runner: ModelRunner, opts: ClsOptions) -> None:
        self.runner = runner
        self.opts = opts

    def __call__(self, crops: list[np.ndarray]) -> tuple[list[np.ndarray], list[tuple[str, float]]]:
        opts = self.opts
        _, height, width = opts.image_shape
        order = np.argsort(np.array([c.shape[1] / float(c.shape[0]) for c in crops]))
        results: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        out = list(crops)
        for start in range(0, len(crops), opts.batch_size):
            idx = order[start : start + opts.batch_size]
            rows = opts.batch_size if opts.pad_batch else len(idx)
            batch = np.zeros((rows, 3, height, width), dtype=np.float32)
            for slot, i in enumerate(idx):
                resize_into(crops[i], batch[slot], width)
            probs = self.runner.run(batch)[: len(idx)]
            best = probs.argmax(axis=1)
            for slot, i in enumerate(idx):
                label = opts.labels[int(best[slot])]
                score = float(probs[slot, best[slot]])
                results[i] = (label, score)
                if label == "180" and score > opts.thresh:
                    out[i] = cv2.rotate(crops[i], cv2.ROTATE_180)
        return out, results
