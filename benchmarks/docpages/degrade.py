"""Makes a clean rendered page look scanned or photographed, moving its truth boxes along.

Off-white paper with uneven light, a rotation under one degree, blur, sensor noise and
JPEG compression: the defects that separate a born-digital page from the pages users
actually drop on the window. The rotation is the only one that moves pixels, and its
matrix is returned so the line boxes move with the glyphs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class ScanEffects:
    angle: float  # degrees, counter-clockwise
    blur_sigma: float
    noise_sigma: float
    jpeg_quality: int
    paper: tuple[int, int, int]  # RGB
    shading: float  # how much darker the far corner is (uneven light)


def random_effects(rng: random.Random) -> ScanEffects:
    return ScanEffects(
        angle=rng.choice((-1, 1)) * rng.uniform(0.2, 0.9),
        blur_sigma=rng.uniform(0.5, 1.1),
        noise_sigma=rng.uniform(2.0, 7.0),
        jpeg_quality=rng.randint(60, 85),
        paper=(rng.randint(236, 250), rng.randint(232, 246), rng.randint(218, 236)),
        shading=rng.uniform(0.0, 0.12),
    )


def degrade(rgb: np.ndarray, fx: ScanEffects, seed: int) -> tuple[bytes, np.ndarray, np.ndarray]:
    """JPEG bytes of the degraded page, the pixels they decode to, and the 2x3 rotation."""
    h, w = rgb.shape[:2]
    img = rgb.astype(np.float32) / 255.0 * np.array(fx.paper, dtype=np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img *= (1.0 - fx.shading * (0.6 * xx / w + 0.4 * yy / h))[..., None]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), fx.angle, 1.0)
    paper = tuple(float(v) for v in fx.paper)
    img = cv2.warpAffine(
        img,
        matrix,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=paper,
    )
    img = cv2.GaussianBlur(img, (0, 0), fx.blur_sigma)
    noise = np.random.default_rng(seed).normal(0.0, fx.noise_sigma, img.shape[:2])
    img = np.clip(img + noise[..., None].astype(np.float32), 0, 255).astype(np.uint8)
    bgr = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    ok, encoded = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, fx.jpeg_quality])
    if not ok:  # pragma: no cover - OpenCV always encodes a plain 8-bit image
        raise RuntimeError("JPEG encoding failed")
    decoded = cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    return encoded.tobytes(), decoded, matrix


def move_quad(quad: list[list[float]], matrix: np.ndarray) -> list[list[float]]:
    pts = np.hstack([np.array(quad, dtype=np.float64), np.ones((4, 1))]) @ matrix.T
    return pts.tolist()


def crop_line(rgb: np.ndarray, quad: list[list[float]], margin: float) -> np.ndarray:
    """The line cut out upright, with `margin` pixels of page around its glyph box."""
    pts = np.array(quad, dtype=np.float32)
    along = pts[1] - pts[0]
    down = pts[3] - pts[0]
    ux = along / max(np.linalg.norm(along), 1e-6)
    uy = down / max(np.linalg.norm(down), 1e-6)
    grown = np.array(
        [
            pts[0] - margin * ux - margin * uy,
            pts[1] + margin * ux - margin * uy,
            pts[2] + margin * ux + margin * uy,
            pts[3] - margin * ux + margin * uy,
        ],
        dtype=np.float32,
    )
    width = round(float(np.linalg.norm(grown[1] - grown[0])))
    height = round(float(np.linalg.norm(grown[3] - grown[0])))
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    warp = cv2.getPerspectiveTransform(grown, target)
    return cv2.warpPerspective(
        rgb, warp, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
