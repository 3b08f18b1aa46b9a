"""The geometry of the image view, without Tk: hit tests, rotation, and where the image goes.

The view maps image pixels to the screen with one rotation, one scale and one offset;
these functions are that mapping, so boxes, clicks and the drawn image always agree.
"""

from __future__ import annotations

from desktop_ocr.engine.results import Box

Size = tuple[int, int]


def rotate_point(
    x: float, y: float, size: tuple[int, int], quarter_turns: int
) -> tuple[float, float]:
    """A point of an image of `size` after turning the image clockwise by 90° steps."""
    w, h = size
    for _turn in range(quarter_turns % 4):
        x, y, w, h = h - y, x, h, w
    return x, y


def source_region(
    region: tuple[int, int, int, int], shown_size: Size, quarter_turns: int
) -> tuple[int, int, int, int]:
    """A region of an image shown turned `quarter_turns` clockwise, in the upright image."""
    turns = quarter_turns % 4
    if not turns:
        return region
    left, top, right, bottom = region
    back = (4 - turns) % 4
    x1, y1 = rotate_point(left, top, shown_size, back)
    x2, y2 = rotate_point(right, bottom, shown_size, back)
    return (
        round(min(x1, x2)), round(min(y1, y2)), round(max(x1, x2)), round(max(y1, y2))
    )


def rotate_box(box: Box, size: tuple[int, int], quarter_turns: int) -> Box:
    return tuple(rotate_point(x, y, size, quarter_turns) for x, y in box)  # type: ignore[return-value]


def point_in_quad(x: float, y: float, box: Box) -> bool:
    """Ray casting: True when (x, y) lies inside the quadrilateral."""
    inside = False
    n = len(box)
    for i in range(n):
        x1, y1 = box[i]
        x2, y2 = box[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < cross:
                inside = not inside
    return inside


def quad_area(box: Box) -> float:
    area = 0.0
    for i in range(len(box)):
        x1, y1 = box[i]
        x2, y2 = box[(i + 1) % len(box)]
        area += x1 * y2 - x2 * y1
    return abs(area) / 2


def place_image(
    image_size: Size,
    canvas_size: Size,
    zoom: float | None,
    centre: tuple[float, float],
    margin: int,
    max_upscale: float,
) -> tuple[float, tuple[float, float], tuple[float, float]]:
    """(scale, centre, offset) of an image in a canvas; `zoom` None fits it with a margin.

    An axis that fits in the canvas is centred; one that does not is kept from leaving a
    gap at its edges, so a pan or a zoom can never lose the image.
    """
    iw, ih = image_size
    width, height = canvas_size
    if zoom is None:
        avail_w, avail_h = max(width - 2 * margin, 1), max(height - 2 * margin, 1)
        scale = min(avail_w / iw, avail_h / ih, max_upscale)
        cx, cy = iw / 2, ih / 2
    else:
        scale = zoom
        cx, cy = centre
    half_w, half_h = width / 2 / scale, height / 2 / scale
    cx = iw / 2 if iw * scale <= width else min(max(cx, half_w), iw - half_w)
    cy = ih / 2 if ih * scale <= height else min(max(cy, half_h), ih - half_h)
    return scale, (cx, cy), (width / 2 - cx * scale, height / 2 - cy * scale)


def visible_region(
    image_size: Size, canvas_size: Size, scale: float, offset: tuple[float, float]
) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the image pixels in view, whole pixels, clipped."""
    iw, ih = image_size
    width, height = canvas_size
    ox, oy = offset
    left = max(int((0 - ox) / scale), 0)
    top = max(int((0 - oy) / scale), 0)
    right = min(int((width - ox) / scale) + 1, iw)
    bottom = min(int((height - oy) / scale) + 1, ih)
    return left, top, right, bottom
