"""Display copies: the right pixels at every zoom, memory within its budget, made off-thread."""

from __future__ import annotations

import threading
import time

import cv2
import numpy as np
import pytest

from desktop_ocr.engine import ImageLoadError, LoadedImage, load_image
from desktop_ocr.gui.view_geometry import source_region
from desktop_ocr.services.display_images import (
    PREVIEW_PIXELS,
    DisplayCache,
    DisplayImage,
    DisplayLoader,
    make_display_image,
)
from desktop_ocr.services.settings_store import build_engine_config


def noise(width: int, height: int, seed: int = 0) -> np.ndarray:
    """BGR pixels where every pixel differs from its neighbours: any shift or swap shows."""
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def big(width: int = 6000, height: int = 4000) -> LoadedImage:
    return LoadedImage(noise(width, height), "big.png")


def test_a_large_image_gets_a_display_copy_and_keeps_its_own_pixels():
    loaded = big()
    image = make_display_image(loaded)
    height, width = image.preview.shape[:2]
    assert width * height <= PREVIEW_PIXELS
    assert abs(width / height - 1.5) < 0.01  # the shape is kept
    assert image.size == (6000, 4000)
    assert image.full is loaded.bgr  # no copy of 72 MB
    assert image.complete and not image.without_full().complete
    # The copy is the image, smaller: each pixel the mean of the ones it stands for.
    expected = cv2.resize(loaded.bgr, (width, height), interpolation=cv2.INTER_AREA)
    assert np.array_equal(image.preview, expected[..., ::-1])


def test_a_small_image_is_its_own_display_copy():
    loaded = LoadedImage(noise(640, 480), "small.png")
    image = make_display_image(loaded)
    assert image.full is None and image.complete
    assert np.array_equal(image.preview, loaded.bgr[..., ::-1])


def test_rendering_zoomed_in_gives_the_exact_pixels_and_fitted_the_copy():
    loaded = big()
    image = make_display_image(loaded)
    region = (1234, 567, 1234 + 300, 567 + 200)
    at_100 = np.asarray(image.render(region, (300, 200)))
    assert np.array_equal(at_100, loaded.bgr[567:767, 1234:1534, ::-1])

    fitted = np.asarray(image.render((0, 0, 6000, 4000), (900, 600)))
    assert fitted.shape == (600, 900, 3)
    expected = cv2.resize(image.preview, (900, 600), interpolation=cv2.INTER_AREA)
    assert np.array_equal(fitted, expected)

    # Without its full pixels (dropped for memory) it still draws, from the copy.
    blurry = np.asarray(image.without_full().render(region, (300, 200)))
    assert blurry.shape == (200, 300, 3)
    assert not np.array_equal(blurry, at_100)


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_a_region_of_the_turned_view_is_found_in_the_upright_image(turns):
    upright = noise(70, 40)
    shown = np.rot90(upright, k=-turns)  # turned clockwise
    shown_size = (shown.shape[1], shown.shape[0])
    region = (5, 7, 25, 31)
    left, top, right, bottom = source_region(region, shown_size, turns)
    part = np.rot90(upright[top:bottom, left:right], k=-turns)
    assert np.array_equal(part, shown[7:31, 5:25])


def test_the_cache_drops_full_pixels_first_then_copies_but_never_the_shown_one():
    one = make_display_image(big(4000, 3000))  # 36 MB of pixels, a 12 MB copy
    cache = DisplayCache(preview_bytes=3 * one.preview.nbytes, full_bytes=2 * one.full.nbytes)
    for key in range(1, 4):
        cache.put(key, make_display_image(big(4000, 3000)))
    previews, full = cache.held_bytes
    assert full <= 2 * one.full.nbytes
    assert cache.get(1).full is None and cache.get(3).full is not None  # oldest lost it
    cache.pinned = 2
    for key in range(4, 9):
        cache.put(key, make_display_image(big(4000, 3000)))
    previews, full = cache.held_bytes
    assert previews <= 3 * one.preview.nbytes and full <= 2 * one.full.nbytes
    assert 2 in cache and 1 not in cache  # the one on screen stays, the oldest went
    assert cache.keys()[-2:] == [7, 8]


