"""Every expectation in labels.json that the reference engine meets holds for ours too."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_ocr.engine.geometry import order_rapidocr
from tests.conftest import SAMPLES

# The default config detects at another scale than the reference and reads one
# character of this vertical page as its simplified form (见 for 見); the word boxes
# themselves are checked on the compat engine.
# PP-OCRv6 small, the default pack, differs from the reference engine (PP-OCRv4) on three
# more: it reads the heading "3 MovieShots Dataset" as the one line it is (the reference
# splits off "3"); it reads the ASCII colon after "A" where the reference reads a
# full-width one; and at the image's own size it misses one 7 px high "日常价￥" label
# (of two) that the reference finds after upscaling the whole image to 736 px.
DEFAULT_MISREADS = {
    ("rapidocr/text_vertical_words.png", "word_boxes_first_line"),
    ("rapidocr/en.jpg", "first_line"),
    ("rapidocr/test_letterbox_like.jpg", "first_line_casefold"),
    ("rapidocr/ch_en_num.jpg", "n_lines"),
}


def _load_labels():
    import json

    path = SAMPLES / "labels.json"
    if not path.is_file():
        return []
    labels = json.loads(path.read_text(encoding="utf-8"))
    cases = []
    for image, spec in sorted(labels.items()):
        if not spec.get("kind", "").startswith("reference-engine"):
            continue
        for key, value in spec.items():
            if key in ("kind", "source"):
                continue
            cases.append(pytest.param(image, key, value, id=f"{image}:{key}"))
    return cases


def check(engine, samples_dir, image: str, key: str, expected) -> None:
    path = samples_dir / image
    if key == "rec_only":
        result = engine(path, use_det=False, use_cls=False, use_rec=True)
        assert result.lines[0].text == expected
    elif key == "cls_rec":
        result = engine(path, use_det=False, use_cls=True, use_rec=True)
        assert result.lines[0].text == expected
    elif key == "cls_only":
        # The expectation is about the stored pixels: text_cls.jpg has upright pixels
        # and an EXIF tag of 3, so it is checked on the pixels as stored.
        loaded = engine.load(path)
        if any(note.startswith("EXIF") for note in loaded.notes):
            from desktop_ocr.engine import load_image

            loaded = load_image(path, apply_exif=False)
        result = engine.run(loaded, use_det=False, use_cls=True, use_rec=False)
        assert result.angles[0][0] == expected
    else:
        result = engine(path)
        # The expectations name lines in the reference engine's order (top to bottom),
        # whatever reading order the engine's config asks for.
        first = [result.lines[i] for i in order_rapidocr(np.array([ln.box for ln in result.lines]))]
        texts = [line.text for line in first]
        if key == "n_lines":
            assert len(texts) == expected, texts
        elif key == "first_line":
            assert texts and texts[0] == expected, texts
        elif key == "first_line_casefold":
            assert texts and texts[0].casefold() == expected.casefold(), texts
        elif key == "no_text":
            assert texts == []
        elif key == "word_boxes_first_line":
            assert first, "no line read"
            line = first[0]
            assert [c.text for c in line.chars] == expected, texts
            _check_boxes_run_along(line, expected)
        else:
            pytest.fail(f"unknown expectation {key}")


@pytest.mark.parametrize(("image", "key", "expected"), _load_labels())
def test_expectation_compat(compat_engine, samples_dir, image, key, expected):
    check(compat_engine, samples_dir, image, key, expected)


def _check_boxes_run_along(line, expected) -> None:
    """Each character's box lies in the line's box, in reading order, without overlap."""
    quad = np.array(line.box)
    x0, y0 = quad.min(axis=0) - 1.0
    x1, y1 = quad.max(axis=0) + 1.0
    boxes = np.array([c.box for c in line.chars])
    assert (boxes[..., 0] >= x0).all() and (boxes[..., 0] <= x1).all()
    assert (boxes[..., 1] >= y0).all() and (boxes[..., 1] <= y1).all()
    vertical = (y1 - y0) > (x1 - x0)
    axis = 1 if vertical else 0
    starts, ends = boxes[..., axis].min(axis=1), boxes[..., axis].max(axis=1)
    length = float((x1 - x0, y1 - y0)[axis])
    assert (np.diff(starts) > 0).all(), starts
    # Neighbours may share an edge; a slanted line box makes them overlap by a pixel or two.
    assert (ends[:-1] <= starts[1:] + 0.02 * length).all(), (starts, ends)
    # Together the boxes cover most of the line (glyphs fill most of a detected line).
    covered = float((ends - starts).sum()) / length
    assert 0.5 < covered < 1.1, covered


def _default_cases():
    for case in _load_labels():
        image, key, _ = case.values
        if (image, key) in DEFAULT_MISREADS:
            reason = "the default config misreads one character here (see DEFAULT_MISREADS)"
            yield pytest.param(
                *case.values, id=case.id, marks=pytest.mark.xfail(strict=True, reason=reason)
            )
        else:
            yield case


@pytest.mark.parametrize(("image", "key", "expected"), list(_default_cases()))
def test_expectation_default(default_engine, samples_dir, image, key, expected):
    check(default_engine, samples_dir, image, key, expected)
