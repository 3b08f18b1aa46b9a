"""DB (differentiable binarization) post-processing: probability map to text quadrilaterals."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np
import pyclipper

from desktop_ocr.engine.config import DetOptions

logger = logging.getLogger(__name__)

_DILATE_KERNEL = np.ones((2, 2), dtype=np.uint8)


@dataclass(frozen=True)
class DetBoxes:
    """Quadrilaterals (N x 4 x 2, float32, clockwise from top-left) and their scores."""

    boxes: np.ndarray
    scores: np.ndarray


def mini_box(contour: np.ndarray) -> tuple[np.ndarray, float]:
    """The minimum-area rectangle of a point set, ordered tl, tr, br, bl, and its short side."""
    rect = cv2.minAreaRect(contour)
    pts = cv2.boxPoints(rect)
    pts = pts[np.argsort(pts[:, 0], kind="stable")]
    left = pts[:2] if pts[1, 1] > pts[0, 1] else pts[[1, 0]]
    right = pts[2:] if pts[3, 1] > pts[2, 1] else pts[[3, 2]]
    box = np.stack([left[0], right[0], right[1], left[1]])
    return box, float(min(rect[1]))


def box_score_fast(prob: np.ndarray, box: np.ndarray) -> float:
    """Mean probability inside the quadrilateral, on its bounding window only."""
    h, w = prob.shape
    xmin = int(np.clip(np.floor(box[:, 0].min()), 0, w - 1))
    xmax = int(np.clip(np.ceil(box[:, 0].max()), 0, w - 1))
    ymin = int(np.clip(np.floor(box[:, 1].min()), 0, h - 1))
    ymax = int(np.clip(np.ceil(box[:, 1].max()), 0, h - 1))
    mask = np.zeros((ymax - ymin + 1, xmax - xmin + 1), dtype=np.uint8)
    shifted = (box - np.array([xmin, ymin], dtype=box.dtype)).astype(np.int32)
    cv2.fillPoly(mask, shifted.reshape(1, -1, 2), 1)
    return float(cv2.mean(prob[ymin : ymax + 1, xmin : xmax + 1], mask)[0])


def box_score_slow(prob: np.ndarray, contour: np.ndarray) -> float:
    """Mean probability inside the exact contour polygon."""
    h, w = prob.shape
    pts = contour.reshape(-1, 2)
    xmin = int(np.clip(pts[:, 0].min(), 0, w - 1))
    xmax = int(np.clip(pts[:, 0].max(), 0, w - 1))
    ymin = int(np.clip(pts[:, 1].min(), 0, h - 1))
    ymax = int(np.clip(pts[:, 1].max(), 0, h - 1))
    mask = np.zeros((ymax - ymin + 1, xmax - xmin + 1), dtype=np.uint8)
    shifted = (pts - np.array([xmin, ymin])).astype(np.int32)
    cv2.fillPoly(mask, shifted.reshape(1, -1, 2), 1)
    return float(cv2.mean(prob[ymin : ymax + 1, xmin : xmax + 1], mask)[0])


def unclip(box: np.ndarray, ratio: float) -> np.ndarray:
    """Grows a shrunk text kernel back by area * ratio / perimeter (DB's rule)."""
    poly = box.reshape(-1, 1, 2).astype(np.float32)
    area = abs(cv2.contourArea(poly))
    length = cv2.arcLength(poly, True)
    if length <= 0:
        return np.zeros((0, 1, 2), dtype=np.float32)
    distance = area * ratio / length
    offset = pyclipper.PyclipperOffset()
    offset.AddPath(box.tolist(), pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    expanded = offset.Execute(distance)
    if not expanded:
        return np.zeros((0, 1, 2), dtype=np.float32)
    points = np.concatenate([np.asarray(path, dtype=np.float32) for path in expanded])
    return points.reshape(-1, 1, 2)


def boxes_from_probability(
    prob: np.ndarray,
    dest_w: int,
    dest_h: int,
    opts: DetOptions,
    valid_hw: tuple[int, int] | None = None,
) -> DetBoxes:
    """Thresholds a probability map and returns boxes scaled to a dest_w x dest_h image.

    `valid_hw` is the part of the map that covers the image when the input was padded.
    """
    if valid_hw is not None:
        prob = prob[: valid_hw[0], : valid_hw[1]]
    height, width = prob.shape
    bitmap = (prob > opts.thresh).astype(np.uint8)
    if opts.use_dilation:
        bitmap = cv2.dilate(bitmap, _DILATE_KERNEL)
    contours, _ = cv2.findContours(bitmap * 255, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    boxes: list[np.ndarray] = []
    scores: list[float] = []
    for contour in contours[: opts.max_candidates]:
        points, short_side = mini_box(contour)
        if short_side < opts.min_size:
            continue
        if opts.score_mode == "fast":
            score = box_score_fast(prob, points)
        else:
            score = box_score_slow(prob, contour)
        if score < opts.box_thresh:
            continue
        expanded = unclip(points, opts.unclip_ratio)
        if len(expanded) == 0:
            continue
        box, short_side = mini_box(expanded)
        if short_side < opts.min_size + 2:
            continue
        box[:, 0] = np.clip(np.round(box[:, 0] / width * dest_w), 0, dest_w)
        box[:, 1] = np.clip(np.round(box[:, 1] / height * dest_h), 0, dest_h)
        boxes.append(box.astype(np.int32))
        scores.append(score)
    if not boxes:
        return DetBoxes(np.zeros((0, 4, 2), dtype=np.float32), np.zeros(0, dtype=np.float32))
    return DetBoxes(np.stack(boxes).astype(np.float32), np.asarray(scores, dtype=np.float32))


def order_clockwise(pts: np.ndarray) -> np.ndarray:
    """Orders four points tl, tr, br, bl: the two left-most by y, then the two right-most."""
    by_x = pts[np.argsort(pts[:, 0], kind="stable")]
    left = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
    right = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
    return np.array([left[0], right[0], right[1], left[1]], dtype=np.float32)


def clip_and_filter(
    boxes: np.ndarray, img_h: int, img_w: int, min_side: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """Orders, clips to the image and drops boxes with a side of `min_side` pixels or less.

    Returns the kept boxes and their indices in the input.
    """
    kept: list[np.ndarray] = []
    index: list[int] = []
    for i, box in enumerate(boxes):
        box = order_clockwise(box)
        box[:, 0] = np.floor(np.clip(box[:, 0], 0, img_w - 1))
        box[:, 1] = np.floor(np.clip(box[:, 1], 0, img_h - 1))
        width = int(np.linalg.norm(box[0] - box[1]))
        height = int(np.linalg.norm(box[0] - box[3]))
        if width <= min_side or height <= min_side:
            continue
        kept.append(box)
        index.append(i)
    if not kept:
        return np.zeros((0, 4, 2), dtype=np.float32), np.zeros(0, dtype=np.intp)
    return np.stack(kept), np.asarray(index, dtype=np.intp)
