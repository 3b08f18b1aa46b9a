"""Random and mangled inputs: image loading and DB post-processing fail only in documented ways."""

from __future__ import annotations

import io

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

from desktop_ocr.engine import ImageLoadError, load_image
from desktop_ocr.engine.config import DetOptions
from desktop_ocr.engine.db_postprocess import boxes_from_probability, clip_and_filter

FUZZ = settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _seed_images() -> list[bytes]:
    rng = np.random.default_rng(7)
    img = Image.fromarray(rng.integers(0, 255, (24, 40, 3), dtype=np.uint8))
    out = []
    for fmt, mode in [
        ("PNG", "RGB"),
        ("JPEG", "RGB"),
        ("GIF", "P"),
        ("BMP", "RGB"),
        ("TIFF", "RGB"),
        ("WEBP", "RGB"),
        ("PNG", "RGBA"),
        ("PNG", "I;16"),
    ]:
        buf = io.BytesIO()
        img.convert(mode).save(buf, format=fmt)
        out.append(buf.getvalue())
    return out


SEEDS = _seed_images()


def check_loads_or_explains(data) -> None:
    try:
        loaded = load_image(data, max_pixels=4_000_000)
    except ImageLoadError as exc:
        assert exc.reason
        return
    assert loaded.bgr.ndim == 3 and loaded.bgr.shape[2] == 3
    assert loaded.bgr.dtype == np.uint8 and loaded.bgr.flags.c_contiguous


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(data):
    check_loads_or_explains(data)


@FUZZ
@given(st.sampled_from(range(len(SEEDS))), st.data())
def test_mangled_real_images(which, data):
    raw = bytearray(SEEDS[which])
    edits = data.draw(
        st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(0, 255)), max_size=12)
    )
    for pos, value in edits:
        raw[pos] = value
    cut = data.draw(st.integers(0, len(raw)))
    check_loads_or_explains(bytes(raw[:cut]))


@FUZZ
@given(
    hnp.arrays(
        dtype=st.sampled_from([np.uint8, np.uint16, np.int32, np.float32, np.float64, np.bool_]),
        shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=12),
    )
)
def test_random_arrays(arr):
    check_loads_or_explains(arr)


@FUZZ
@given(
    hnp.arrays(
        np.float32,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=64),
        elements=st.floats(0, 1, width=32),
    ),
    st.integers(1, 3000),
    st.integers(1, 3000),
)
def test_db_postprocess_on_random_maps(prob, dest_w, dest_h):
    opts = DetOptions()
    found = boxes_from_probability(prob, dest_w, dest_h, opts)
    assert found.boxes.shape[1:] == (4, 2) and len(found.scores) == len(found.boxes)
    assert np.all(found.boxes[..., 0] <= dest_w) and np.all(found.boxes[..., 1] <= dest_h)
    assert np.all(found.boxes >= 0)
    kept, index = clip_and_filter(found.boxes, dest_h, dest_w)
    assert len(kept) == len(index) <= len(found.boxes)
    assert np.all(kept[..., 0] <= dest_w - 1) and np.all(kept[..., 1] <= dest_h - 1)
