"""The compat preset reproduces rapidocr_onnxruntime 1.4.4 on the sample images."""

from __future__ import annotations

import numpy as np
import pytest

BOX_TOLERANCE_PX = 3.0
REQUIRED_MATCHES = 29


def _compare(result, expected: list[dict]) -> str | None:
    """None when lines, texts and box corners agree; otherwise what differs."""
    texts = [line.text for line in result.lines]
    ref_texts = [item["text"] for item in expected]
    if texts != ref_texts:
        return f"texts differ: {texts!r} vs reference {ref_texts!r}"
    for line, item in zip(result.lines, expected, strict=True):
        error = float(np.abs(np.array(line.box) - np.array(item["box"])).max())
        if error > BOX_TOLERANCE_PX:
            return f"box of {line.text!r} off by {error:.1f} px"
    return None


def test_compat_preset_matches_reference(compat_engine, samples_dir, reference):
    images = reference["images"]
    assert len(images) == 31
    mismatches = {}
    for item in images:
        result = compat_engine(samples_dir / item["path"])
        problem = _compare(result, item["results"])
        if problem:
            mismatches[item["path"]] = problem
    matched = len(images) - len(mismatches)
    assert matched >= REQUIRED_MATCHES, f"only {matched}/31 match: {mismatches}"


def test_compat_reports_cpu_provider(compat_engine):
    assert compat_engine.providers.granted == ("CPUExecutionProvider",)
    assert compat_engine.providers.diagnosis is None


@pytest.mark.parametrize("name", ["ch_en_num.jpg", "en.jpg"])
def test_boxes_lie_inside_the_image(compat_engine, samples_dir, name):
    result = compat_engine(samples_dir / "rapidocr" / name)
    width, height = result.image_size
    assert result.lines
    for line in result.lines:
        xs = [x for x, _ in line.box]
        ys = [y for _, y in line.box]
        assert min(xs) >= 0 and max(xs) <= width
        assert min(ys) >= 0 and max(ys) <= height
