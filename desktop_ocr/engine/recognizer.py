"""Text recognition: batches crops by aspect ratio and decodes them with CTC."""

from __future__ import annotations

import logging
import math

import numpy as np

from desktop_ocr.engine.classifier import resize_into
from desktop_ocr.engine.config import RecOptions
from desktop_ocr.engine.ctc_decoder import CtcDecoder
from desktop_ocr.engine.detector import bucket_side
from desktop_ocr.engine.model_runner import ModelRunner
from desktop_ocr.engine.runner_pool import RunnerPool
from desktop_ocr.engine.word_boxes import Recognized, token_spans

logger = logging.getLogger(__name__)


class TextRecognizer:
    """Sorts crops by width/height so each batch pads little, then reads each one."""

    def __init__(
        self, runner: ModelRunner | RunnerPool, opts: RecOptions, decoder: CtcDecoder
    ) -> None:
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
        shapes = np.array([c.shape[1] / float(c.shape[0]) for c in crops])
        scales = np.where(shapes >= opts.width_scale_from, opts.width_scale, 1.0)
        ratios = shapes * scales
        order = np.argsort(ratios)
        groups = [order[s : s + opts.batch_size] for s in range(0, len(crops), opts.batch_size)]

        def read(runner: ModelRunner, idx: np.ndarray) -> list[Recognized]:
            return self._read_batch(runner, [crops[i] for i in idx], ratios[idx], scales[idx])

        outputs = self.runner.each(groups, read)
        results: list[Recognized] = [Recognized("", 0.0)] * len(crops)
        for idx, read_back in zip(groups, outputs, strict=True):
            for i, recognized in zip(idx, read_back, strict=True):
                results[i] = recognized
        return results

    def _read_batch(
        self, runner: ModelRunner, crops: list[np.ndarray], ratios: np.ndarray, scales: np.ndarray
    ) -> list[Recognized]:
        opts = self.opts
        _, height, _ = opts.image_shape
        width = self.batch_width(ratios)
        rows = opts.batch_size if opts.pad_batch else len(crops)
        batch = np.zeros((rows, 3, height, width), dtype=np.float32)
        for slot, crop in enumerate(crops):
            resize_into(crop, batch[slot], width, float(scales[slot]))
        preds = runner.run(batch)[: len(crops)]
        out = []
        for slot, decoded in enumerate(self.decoder(preds)):
            # The share of the input width the crop filled, as resize_into sizes it.
            filled = min(width, math.ceil(height * ratios[slot])) / width
            out.append(
                Recognized(
                    decoded.text, decoded.score, decoded.tokens, token_spans(decoded, filled)
                )
            )
        return out
