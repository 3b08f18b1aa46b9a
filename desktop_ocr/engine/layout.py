"""Reading order and paragraphs of a page's lines: columns in turn, not rows across them.

Detection order (top to bottom, left to right) reads a two-column article as interleaved
halves. The order here follows Breuel's rules for text lines (High Performance Document
Layout Analysis, 2003): a line comes before another when

1. their horizontal extents overlap and it is above the other (one column, top down), or
2. it lies wholly to the left of the other and no line between them, vertically,
   reaches across both (columns left to right, but never across a heading or rule
   line that spans them).

The lines are then sorted topologically, ties going to the line nearer the top left. A
page where most lines are vertical (tall boxes: Chinese or Japanese set in columns) is
read with the same rules after a quarter turn, which makes columns run right to left and
each column top to bottom.

Paragraphs start where the text moves to another column, where the gap above a line is
larger than the page's usual line gap, where the text size changes, where a line is
indented against the one before, or after a line that ends well short of its neighbours.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import logging
from dataclasses import dataclass

import numpy as np

from desktop_ocr.engine.results import TextLine

logger = logging.getLogger(__name__)

# Above this many lines the three-way check costs seconds; such pages (tables, lists of
# numbers) are read row by row instead.
MAX_LINES = 1200


@dataclass(frozen=True)
class Layout:
    """Line indices in reading order and, aligned with them, each line's paragraph."""

    order: tuple[int, ...]
    paragraphs: tuple[int, ...]
    vertical: bool = False


@dataclass(frozen=True)
class _Rects:
    x0: np.ndarray
    x1: np.ndarray
    y0: np.ndarray
    y1: np.ndarray

    @property
    def height(self) -> np.ndarray:
        return self.y1 - self.y0

    @property
    def yc(self) -> np.ndarray:
        return (self.y0 + self.y1) / 2


def is_vertical_page(boxes: np.ndarray) -> bool:
    """True when most lines are tall and narrow: text set in vertical columns."""
    if len(boxes) < 2:
        return False
    widths = boxes[:, :, 0].max(axis=1) - boxes[:, :, 0].min(axis=1)
    heights = boxes[:, :, 1].max(axis=1) - boxes[:, :, 1].min(axis=1)
    tall = heights >= 1.5 * np.maximum(widths, 1e-6)
    return bool(tall.sum() * 2 > len(boxes))


def _rects(boxes: np.ndarray, vertical: bool) -> _Rects:
    xs, ys = boxes[:, :, 0].astype(np.float64), boxes[:, :, 1].astype(np.float64)
    if vertical:  # a quarter turn: the rightmost column becomes the top row
        xs, ys = ys, -xs
    return _Rects(xs.min(axis=1), xs.max(axis=1), ys.min(axis=1), ys.max(axis=1))


def _precedes(r: _Rects) -> np.ndarray:
    """before[a, b]: line a must be read before line b."""
    n = len(r.x0)
    x_overlap = (
        np.minimum(r.x1[:, None], r.x1[None, :]) - np.maximum(r.x0[:, None], r.x0[None, :])
    ) > 0
    h = r.height
    y_overlap = np.minimum(r.y1[:, None], r.y1[None, :]) - np.maximum(r.y0[:, None], r.y0[None, :])
    same_row = y_overlap > 0.5 * np.minimum(h[:, None], h[None, :])
    yc = r.yc
    above = yc[:, None] < yc[None, :]
    # Rule 1, with lines on one row that overlap read from their left ends.
    before = x_overlap & np.where(same_row, r.x0[:, None] < r.x0[None, :], above)
    # Rule 2: a wholly left of b, unless a line c between them vertically spans both.
    tolerance = 0.1 * float(np.median(h)) if n else 0.0
    reach = 10 * tolerance  # a line's height
    left_of = r.x1[:, None] <= r.x0[None, :] + tolerance
    lo = np.minimum(yc[:, None], yc[None, :])
    hi = np.maximum(yc[:, None], yc[None, :])
    for a in np.flatnonzero(left_of.any(axis=1)):
        targets = np.flatnonzero(left_of[a])
        # between[b, c]: c lies vertically between a and b and reaches over both.
        between = (yc[None, :] > lo[a, targets][:, None]) & (yc[None, :] < hi[a, targets][:, None])
        spans = between & x_overlap[a][None, :] & x_overlap[targets]
        # A line below b goes first only when its column reaches up to b, within a line:
        # columns side by side (one may start a little lower, under a heading's space),
        # not a small label low on the left of a poster.
        below = yc[a] > r.y1[targets]
        near = (r.y0[None, :] <= r.y1[targets][:, None] + reach) & (
            r.y1[None, :] >= r.y0[targets][:, None] - reach
        )
        column_reaches = (near & x_overlap[a][None, :]).any(axis=1)
        allowed = ~spans.any(axis=1) & (~below | column_reaches)
        before[a, targets[allowed]] = True
    np.fill_diagonal(before, False)
    return before


