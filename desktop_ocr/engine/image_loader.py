"""Turns a path, bytes, array or PIL image into the BGR uint8 array the models expect.

Files are read as bytes and decoded by Pillow, never by cv2.imread, which fails on
non-ASCII paths on Windows. Every failure becomes an ImageLoadError naming the source
and the reason, so one bad file in a batch is reported and the rest go on.
"""

from __future__ import annotations

import io
import logging
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from desktop_ocr.engine.errors import ImageLoadError
from desktop_ocr.engine.transparency import flatten_alpha
from desktop_ocr.i18n import Msg

logger = logging.getLogger(__name__)

ImageInput = str | Path | bytes | bytearray | np.ndarray | Image.Image

# File types offered in dialogs and picked up from folders.
IMAGE_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".bmp",
    ".tif",
    ".tiff",
    ".webp",
    ".gif",
    ".jfif",
    ".pbm",
    ".pgm",
    ".ppm",
)

DEFAULT_MAX_PIXELS = 150_000_000
# Pixels for the models (BGR), and for display where they differ.
Pixels = tuple[np.ndarray, "np.ndarray | None"]
_PIL_LIMIT_LOCK = threading.Lock()


@dataclass(frozen=True)
class LoadedImage:
    """A decoded image and what was done to it on the way in."""

    bgr: np.ndarray  # H x W x 3, uint8, C-contiguous: what the models read
    source: str
    notes: tuple[str, ...] = ()
    # What the user is shown, where it differs from `bgr` (light text on a transparent
    # canvas is read inverted but shown as drawn); same size, so the boxes fit both.
    display: np.ndarray | None = None

    @property
    def display_bgr(self) -> np.ndarray:
        """The pixels to show the user: the image as it looks, never inverted."""
        return self.bgr if self.display is None else self.display

    @property
    def size(self) -> tuple[int, int]:
        """(width, height)."""
        return int(self.bgr.shape[1]), int(self.bgr.shape[0])


def describe_source(src: ImageInput) -> str:
    """A short name for an input, used in messages."""
    if isinstance(src, (str, Path)):
        return str(src)
    if isinstance(src, (bytes, bytearray)):
        return f"<{len(src)} bytes>"
    if isinstance(src, np.ndarray):
        return f"<array {'x'.join(map(str, src.shape))} {src.dtype}>"
    if isinstance(src, Image.Image):
        return getattr(src, "filename", "") or f"<PIL image {src.size[0]}x{src.size[1]}>"
    return f"<{type(src).__name__}>"


def read_file_bytes(path: Path, name: str) -> bytes:
    """Reads a whole file, mapping OS errors to messages a user understands."""
    try:
        if path.is_dir():
            raise ImageLoadError(name, Msg("is a folder, not an image file"))
        data = path.read_bytes()
    except ImageLoadError:
        raise
    except OSError as exc:
        raise unreadable(name, exc) from exc
    if not data:
        raise ImageLoadError(name, Msg("file is empty (0 bytes)"))
    return data


def load_image(
    src: ImageInput, *, max_pixels: int = DEFAULT_MAX_PIXELS, apply_exif: bool = True
) -> LoadedImage:
    """Decodes any supported input to BGR; raises ImageLoadError with the reason."""
    name = describe_source(src)
    notes: list[str] = []
    try:
        bgr, display = _decode(src, name, max_pixels, apply_exif, notes)
    except ImageLoadError:
        raise
    except MemoryError:
        raise ImageLoadError(name, Msg("not enough memory to decode this image")) from None
    except Exception as exc:  # decoders of damaged files raise assorted types
        logger.debug("decoding %s failed", name, exc_info=True)
        raise ImageLoadError(
            name,
            Msg(
                "damaged, or not an image that can be read ({kind}: {detail})",
                kind=type(exc).__name__,
                detail=str(exc),
            ),
        ) from exc
    return LoadedImage(np.ascontiguousarray(bgr), name, tuple(notes), display)


