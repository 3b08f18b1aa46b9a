"""CTC greedy decoding of the recognition model's output into text and confidence."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)


def read_character_file(path: Path) -> list[str]:
    """One character per line, as PaddleOCR dictionaries are written."""
    lines = path.read_bytes().decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


@dataclass(frozen=True)
class Decoded:
    """One crop's text and, per character, the time steps where the model saw it.

    `starts[i]` and `ends[i]` are the first and last step of character i's run of equal
    best classes (inclusive); `steps` is the length of the model's output, which spans
    the whole input width, padding included.
    """

    text: str
    score: float
    tokens: tuple[str, ...]  # the dictionary entries read, one per run (joined: `text`)
    starts: np.ndarray
    ends: np.ndarray
    steps: int


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

    def __call__(self, preds: np.ndarray) -> list[Decoded]:
        """preds: N x T x C probabilities -> text, mean confidence and character steps."""
        best = preds.argmax(axis=2)
        prob = np.take_along_axis(preds, best[..., None], axis=2)[..., 0]
        keep = best != 0
        keep[:, 1:] &= best[:, 1:] != best[:, :-1]
        # A run of equal classes ends where the next step differs, or at the last step.
        run_end = np.ones_like(keep)
        run_end[:, :-1] = best[:, 1:] != best[:, :-1]
        steps = best.shape[1]
        decoded = []
        for row in range(best.shape[0]):
            starts = np.flatnonzero(keep[row])
            idx = best[row][starts]
            tokens = tuple(self.characters[idx]) if idx.size else ()
            text = "".join(tokens)
            score = float(prob[row][starts].mean()) if idx.size else 0.0
            ends_all = np.flatnonzero(run_end[row])
            ends = ends_all[np.searchsorted(ends_all, starts)] if idx.size else starts
            decoded.append(Decoded(text, score, tokens, starts, ends, steps))
        return decoded
