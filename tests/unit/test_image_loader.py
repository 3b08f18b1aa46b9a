"""Image inputs of every kind decode to BGR, and bad ones raise ImageLoadError with a reason."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from desktop_ocr.engine import ImageLoadError, load_image
from tests.unit.rgba_images import opaque_mask, screenshot_rgba, transparent_text


def png_bytes(img: Image.Image, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


@pytest.fixture
def text_image() -> Image.Image:
    img = Image.new("RGB", (120, 40), "white")
    img.paste((0, 0, 0), (10, 10, 110, 30))
    return img


def test_path_bytes_array_and_pil_agree(tmp_path, text_image):
    path = tmp_path / "图片 with space.png"
    text_image.save(path)
    from_path = load_image(path).bgr
    from_str = load_image(str(path)).bgr
    from_bytes = load_image(path.read_bytes()).bgr
    from_pil = load_image(text_image).bgr
    from_array = load_image(np.asarray(text_image)[:, :, ::-1].copy()).bgr
    for other in (from_str, from_bytes, from_pil, from_array):
        assert np.array_equal(from_path, other)
    assert from_path.shape == (40, 120, 3) and from_path.dtype == np.uint8


def test_empty_file(tmp_path):
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    with pytest.raises(ImageLoadError, match="empty") as caught:
        load_image(path)
    assert caught.value.source == str(path)


def test_text_file_named_jpg(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("this is not an image\n")
    with pytest.raises(ImageLoadError, match="not an image"):
        load_image(path)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_image(tmp_path, fmt):
    rng = np.random.default_rng(0)
    img = Image.fromarray(rng.integers(0, 255, (300, 300, 3), dtype=np.uint8))
    data = png_bytes(img, fmt)
    path = tmp_path / f"cut.{fmt.lower()}"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageLoadError, match="damaged or truncated"):
        load_image(path)


def test_missing_path(tmp_path):
    with pytest.raises(ImageLoadError, match="not found"):
        load_image(tmp_path / "nope.png")


def test_folder_named_like_an_image(tmp_path):
    folder = tmp_path / "scan.png"
    folder.mkdir()
    with pytest.raises(ImageLoadError, match="folder"):
        load_image(folder)


def test_grayscale_palette_and_16bit(tmp_path):
    gray = Image.new("L", (20, 10), 100)
    assert load_image(gray).bgr[0, 0].tolist() == [100, 100, 100]
    palette = Image.new("RGB", (20, 10), (255, 0, 0)).convert("P")
    assert load_image(png_bytes(palette)).bgr[0, 0].tolist() == [0, 0, 255]
    deep = Image.fromarray(np.full((10, 20), 65535, dtype=np.uint16))
    path = tmp_path / "deep.png"
    deep.save(path)
    assert load_image(path).bgr[0, 0].tolist() == [255, 255, 255]


def test_transparent_dark_and_light_text_end_dark_on_light():
    for colour in ((0, 0, 0), (255, 255, 255)):
        img = Image.new("RGBA", (40, 20), (*colour, 0))
        img.paste((*colour, 255), (10, 5, 30, 15))
        bgr = load_image(img).bgr
        assert bgr[0, 0].tolist() == [255, 255, 255]  # background light
        assert bgr[10, 20].tolist() == [0, 0, 0]  # text dark


@pytest.mark.parametrize(
    ("dark", "shadow"),
    [(False, True), (True, False), (False, False)],
    ids=["light", "dark", "flat"],
)
def test_a_screenshot_with_shadow_and_rounded_corners_is_not_inverted(dark, shadow):
    shot = screenshot_rgba(dark=dark, shadow=shadow)
    rgba = np.asarray(shot)
    loaded = load_image(shot)
    opaque = opaque_mask(shot)
    rgb = loaded.bgr[..., ::-1]
    assert np.array_equal(rgb[opaque], rgba[..., :3][opaque])  # the window, as it is
    assert rgb[0, 0].tolist() == [255, 255, 255]  # a transparent corner, on white
    if shadow:
        rim = (rgba[..., 3] > 40) & (rgba[..., 3] < 255)
        assert rgb[rim].max() < 255 and rgb[rim].min() > 100  # grey, as on a page
    assert loaded.display is None and loaded.display_bgr is loaded.bgr


def test_light_text_on_a_transparent_canvas_is_read_dark_and_shown_as_drawn():
    for colour, read_text, shown_text in (((255, 255, 255), 0, 255), ((0, 0, 0), 0, 0)):
        image = transparent_text("Transparent", colour)
        drawn = opaque_mask(image)
        loaded = load_image(image)
        assert loaded.bgr[drawn].max() == read_text  # the models read dark text ...
        assert loaded.bgr[0, 0].tolist() == [255, 255, 255]  # ... on white
        shown = loaded.display_bgr
        assert set(np.unique(shown[drawn])) == {shown_text}  # shown in its own colour
        assert shown[0, 0].tolist() == [255 - shown_text] * 3  # on what sets it off


@pytest.mark.parametrize(
    ("name", "shown_text", "shown_background"),
    [("black_font_color_transparent.png", 0, 255), ("white_font_color_transparent.png", 255, 0)],
)
def test_the_transparent_text_samples(samples_dir, name, shown_text, shown_background):
    path = samples_dir / "rapidocr" / name
    drawn = opaque_mask(Image.open(path).convert("RGBA"))
    loaded = load_image(path)
    assert loaded.bgr[drawn].max() == 0 and loaded.bgr[~drawn].min() == 255
    assert loaded.display_bgr[drawn].min() == loaded.display_bgr[drawn].max() == shown_text
    assert loaded.display_bgr[~drawn].min() == loaded.display_bgr[~drawn].max() == shown_background


def test_exif_orientation_is_applied(samples_dir):
    loaded = load_image(samples_dir / "rapidocr" / "img_exif_orientation.jpg")
    assert any("EXIF orientation 3" in note for note in loaded.notes)
    raw = load_image(samples_dir / "rapidocr" / "img_exif_orientation.jpg", apply_exif=False)
    assert np.array_equal(loaded.bgr, raw.bgr[::-1, ::-1])


def test_oversized_image_is_refused(tmp_path):
    img = Image.new("L", (5000, 5000), 255)
    path = tmp_path / "big.png"
    img.save(path)
    with pytest.raises(ImageLoadError, match="megapixels"):
        load_image(path, max_pixels=1_000_000)


def test_oversized_jpeg_is_read_smaller(tmp_path):
    img = Image.new("RGB", (4000, 3000), "white")
    path = tmp_path / "big.jpg"
    img.save(path, quality=50)
    loaded = load_image(path, max_pixels=1_000_000)
    width, height = loaded.size
    assert width * height <= 1_000_000
    assert any("read at" in note for note in loaded.notes)


def test_unsupported_type():
    with pytest.raises(ImageLoadError, match="unsupported input type"):
        load_image(12345)  # type: ignore[arg-type]
