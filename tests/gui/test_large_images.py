"""Large pages in the real window: shown from display copies made off the window's thread,
every pixel exact when zoomed in, memory within its budget, and going back decoded in the
background."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from desktop_ocr.services import display_images
from desktop_ocr.services.display_images import INLINE_PIXELS
from tests.gui.driving import canvas_texts, grab, ink, pump, wait_done
from tools.large_pages import write_page

pytestmark = pytest.mark.gui

SIZE = (6000, 4000)  # 24 megapixels: six times the display copy


@pytest.fixture
def pages(tmp_path):
    out = []
    for n in range(3):
        path = tmp_path / f"page-{n + 1}.png"
        out.append((path, write_page(path, SIZE, f"PAGE {n + 1}", seed=n)))
    return out


@pytest.fixture
def work_threads(monkeypatch):
    """Which thread decoded or converted each image larger than INLINE_PIXELS."""
    seen: list[tuple[str, str]] = []
    real_decode, real_make = display_images.load_preview, display_images.make_display_image

    def decode(source, config, page=None, dpi=None):
        seen.append(("decode", threading.current_thread().name))
        return real_decode(source, config, page, dpi)

    def make(loaded, **kwargs):
        width, height = loaded.size
        if width * height > INLINE_PIXELS:
            seen.append(("convert", threading.current_thread().name))
        return real_make(loaded, **kwargs)

    monkeypatch.setattr(display_images, "load_preview", decode)
    monkeypatch.setattr(display_images, "make_display_image", make)
    return seen


def centre_block(window, size: int = 64) -> np.ndarray:
    """What the canvas shows at its centre, as a screenshot."""
    canvas = window.image_view.canvas
    w, h = canvas.winfo_width(), canvas.winfo_height()
    return np.asarray(grab(canvas, (w // 2 - size // 2, h // 2 - size // 2, size, size)))


def found_near_centre(block: np.ndarray, pixels: np.ndarray, slack: int = 3) -> bool:
    """True when `block` is an exact piece of `pixels` around their centre (at 100%)."""
    size = block.shape[0]
    top, left = pixels.shape[0] // 2 - size // 2, pixels.shape[1] // 2 - size // 2
    for dy in range(-slack, slack + 1):
        for dx in range(-slack, slack + 1):
            piece = pixels[top + dy : top + dy + size, left + dx : left + dx + size]
            if np.array_equal(piece, block):
                return True
    return False


def test_switching_between_large_pages_never_decodes_on_the_windows_thread(
    open_app, pages, work_threads
):
    window = open_app()
    view = window.image_view
    cache = window.display.images
    one = 3 * SIZE[0] * SIZE[1]
    cache.full_bytes = one  # the full pixels of one page
    cache.preview_bytes = 2 * 3 * display_images.PREVIEW_PIXELS  # the copies of two
    window.add_paths([path for path, _pixels in pages])
    wait_done(window, 3)
    ids = list(window.jobs)
    pump(window.root, lambda: ids[2] in cache and view.mode == "image", what="the last page")

    previews, full = cache.held_bytes
    assert previews <= cache.preview_bytes and full <= cache.full_bytes
    assert cache.keys() == ids[1:]  # the first page was dropped, the second kept its copy
    assert cache.get(ids[1]).full is None and cache.get(ids[2]).full is not None
    assert ink(grab(view.canvas)) > 2000  # the page's text is on screen

    # Back to the second page: its display copy is shown at once, no waiting.
    window.show_job(ids[1])
    window.root.update()
    assert view.mode == "image" and view.fitted and not view.full_detail
    # At 100% the copy is not enough: every pixel is decoded in the background, then exact.
    view.controls["actual"].invoke()
    pump(window.root, lambda: view.full_detail, what="the full pixels of page 2")
    window.root.update()
    assert view.zoom == 1.0 and not view.fitted
    assert found_near_centre(centre_block(window), pages[1][1])
    # Turned a quarter clockwise, the same pixels, turned.
    view.controls["rotate"].invoke()
    view.controls["actual"].invoke()
    window.root.update()
    assert view.rotation == 90
    assert found_near_centre(centre_block(window), np.rot90(pages[1][1], k=-1))

    # Back to the first page, dropped from memory: decoded again in the background.
    window.show_job(ids[0])
    window.root.update()
    assert view.mode == "message"
    assert canvas_texts(view) == ["Preparing page-1.png…"]
    pump(window.root, lambda: view.mode == "image", what="page 1 decoded again")
    view.controls["actual"].invoke()
    window.root.update()
    assert found_near_centre(centre_block(window), pages[0][1])

    assert [what for what, _thread in work_threads].count("decode") == 2  # pages 2 and 1
    assert [what for what, _thread in work_threads].count("convert") == 5  # 3 read, 2 decoded
    assert {thread for _what, thread in work_threads} == {"display-loader"}


def test_going_back_to_a_page_whose_file_is_gone_says_so(open_app, tmp_path):
    paths = []
    for n in range(2):
        path = tmp_path / f"scan-{n + 1}.png"
        write_page(path, (3000, 2000), f"SCAN {n + 1}", seed=n)
        paths.append(path)
    window = open_app()
    view, cache = window.image_view, window.display.images
    cache.preview_bytes = 3 * display_images.PREVIEW_PIXELS  # one display copy
    window.add_paths(paths)
    wait_done(window, 2)
    first, second = list(window.jobs)
    pump(window.root, lambda: second in cache and view.mode == "image", what="the second scan")
    assert first not in cache
    paths[0].unlink()
    window.show_job(first)
    window.root.update()
    assert canvas_texts(view) == ["Preparing scan-1.png…"]
    pump(window.root, lambda: canvas_texts(view)[:1] == ["The image cannot be shown again"],
         what="the message")
    assert canvas_texts(view) == [
        "The image cannot be shown again", "file not found (moved or deleted?)"
    ]
    assert window.text_panel.shown_job == first  # the text is still there to copy
    window.show_job(second)
    window.root.update()
    assert view.mode == "image"
