"""Where each character and word of a line lies in the image, from the CTC time steps.

The recogniser's output has one time step per few pixels of its input, and greedy CTC
decoding keeps, for every character, the run of steps where the model saw it. A
character's centre is the middle of its run; its width is half the distance to its
nearer neighbour on each side (capped near the line's usual pitch, so a gap between two
words does not widen them). The span, as a fraction of the crop's reading direction, is
then laid on the line's quadrilateral: along the top and bottom edges for a horizontal
line, along the left and right edges for a vertical one, reversed when the angle
classifier turned the crop upside down.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass

import numpy as np

from desktop_ocr.engine.ctc_decoder import Decoded
from desktop_ocr.engine.results import Box, WordBox

logger = logging.getLogger(__name__)

Span = tuple[float, float]

# Scripts written without spaces between words: each character is a word of its own.
_UNSPACED = re.compile(
    "[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]"
)


def is_unspaced(char: str) -> bool:
    """True for a character of a script written without spaces (a word by itself)."""
    return bool(_UNSPACED.fullmatch(char))


@dataclass(frozen=True)
class Recognized:
    """One crop's text, confidence, and where each token lies along the crop (0..1)."""

    text: str
    score: float
    tokens: tuple[str, ...] = ()
    spans: tuple[Span, ...] = ()


def without_margin(read: Recognized, share: float) -> Recognized:
    """`read` with its spans measured along the detected box rather than the widened crop.

    The crop had `share` of the box's length of background added at each end (see
    geometry.widen_quad); a character there is clipped to the box's end.
    """
    if share <= 0 or not read.spans:
        return read
    whole = 1.0 + 2.0 * share
    spans = tuple(
        (min(max(a * whole - share, 0.0), 1.0), min(max(b * whole - share, 0.0), 1.0))
        for a, b in read.spans
    )
    return dataclasses.replace(read, spans=spans)


def token_spans(decoded: Decoded, valid_fraction: float) -> tuple[Span, ...]:
    """Each token's extent as a fraction of the crop's width (the unpadded input part).

    `valid_fraction` is the share of the model's input width the crop filled; the rest
    was padding, which the time steps also cover.
    """
    count = len(decoded.tokens)
    if count == 0:
        return ()
    valid_steps = max(decoded.steps * min(max(valid_fraction, 1e-6), 1.0), 1e-6)
    centers = (decoded.starts.astype(np.float64) + decoded.ends + 1.0) / 2.0
    if count == 1:
        half = np.array([valid_steps / 2.0])
        centers = np.array([valid_steps / 2.0])
    else:
        gaps = np.diff(centers)
        left = np.concatenate([gaps[:1], gaps])
        right = np.concatenate([gaps, gaps[-1:]])
        pitch = max(float(np.median(gaps)), 1.0)
        half = np.minimum(np.minimum(left, right) / 2.0, 0.6 * pitch)
    lo = np.clip((centers - half) / valid_steps, 0.0, 1.0)
    hi = np.clip((centers + half) / valid_steps, 0.0, 1.0)
    return tuple((float(a), float(b)) for a, b in zip(lo, hi, strict=True))


def span_quad(box: Box | np.ndarray, span: Span, *, vertical: bool, flipped: bool) -> Box:
    """The part of a line's quadrilateral that a span of its reading direction covers."""
    p = np.asarray(box, dtype=np.float64)
    u0, u1 = (1.0 - span[1], 1.0 - span[0]) if flipped else span
    if vertical:  # the crop was turned: reading runs from the top edge to the bottom one
        a0, a1 = p[0] + (p[3] - p[0]) * u0, p[0] + (p[3] - p[0]) * u1
        b0, b1 = p[1] + (p[2] - p[1]) * u0, p[1] + (p[2] - p[1]) * u1
        corners = (a0, b0, b1, a1)
    else:
        a0, a1 = p[0] + (p[1] - p[0]) * u0, p[0] + (p[1] - p[0]) * u1
        b0, b1 = p[3] + (p[2] - p[3]) * u0, p[3] + (p[2] - p[3]) * u1
        corners = (a0, a1, b1, b0)
    return tuple((float(x), float(y)) for x, y in corners)  # type: ignore[return-value]


def _word_spans(tokens: tuple[str, ...], spans: tuple[Span, ...]) -> list[tuple[str, Span]]:
    words: list[tuple[str, Span]] = []
    text, lo, hi = "", 1.0, 0.0

    def close() -> None:
        nonlocal text, lo, hi
        if text:
            words.append((text, (lo, hi)))
        text, lo, hi = "", 1.0, 0.0

    for token, (a, b) in zip(tokens, spans, strict=True):
        if not token.strip():
            close()
        elif is_unspaced(token):
            close()
            words.append((token, (a, b)))
        else:
            text, lo, hi = text + token, min(lo, a), max(hi, b)
    close()
    return words


def line_words(
    box: Box | np.ndarray, rec: Recognized, *, vertical: bool, flipped: bool
) -> tuple[tuple[WordBox, ...], tuple[WordBox, ...]]:
    """(words, characters) of a line with their boxes in the line box's coordinates."""
    if not rec.tokens or len(rec.tokens) != len(rec.spans):
        return (), ()
    words = tuple(
        WordBox(text, span_quad(box, span, vertical=vertical, flipped=flipped))
        for text, span in _word_spans(rec.tokens, rec.spans)
    )
    chars = tuple(
        WordBox(token, span_quad(box, span, vertical=vertical, flipped=flipped))
        for token, span in zip(rec.tokens, rec.spans, strict=True)
        if token.strip()
    )
    return words, chars