def _topological(before: np.ndarray, r: _Rects) -> list[int]:
    """Kahn's algorithm; the top-left-most free line goes first; cycles are broken there."""
    n = before.shape[0]
    # Two lines that each claim to go first (overlapping boxes) fall back to position.
    mutual = before & before.T
    if mutual.any():
        before = before & ~(mutual & (r.yc[:, None] > r.yc[None, :]))
    indegree = before.sum(axis=0).astype(np.int64)
    key = [(float(r.y0[i]), float(r.x0[i]), i) for i in range(n)]
    heap = [key[i] for i in range(n) if indegree[i] == 0]
    heapq.heapify(heap)
    done = np.zeros(n, dtype=bool)
    order: list[int] = []
    while len(order) < n:
        if not heap:  # a cycle: take the top-left-most line left
            rest = [key[i] for i in range(n) if not done[i]]
            heap = [min(rest)]
        _, _, i = heapq.heappop(heap)
        if done[i]:
            continue
        done[i] = True
        order.append(i)
        for j in np.flatnonzero(before[i]):
            indegree[j] -= 1
            if indegree[j] == 0 and not done[j]:
                heapq.heappush(heap, key[j])
    return order


def _paragraphs(order: list[int], r: _Rects) -> list[int]:
    """Paragraph number of each line in `order`."""
    if not order:
        return []
    h_med = float(np.median(r.height))
    gaps = [
        r.y0[b] - r.y1[a]
        for a, b in itertools.pairwise(order)
        if r.y0[b] >= r.y0[a] and _overlap(r, a, b) > 0
    ]
    usual_gap = float(np.median(gaps)) if gaps else 0.0
    numbers = [0]
    start = order[0]
    right = r.x1[start]
    for a, b in itertools.pairwise(order):
        ha, hb = r.height[a], r.height[b]
        width = max(r.x1[b], right) - min(r.x0[b], r.x0[start])
        new = (
            _overlap(r, a, b) <= 0  # another column or block
            or r.y0[b] < r.y1[a] - 0.5 * min(ha, hb)  # back up the page
            or (r.y0[b] - r.y1[a]) - usual_gap > 0.5 * h_med  # a wider gap
            or abs(ha - hb) > 0.3 * max(ha, hb)  # another text size
            or r.x0[b] - r.x0[a] > 0.8 * h_med  # first-line indent
            or r.x1[a] < max(r.x1[b], right) - max(3.0 * h_med, 0.25 * width)  # short line
        )
        if new:
            numbers.append(numbers[-1] + 1)
            start, right = b, r.x1[b]
        else:
            numbers.append(numbers[-1])
            right = max(right, r.x1[b])
    return numbers


def _overlap(r: _Rects, a: int, b: int) -> float:
    return float(min(r.x1[a], r.x1[b]) - max(r.x0[a], r.x0[b]))


def arrange(boxes: np.ndarray) -> Layout:
    """Reading order and paragraphs of line boxes (N x 4 x 2, image coordinates)."""
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4, 2)
    n = len(boxes)
    if n == 0:
        return Layout((), ())
    vertical = is_vertical_page(boxes)
    r = _rects(boxes, vertical)
    if n > MAX_LINES:
        logger.info("%d lines: read row by row without columns", n)
        order = sorted(range(n), key=lambda i: (float(r.y0[i]), float(r.x0[i])))
    else:
        order = _topological(_precedes(r), r)
    return Layout(tuple(order), tuple(_paragraphs(order, r)), vertical)


def paragraphs_in_order(boxes: np.ndarray) -> tuple[int, ...]:
    """Paragraph numbers for lines already in reading order (a PDF's own text layer)."""
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4, 2)
    if len(boxes) == 0:
        return ()
    r = _rects(boxes, is_vertical_page(boxes))
    return tuple(_paragraphs(list(range(len(boxes))), r))


def in_reading_order(lines: list[TextLine]) -> list[TextLine]:
    """The lines in column and paragraph order, each with its paragraph number."""
    if not lines:
        return lines
    layout = arrange(np.array([line.box for line in lines], dtype=np.float64))
    return [
        dataclasses.replace(lines[i], paragraph=para)
        for i, para in zip(layout.order, layout.paragraphs, strict=True)
    ]