def test_many_small_images_stay_within_the_budget():
    cache = DisplayCache(preview_bytes=20 * 2**20, full_bytes=0)
    for key in range(200):
        cache.put(key, make_display_image(LoadedImage(noise(600, 400, key), "s.png")))
    previews, full = cache.held_bytes
    assert 19 * 2**20 < previews <= 20 * 2**20 and full == 0
    assert cache.keys()[-1] == 199


def wait_ready(loader: DisplayLoader, count: int, timeout: float = 60) -> list:
    deadline = time.monotonic() + timeout
    while len(loader.ready) < count:
        assert time.monotonic() < deadline, "the display thread did not answer"
        time.sleep(0.01)
    return [loader.ready.popleft() for _ in range(count)]


def test_the_loader_works_off_the_callers_thread_newest_first(samples_dir, monkeypatch):
    from desktop_ocr.services import display_images

    threads: list[str] = []
    gate = threading.Event()
    real = display_images.load_preview

    def recording(source, config, page=None, dpi=None):
        gate.wait(30)
        threads.append(threading.current_thread().name)
        return real(source, config, page, dpi)

    monkeypatch.setattr(display_images, "load_preview", recording)
    config = build_engine_config({})
    loader = DisplayLoader()
    try:
        sample = samples_dir / "rapidocr" / "short.png"
        loader.decode(1, sample, config)  # taken at once, then held at the gate
        time.sleep(0.2)
        loader.decode(2, sample, config)
        loader.decode(3, sample, config)
        loader.decode(2, sample, config)  # asked again: now the newest
        gate.set()
        outcomes = wait_ready(loader, 3)
        assert [o.key for o in outcomes] == [1, 2, 3]
        assert threads == ["display-loader"] * 3
        shown = load_image(sample).display_bgr[..., ::-1]
        assert all(np.array_equal(o.image.preview, shown) for o in outcomes)

        loader.decode(4, samples_dir / "no-such-file.png", config)
        (failed,) = wait_ready(loader, 1)
        assert failed.image is None and isinstance(failed.error, ImageLoadError)
        assert "no-such-file.png" in str(failed.error)
    finally:
        assert loader.stop(timeout=30)


def test_a_new_result_is_prepared_from_its_own_pixels():
    loader = DisplayLoader()
    try:
        loaded = big()
        loader.prepare(7, loaded)
        (ready,) = wait_ready(loader, 1)
        assert ready.key == 7 and isinstance(ready.image, DisplayImage)
        assert ready.image.full is loaded.bgr
    finally:
        assert loader.stop(timeout=30)


def test_a_page_of_a_document_is_decoded_as_that_page(tmp_path):
    from PIL import Image

    pages = [noise(300, 200, seed) for seed in (1, 2, 3)]
    tiff = tmp_path / "three.tiff"
    frames = [Image.fromarray(p[..., ::-1]) for p in pages]  # RGB of the BGR pixels
    frames[0].save(tiff, save_all=True, append_images=frames[1:], compression="tiff_deflate")
    loader = DisplayLoader()
    try:
        loader.decode(5, tiff, build_engine_config({}), 1)
        (ready,) = wait_ready(loader, 1)
    finally:
        assert loader.stop(timeout=30)
    assert np.array_equal(ready.image.preview, pages[1][..., ::-1])


def test_a_pdf_page_is_decoded_again_at_the_resolution_it_was_read_at(tmp_path):
    from reportlab.lib.units import inch
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "two.pdf"
    drawing = canvas.Canvas(str(pdf), pagesize=(2 * inch, 1 * inch))
    for text in ("FIRST", "SECOND"):
        drawing.drawString(10, 30, text)
        drawing.showPage()
    drawing.save()
    loader = DisplayLoader()
    try:
        loader.decode(1, pdf, build_engine_config({}), 1, 100.0)
        loader.decode(2, pdf, build_engine_config({}), 0, 50.0)
        ready = {r.key: r for r in wait_ready(loader, 2)}
    finally:
        assert loader.stop(timeout=30)
    assert ready[1].image.size == (200, 100)  # 2 by 1 inches at 100 dpi
    assert ready[2].image.size == (100, 50)