def _decode(
    src: ImageInput, name: str, max_pixels: int, apply_exif: bool, notes: list[str]
) -> Pixels:
    if isinstance(src, (str, Path)):
        data = read_file_bytes(Path(src), name)
        return _pil_to_bgr(_open_pil(data, name), name, max_pixels, apply_exif, notes)
    if isinstance(src, (bytes, bytearray)):
        if not src:
            raise ImageLoadError(name, Msg("no data (0 bytes)"))
        return _pil_to_bgr(_open_pil(bytes(src), name), name, max_pixels, apply_exif, notes)
    if isinstance(src, Image.Image):
        return _pil_to_bgr(src, name, max_pixels, apply_exif, notes)
    if isinstance(src, np.ndarray):
        return _array_to_bgr(src, name, max_pixels)
    raise ImageLoadError(
        name, "unsupported input type; give a path, bytes, a numpy array or a PIL image"
    )


def open_image_file(path: Path, name: str) -> Image.Image:
    """Opens an image file without reading its pixels, for frame-by-frame reading.

    The file stays open (Pillow reads frames from it as they are asked for) until the
    image is closed. Raises ImageLoadError as load_image does.
    """
    if path.is_dir():
        raise ImageLoadError(name, Msg("is a folder, not an image file"))
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise unreadable(name, exc) from exc
    try:
        return _open_pil(handle, name)
    except BaseException:
        handle.close()
        raise


def _open_pil(data: bytes | BinaryIO, name: str) -> Image.Image:
    """Reads the header only; the pixel limit is checked by the caller before decoding.

    Pillow's own bomb check refuses anything over 179 megapixels at open, before a large
    JPEG could be decoded at a reduced scale, so it is lifted here and replaced by
    `max_pixels`, which is checked before a single pixel is decoded.
    """
    try:
        with _PIL_LIMIT_LOCK, warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            saved = Image.MAX_IMAGE_PIXELS
            Image.MAX_IMAGE_PIXELS = None
            try:
                return Image.open(io.BytesIO(data) if isinstance(data, bytes) else data)
            finally:
                Image.MAX_IMAGE_PIXELS = saved
    except UnidentifiedImageError:
        raise ImageLoadError(
            name,
            Msg(
                "not an image, or an image format that cannot be "
                "read (damaged file or wrong extension?)"
            ),
        ) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageLoadError(name, Msg("cannot be decoded ({detail})", detail=str(exc))) from exc


