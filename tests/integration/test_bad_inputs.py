"""Every kind of bad or odd image gets a clear outcome: a result, or ImageLoadError with why.

Each case builds a real file on disk and runs the real engine on it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop_ocr.engine import ImageLoadError, load_image
from desktop_ocr.services.discovery import expand_paths
from tests.privileges import unprivileged

REPO = Path(__file__).resolve().parents[2]

# PIL's transpose that EXIF orientation N undoes (the file stores the image transformed).
STORED_AS = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


@pytest.fixture(scope="module")
def word_image(samples_dir) -> Image.Image:
    """Upright text that reads 韩国小馆."""
    return Image.open(samples_dir / "rapidocr" / "text_rec.jpg").convert("RGB")


def texts(engine, source) -> list[str]:
    return [line.text for line in engine(source).lines]


@pytest.mark.parametrize(
    ("name", "payload", "words"),
    [
        ("zero.png", b"", "empty"),
        ("words.jpg", b"hello, I am a text file\n" * 10, "not an image"),
        ("half.png", "png-half", "truncated"),
        ("half.jpg", "jpg-half", "truncated"),
    ],
)
def test_broken_files_raise_with_reason(default_engine, tmp_path, word_image, name, payload, words):
    path = tmp_path / name
    if payload == "png-half" or payload == "jpg-half":
        full = tmp_path / ("full." + name.split(".")[-1])
        noisy = Image.fromarray(
            np.random.default_rng(1).integers(0, 255, (200, 300, 3), dtype=np.uint8)
        )
        noisy.save(full)
        data = full.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(payload)
    with pytest.raises(ImageLoadError) as caught:
        default_engine(path)
    assert words in caught.value.reason
    assert caught.value.source == str(path)


def test_folder_named_png(default_engine, tmp_path):
    folder = tmp_path / "album.png"
    folder.mkdir()
    with pytest.raises(ImageLoadError, match="is a folder"):
        default_engine(folder)


@pytest.mark.parametrize("size", [(1, 1), (10, 10000), (10000, 10), (3, 2000)])
def test_degenerate_sizes_give_a_result(default_engine, size):
    img = Image.new("RGB", size, "white")
    result = default_engine(img)
    assert result.image_size == size
    for line in result.lines:
        for x, y in line.box:
            assert 0 <= x <= size[0] and 0 <= y <= size[1]


def test_huge_jpeg_is_downscaled_and_huge_png_refused(default_engine, tmp_path, word_image):
    big = Image.new("L", (20000, 20000), 255)
    big.paste(word_image.convert("L").resize((362 * 20, 78 * 20)), (1000, 1000))
    jpeg = tmp_path / "huge.jpg"
    big.save(jpeg, quality=40)
    result = default_engine(jpeg)
    assert result.image_size[0] * result.image_size[1] <= 150_000_000
    assert any("read at" in note for note in result.notes)
    assert "韩国小馆" in "".join(line.text for line in result.lines)
    png = tmp_path / "huge.png"
    big.convert("1").save(png)
    del big
    with pytest.raises(ImageLoadError, match="megapixels"):
        default_engine(png)


def test_pixel_formats_all_read(default_engine, tmp_path, word_image):
    gray = word_image.convert("L")
    cases = {
        "gray.png": gray,
        "palette.png": word_image.convert("P", palette=Image.Palette.ADAPTIVE),
        "cmyk.jpg": word_image.convert("CMYK"),
        "deep.png": Image.fromarray(np.asarray(gray, dtype=np.uint16) * 257),
        "bilevel.png": gray.point(lambda v: 255 if v > 128 else 0).convert("1"),
    }
    for name, img in cases.items():
        path = tmp_path / name
        img.save(path)
        # Thresholding to 1 bit thins the strokes; the first character survives it (the
        # second may read as its traditional form, 國), and the line is still found.
        read = "".join(texts(default_engine, path))
        if name == "bilevel.png":
            assert read.startswith("韩") and len(read) >= 3, read
        else:
            assert "韩国小馆" in read, name
    assert Image.open(tmp_path / "deep.png").mode.startswith("I")


def test_transparent_text_reads(default_engine, tmp_path, word_image):
    gray = np.asarray(word_image.convert("L"))
    alpha = (255 - gray).astype(np.uint8)  # ink is opaque, paper transparent
    for colour in (0, 255):
        rgba = np.dstack([np.full_like(gray, colour)] * 3 + [alpha])
        path = tmp_path / f"ink{colour}.png"
        Image.fromarray(rgba, "RGBA").save(path)
        assert "韩国小馆" in "".join(texts(default_engine, path)), colour


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation(default_engine, tmp_path, word_image, orientation):
    stored = (
        word_image
        if STORED_AS[orientation] is None
        else word_image.transpose(STORED_AS[orientation])
    )
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / f"orient{orientation}.jpg"
    stored.save(path, exif=exif, quality=95)
    loaded = load_image(path)
    assert loaded.size == word_image.size
    assert "".join(texts(default_engine, path)) == "韩国小馆"


def test_animated_gif_and_multipage_tiff_read_first_frame(default_engine, tmp_path, word_image):
    blank = Image.new("RGB", word_image.size, "white")
    grey = Image.new("RGB", word_image.size, "grey")
    gif = tmp_path / "anim.gif"
    word_image.save(gif, save_all=True, append_images=[blank, grey], duration=100)
    tiff = tmp_path / "pages.tiff"
    word_image.save(tiff, save_all=True, append_images=[blank])
    for path, frames in ((gif, 3), (tiff, 2)):
        result = default_engine(path)
        assert "".join(line.text for line in result.lines) == "韩国小馆"
        assert any(f"{frames} frames: only the first was read" in n for n in result.notes)


@pytest.mark.parametrize("name", ["with space.png", "中文 图片.png", "emoji 😀.png"])
def test_unicode_and_spaced_paths(default_engine, tmp_path, word_image, name):
    folder = tmp_path / "文件夹 😀"
    folder.mkdir()
    path = folder / name
    word_image.save(path)
    assert "".join(texts(default_engine, path)) == "韩国小馆"
    assert expand_paths([folder]).files == [path]


def test_file_without_read_permission(tmp_path, word_image):
    path = tmp_path / "locked.png"
    word_image.save(path)
    path.chmod(0)
    code = (
        "from desktop_ocr.engine import load_image, ImageLoadError\n"
        f"try:\n    load_image({str(path)!r})\nexcept ImageLoadError as e:\n    print(e.reason)\n"
    )
    proc = subprocess.run(
        unprivileged([sys.executable, "-c", code]),  # root reads anything otherwise
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    assert "permission denied" in proc.stdout, proc.stderr


def test_file_deleted_after_it_was_queued(default_engine, tmp_path, word_image):
    path = tmp_path / "soon gone.png"
    word_image.save(path)
    queued = expand_paths([tmp_path]).files
    assert queued == [path]
    path.unlink()
    with pytest.raises(ImageLoadError, match="not found"):
        default_engine(queued[0])


def test_symlink_loop_in_a_dropped_folder(tmp_path, word_image):
    root = tmp_path / "drop"
    (root / "a").mkdir(parents=True)
    word_image.save(root / "a" / "one.png")
    (root / "a" / "loop").symlink_to(root, target_is_directory=True)
    (root / "self").symlink_to(root / "self")  # a link to itself
    found = expand_paths([root])
    assert [p.name for p in found.files] == ["one.png"]
    assert any("symlink loop" in reason for _, reason in found.skipped)
