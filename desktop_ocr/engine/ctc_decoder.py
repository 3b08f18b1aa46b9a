"""CTC greedy decoding of the recognition model's output into text and confidence."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)


def read_character_file(path: Path) -> list[str]:
    """One character per line, as PaddleOCR dictionaries are written."""
    lines = path.read_bytes().decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


class CtcDecoder:
    """Greedy decoding: best class per time step, repeats merged, blanks dropped."""

    def __init__(self, characters: list[str]) -> None:
        if not characters:
            raise ValueError("the character list is empty")
        # Class 0 is the CTC blank; the model's last class is a space.
        self.characters = np.array(["", *characters, " "], dtype=object)

    @property
    def num_classes(self) -> int:
        return len(self.characters)

    def __call__(self, preds: np.ndarray) -> list[tuple[str, float, np.ndarray]]:
        """preds: N x T x C probabilities -> (text, mean confidence, kept time steps) each."""
        best = preds.argmax(axis=2)
        prob = np.take_along_axis(preds, best[..., None], axis=2)[..., 0]
        keep = best != 0
        keep[:, 1:] &= best[:, 1:] != best[:, :-1]
        decoded = []
        for row in range(best.shape[0]):
            sel = keep[row]
            idx = best[row][sel]
            text = "".join(self.characters[idx]) if idx.size else ""
            score = float(prob[row][sel].mean()) if idx.size else 0.0
            decoded.append((text, score, np.flatnonzero(sel)))
        return decoded
