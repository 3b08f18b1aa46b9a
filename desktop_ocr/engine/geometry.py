"""Box geometry shared by the pipeline: crops, reading order, and scaling back."""

from __future__ import annotations

import logging

import cv2
import numpy as np

logger = logging.getLogger(__name__)


def quad_size(box: np.ndarray) -> tuple[int, int]:
    """(width, height) in whole pixels of the upright crop a quadrilateral gives."""
    pts = np.asarray(box, dtype=np.float32)
    width = int(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[2] - pts[3])))
    height = int(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2])))
    return max(width, 1), max(height, 1)


def is_vertical_crop(box: np.ndarray) -> bool:
    """True when crop_quad turns this box's crop 90 degrees (a vertical line of text)."""
    width, height = quad_size(box)
    return height / width >= 1.5


def widen_quad(box: np.ndarray, margin: float) -> np.ndarray:
    """The quadrilateral grown along its own length by `margin` x its height at each end.

    Detection boxes hug the text; a character at either end (a full stop, a bracket, the
    last stroke of a glyph) is read more surely with a little of the line's background.
    """
    pts = box.astype(np.float32)
    if margin <= 0:
        return pts
    along = ((pts[1] - pts[0]) + (pts[2] - pts[3])) / 2
    length = float(np.linalg.norm(along))
    height = float((np.linalg.norm(pts[3] - pts[0]) + np.linalg.norm(pts[2] - pts[1])) / 2)
    if length <= 0 or height <= 0:
        return pts
    if height > length:  # a vertical line: it runs along the other axis
        along = ((pts[3] - pts[0]) + (pts[2] - pts[1])) / 2
        length, height = height, length
        shift = along / float(np.linalg.norm(along)) * margin * height
        return np.array([pts[0] - shift, pts[1] - shift, pts[2] + shift, pts[3] + shift])
    shift = along / length * margin * height
    return np.array([pts[0] - shift, pts[1] + shift, pts[2] + shift, pts[3] - shift])


def margin_share(box: np.ndarray, margin: float) -> float:
    """What widen_quad adds at each end, as a share of the box's own length."""
    pts = np.asarray(box, dtype=np.float32)
    along = float(np.linalg.norm(((pts[1] - pts[0]) + (pts[2] - pts[3])) / 2))
    across = float((np.linalg.norm(pts[3] - pts[0]) + np.linalg.norm(pts[2] - pts[1])) / 2)
    if margin <= 0 or along <= 0 or across <= 0:
        return 0.0
    length, height = (along, across) if across <= along else (across, along)
    return margin * height / length


def crop_quad(img: np.ndarray, box: np.ndarray, margin: float = 0.0) -> np.ndarray:
    """Cuts a quadrilateral out of the image as an upright rectangle.

    Crops taller than 1.5x their width are turned 90 degrees, since the recogniser
    reads horizontal lines. `margin` widens the quadrilateral first (see widen_quad).
    """
    pts = widen_quad(box, margin)
    width, height = quad_size(pts)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(pts, target)
    crop = cv2.warpPerspective(
        img, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
    )
    if crop.shape[0] / crop.shape[1] >= 1.5:
        crop = np.ascontiguousarray(np.rot90(crop))
    return crop


def order_rapidocr(boxes: np.ndarray) -> np.ndarray:
    """Top-to-bottom, then left-to-right when two tops are within 10 px (RapidOCR's order)."""
    if len(boxes) == 0:
        return np.zeros(0, dtype=np.intp)
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i][0][1], boxes[i][0][0]))
    for i in range(len(order) - 1):
        for j in range(i, -1, -1):
            a, b = boxes[order[j]], boxes[order[j + 1]]
            if abs(b[0][1] - a[0][1]) < 10 and b[0][0] < a[0][0]:
                order[j], order[j + 1] = order[j + 1], order[j]
            else:
                break
    return np.asarray(order, dtype=np.intp)


def order_lines(boxes: np.ndarray) -> np.ndarray:
    """Groups boxes into lines by vertical overlap, then reads each line left to right.

    Unlike a fixed 10 px tolerance, this holds for large and small text alike.
    """
    if len(boxes) == 0:
        return np.zeros(0, dtype=np.intp)
    tops = boxes[:, :, 1].min(axis=1)
    bottoms = boxes[:, :, 1].max(axis=1)
    centers = (tops + bottoms) / 2
    lefts = boxes[:, :, 0].min(axis=1)
    lines: list[list[int]] = []
    line_spans: list[tuple[float, float]] = []
    for i in np.argsort(centers, kind="stable"):
        height = bottoms[i] - tops[i]
        for k, (top, bottom) in enumerate(line_spans):
            overlap = min(bottom, bottoms[i]) - max(top, tops[i])
            if overlap > 0.5 * min(height, bottom - top):
                lines[k].append(int(i))
                line_spans[k] = (min(top, tops[i]), max(bottom, bottoms[i]))
                break
        else:
            lines.append([int(i)])
            line_spans.append((float(tops[i]), float(bottoms[i])))
    ordered: list[int] = []
    for members in sorted(lines, key=lambda m: min(tops[i] for i in m)):
        ordered.extend(sorted(members, key=lambda i: lefts[i]))
    return np.asarray(ordered, dtype=np.intp)
