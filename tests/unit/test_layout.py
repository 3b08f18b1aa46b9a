"""Reading order and paragraphs from line boxes, and word boxes from CTC steps (no models)."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_ocr.engine.ctc_decoder import CtcDecoder
from desktop_ocr.engine.layout import arrange
from desktop_ocr.engine.word_boxes import Recognized, line_words, span_quad, token_spans


def rect(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def two_column_page() -> tuple[np.ndarray, list[str]]:
    """A title across two columns, three paragraphs, and a footer across both."""
    names, boxes = [], []
    names.append("title")
    boxes.append(rect(50, 20, 550, 60))
    y = 100.0
    for i in range(6):  # left column: two paragraphs of three lines, a gap between
        names.append(f"L{i}")
        boxes.append(rect(50 + (20 if i == 3 else 0), y, 280, y + 20))
        y += 28 + (20 if i == 2 else 0)
    y = 100.0
    for i in range(5):  # right column, one paragraph, its last line short
        names.append(f"R{i}")
        boxes.append(rect(320, y, 550 if i < 4 else 400, y + 20))
        y += 28
    names.append("footer")
    boxes.append(rect(50, 400, 550, 420))
    return np.array(boxes, dtype=np.float64), names


def test_columns_are_read_in_turn_between_title_and_footer():
    boxes, names = two_column_page()
    shuffled = np.random.default_rng(3).permutation(len(names))
    layout = arrange(boxes[shuffled])
    read = [names[shuffled[i]] for i in layout.order]
    assert read == ["title", *(f"L{i}" for i in range(6)), *(f"R{i}" for i in range(5)), "footer"]
    by_name = dict(zip(read, layout.paragraphs, strict=True))
    # Title; left paragraph 1; left paragraph 2 (gap and indent); right column; footer.
    assert [by_name[n] for n in ("title", "L0", "L2", "L3", "L5", "R0", "R4", "footer")] == [
        0,
        1,
        1,
        2,
        2,
        3,
        3,
        4,
    ]


def test_a_small_label_low_on_the_left_does_not_jump_ahead():
    boxes = np.array(
        [rect(100, 10, 500, 40), rect(100, 60, 500, 90), rect(10, 200, 60, 215)], dtype=float
    )
    assert arrange(boxes).order == (0, 1, 2)


def test_a_column_that_starts_lower_under_a_heading_is_still_read_first():
    # The left column opens with a heading set lower (space above it), so the right
    # column's first lines sit higher than the left column's first line.
    title = rect(50, 20, 550, 60)
    heading = rect(50, 118, 150, 140)
    left = [rect(50, 150 + 30 * i, 280, 170 + 30 * i) for i in range(4)]
    right = [rect(320, 100 + 30 * i, 550, 120 + 30 * i) for i in range(5)]
    boxes = np.array([title, *right, heading, *left], dtype=float)
    assert arrange(boxes).order == (0, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5)


def test_vertical_columns_read_right_to_left():
    # Three tall columns, as in Chinese set vertically; the rightmost is read first.
    boxes = np.array(
        [rect(20, 10, 60, 400), rect(120, 10, 160, 400), rect(220, 10, 260, 400)], dtype=float
    )
    layout = arrange(boxes)
    assert layout.vertical
    assert layout.order == (2, 1, 0)


def test_decoder_keeps_each_characters_run():
    decoder = CtcDecoder(["a", "b"])  # classes: blank, a, b, space
    steps = [0, 1, 1, 0, 0, 2, 0, 3, 1, 1, 1, 0]
    preds = np.zeros((1, len(steps), 4), dtype=np.float32)
    preds[0, np.arange(len(steps)), steps] = 1.0
    (decoded,) = decoder(preds)
    assert decoded.text == "ab a"
    assert decoded.tokens == ("a", "b", " ", "a")
    assert decoded.starts.tolist() == [1, 5, 7, 8]
    assert decoded.ends.tolist() == [2, 5, 7, 10]
    spans = token_spans(decoded, valid_fraction=1.0)
    assert spans[0][0] < spans[0][1] <= spans[1][0] + 1e-9  # in order, not overlapping
    assert all(0.0 <= a < b <= 1.0 for a, b in spans)


@pytest.mark.parametrize(
    ("vertical", "flipped", "expected"),
    [
        (False, False, ((10, 0), (20, 0), (20, 10), (10, 10))),
        (False, True, ((80, 0), (90, 0), (90, 10), (80, 10))),
        (True, False, ((0, 10), (100, 10), (100, 20), (0, 20))),
    ],
)
def test_a_span_is_laid_on_the_line_box(vertical, flipped, expected):
    box = ((0, 0), (100, 0), (100, 10), (0, 10)) if not vertical else rect(0, 0, 100, 100)
    quad = span_quad(box, (0.1, 0.2), vertical=vertical, flipped=flipped)
    assert np.allclose(quad, expected)


def test_words_split_at_spaces_and_cjk_characters():
    rec = Recognized(
        "ab 中文",
        0.9,
        ("a", "b", " ", "中", "文"),
        ((0.0, 0.1), (0.1, 0.2), (0.2, 0.3), (0.3, 0.6), (0.6, 0.9)),
    )
    words, chars = line_words(rect(0, 0, 100, 10), rec, vertical=False, flipped=False)
    assert [w.text for w in words] == ["ab", "中", "文"]
    assert [c.text for c in chars] == ["a", "b", "中", "文"]
    assert np.allclose(words[0].box, ((0, 0), (20, 0), (20, 10), (0, 10)))