def _pil_to_bgr(
    pil: Image.Image, name: str, max_pixels: int, apply_exif: bool, notes: list[str]
) -> Pixels:
    width, height = pil.size
    if width < 1 or height < 1:
        raise ImageLoadError(
            name, Msg("image has no pixels ({width}x{height})", width=width, height=height)
        )
    frames = getattr(pil, "n_frames", 1) or 1
    if frames > 1:
        animated = pil.format in ("GIF", "PNG", "WEBP")
        frame_info = {"format": pil.format, "frames": frames}
        notes.append(
            Msg("{format} animation with {frames} frames: only the first was read", **frame_info)
            if animated
            else Msg(
                "{format} multi-page file with {frames} frames: only the first was read",
                **frame_info,
            )
        )
    if width * height > max_pixels:
        pil = _shrink_on_decode(pil, name, max_pixels, notes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            pil.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ImageLoadError(
            name, Msg("image data is damaged or truncated ({detail})", detail=str(exc))
        ) from exc
    if apply_exif:
        pil = _apply_exif(pil, name, notes)
    try:
        return _pil_pixels_to_bgr(pil)
    except (OSError, ValueError) as exc:
        raise ImageLoadError(
            name, Msg("image data is damaged or truncated ({detail})", detail=str(exc))
        ) from exc


def _shrink_on_decode(
    pil: Image.Image, name: str, max_pixels: int, notes: list[str]
) -> Image.Image:
    """Large JPEGs decode at 1/2, 1/4 or 1/8 scale; anything else too large is refused."""
    width, height = pil.size
    if pil.format == "JPEG":
        scale = 1
        while scale < 8 and (width // (scale * 2)) * (height // (scale * 2)) * 4 > max_pixels:
            scale *= 2
        scale *= 2
        pil.draft("RGB", (width // scale, height // scale))
        new_w, new_h = pil.size
        if new_w * new_h <= max_pixels:
            notes.append(
                Msg(
                    "image is {width}x{height}; read at {new_w}x{new_h} to bound memory",
                    width=width,
                    height=height,
                    new_w=new_w,
                    new_h=new_h,
                )
            )
            return pil
    megapixels = width * height / 1e6
    raise ImageLoadError(
        name,
        Msg(
            "image is {width}x{height} ({megapixels:.0f} megapixels), "
            "above the limit of {limit:.0f} megapixels",
            width=width,
            height=height,
            megapixels=megapixels,
            limit=max_pixels / 1e6,
        ),
    )


def _apply_exif(pil: Image.Image, name: str, notes: list[str]) -> Image.Image:
    try:
        orientation = pil.getexif().get(0x0112, 1)
    except Exception:  # noqa: BLE001 - any broken EXIF block just means no rotation
        logger.debug("%s: unreadable EXIF ignored", name)
        return pil
    if orientation in (None, 1):
        return pil
    try:
        rotated = ImageOps.exif_transpose(pil)
    except Exception as exc:  # noqa: BLE001 - Pillow raises assorted errors on odd EXIF
        notes.append(
            Msg(
                "EXIF orientation {orientation} could not be applied ({detail})",
                orientation=orientation,
                detail=str(exc),
            )
        )
        return pil
    notes.append(Msg("EXIF orientation {orientation} applied", orientation=orientation))
    return rotated if rotated is not None else pil


def _to_uint8(arr: np.ndarray) -> np.ndarray:
    """Scales 16-bit, 32-bit and float pixels to 0..255."""
    if arr.dtype == np.uint8:
        return arr
    if arr.dtype == bool:
        return arr.astype(np.uint8) * 255
    values = arr.astype(np.float64)
    finite = np.isfinite(values)
    if not finite.all():
        values = np.where(finite, values, 0.0)
    top = float(values.max()) if values.size else 0.0
    low = float(values.min()) if values.size else 0.0
    if np.issubdtype(arr.dtype, np.floating) and low >= 0.0 and top <= 1.0:
        values = values * 255.0
    elif low >= 0.0 and top <= 255.0:
        pass
    elif low >= 0.0 and top <= 65535.0:
        values = values / 257.0
    else:
        span = top - low if top > low else 1.0
        values = (values - low) * (255.0 / span)
    return np.clip(values + 0.5, 0, 255).astype(np.uint8)


def _pil_pixels_to_bgr(pil: Image.Image) -> Pixels:
    mode = pil.mode
    has_alpha = mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in pil.info
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        gray = _to_uint8(np.asarray(pil))
        return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), None
    if has_alpha:
        return _flatten(np.asarray(pil.convert("RGBA")))
    if mode == "1" or mode == "L":
        return cv2.cvtColor(np.asarray(pil.convert("L")), cv2.COLOR_GRAY2BGR), None
    rgb = np.asarray(pil.convert("RGB") if mode != "RGB" else pil)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), None


def _flatten(rgba: np.ndarray) -> Pixels:
    """Transparent pixels flattened for the models, and for display where that differs."""
    flat = flatten_alpha(rgba)
    display = None if flat.display is None else cv2.cvtColor(flat.display, cv2.COLOR_RGB2BGR)
    return cv2.cvtColor(flat.model, cv2.COLOR_RGB2BGR), display


def _array_to_bgr(arr: np.ndarray, name: str, max_pixels: int) -> Pixels:
    if arr.size == 0 or arr.ndim not in (2, 3):
        raise ImageLoadError(name, "array must be H x W or H x W x C with pixels in it")
    height, width = arr.shape[:2]
    if height * width > max_pixels:
        raise ImageLoadError(
            name, f"image is {width}x{height}, above the limit of {max_pixels / 1e6:.0f} megapixels"
        )
    img = _to_uint8(arr)
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR), None
    channels = img.shape[2]
    if channels == 1:
        return cv2.cvtColor(img[..., 0], cv2.COLOR_GRAY2BGR), None
    if channels == 3:
        return img, None
    if channels == 4:  # BGRA, OpenCV's order
        return _flatten(cv2.cvtColor(img, cv2.COLOR_BGRA2RGBA))
    raise ImageLoadError(name, f"array has {channels} channels; expected 1, 3 or 4")


def unreadable(name: str, exc: OSError) -> ImageLoadError:
    """Why a file could not be opened or read, in words a user can act on."""
    if isinstance(exc, FileNotFoundError):
        return ImageLoadError(name, Msg("file not found (moved or deleted?)"))
    if isinstance(exc, PermissionError):
        return ImageLoadError(name, Msg("permission denied: the file cannot be read"))
    if isinstance(exc, IsADirectoryError):
        return ImageLoadError(name, Msg("is a folder, not an image file"))
    return ImageLoadError(name, Msg("cannot be read ({detail})", detail=str(exc.strerror or exc)))
