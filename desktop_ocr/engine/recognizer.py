"""Text recognition: batches crops by aspect ratio and decodes them with CTC."""

from __future__ import annotations

import logging
import math

import numpy as np

from desktop_ocr.engine.classifier import resize_into
from desktop_ocr.engine.config import RecOptions
from desktop_ocr.engine.ctc_decoder import CtcDecoder
from desktop_ocr.engine.detector import bucket_side
from desktop_ocr.engine.sessions import ModelRunner
from desktop_ocr.engine.word_boxes import Recognized, token_spans

logger = logging.getLogger(__name__)


class TextRecognizer:
    """Sorts crops by width/height so each batch pads little, then reads each one."""

    def __init__(self, runner: ModelRunner, opts: RecOptions, decoder: CtcDecoder) -> None:
        self.runner = runner
        self.opts = opts
        self.decoder = decoder

    def batch_width(self, ratios: np.ndarray) -> int:
        """Input width for a batch: wide enough for its widest crop, at least the default."""
        height = self.opts.image_shape[1]
        max_ratio = max(self.opts.min_width / height, float(ratios.max()))
        needed = int(height * max_ratio)
        return bucket_side(needed, self.opts.width_buckets) if self.opts.width_buckets else needed

    def __call__(self, crops: list[np.ndarray]) -> list[Recognized]:
        """Text, confidence and each character's place along its crop, per crop."""
        opts = self.opts
        _, height, _ = opts.image_shape
        ratios = np.array([c.shape[1] / float(c.shape[0]) for c in crops]) * opts.width_scale
        order = np.argsort(ratios)
        results: list[Recognized] = [Recognized("", 0.0)] * len(crops)
        for start in range(0, len(crops), opts.batch_size):
            idx = order[start : start + opts.batch_size]
            width = self.batch_width(ratios[idx])
            rows = opts.batch_size if opts.pad_batch else len(idx)
            batch = np.zeros((rows, 3, height, width), dtype=np.float32)
            for slot, i in enumerate(idx):
                resize_into(crops[i], batch[slot], width, opts.width_scale)
            preds = self.runner.run(batch)[: len(idx)]
            for slot, decoded in enumerate(self.decoder(preds)):
                # The share of the input width the crop filled, as resize_into sizes it.
                filled = min(width, math.ceil(height * ratios[idx[slot]])) / width
                results[idx[slot]] = Recognized(
                    decoded.text,
                    decoded.score,
                    decoded.tokens,
                    token_spans(decoded, filled),
                )
        return results
