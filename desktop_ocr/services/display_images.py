"""Images as the window shows them: a display-sized copy, every pixel when zoomed in, made
off the window's thread.

A 50-megapixel page takes the better part of a second to decode and tens of
milliseconds for each full-size conversion or scaling; done on the window's thread, the
window would freeze whenever such a page is shown. So the window keeps, per result, a
copy no larger than a screen needs (`PREVIEW_PIXELS`), draws from it until the user
zooms in past its detail, and only then uses the full pixels; making either copy
happens on `DisplayLoader`'s thread. Nothing here knows Tk.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from desktop_ocr.engine import EngineConfig, ImageLoadError, LoadedImage
from desktop_ocr.services.page_reader import load_preview
from desktop_ocr.services.worker import Source

logger = logging.getLogger(__name__)

PREVIEW_PIXELS = 4_000_000  # about a 4K screen: enough for any fitted view
INLINE_PIXELS = 2_000_000  # at most a few milliseconds to convert: no thread needed
# Display copies kept for going back (a 50-megapixel page's is 12 MB, a screenshot's
# about 1 MB), and all the pixels of the most recent large images (150 MB for 50 MP).
PREVIEW_CACHE_BYTES = 160 * 2**20
FULL_CACHE_BYTES = 320 * 2**20

Region = tuple[int, int, int, int]  # left, top, right, bottom in full-image pixels


@dataclass(frozen=True)
class DisplayImage:
    """What the window draws an image from: its size, a display-sized copy, maybe all pixels.

    `preview` is RGB and at most PREVIEW_PIXELS; for a smaller image it is the whole
    image. `full` is the image's own BGR pixels (the engine's array, not a copy), kept
    only for an image larger than its preview, and dropped first when memory is short.
    """

    size: tuple[int, int]  # width, height of the image the boxes refer to
    preview: np.ndarray
    full: np.ndarray | None = None

    @property
    def preview_scale(self) -> float:
        """Preview pixels per image pixel (1.0 when the preview is the image)."""
        return self.preview.shape[1] / self.size[0]

    @property
    def complete(self) -> bool:
        """True when every pixel of the image can be drawn from what is held."""
        return self.full is not None or self.preview_scale >= 1.0

    @property
    def nbytes(self) -> int:
        return self.preview.nbytes + (self.full.nbytes if self.full is not None else 0)

    def without_full(self) -> DisplayImage:
        return dataclasses.replace(self, full=None)

    def render(self, region: Region, out_size: tuple[int, int]) -> Image.Image:
        """The pixels of `region` scaled to `out_size`, from the copy with enough detail.

        Scaling with OpenCV before the colour conversion keeps the cost to the size of
        what is drawn, whatever the size of the image.
        """
        left, top, right, bottom = region
        width = max(right - left, 1)
        scale = out_size[0] / width
        if self.full is not None and scale > self.preview_scale:
            part = self.full[top:bottom, left:right]
            part = cv2.cvtColor(_scaled(part, out_size, scale), cv2.COLOR_BGR2RGB)
            return Image.fromarray(part)
        p = self.preview_scale
        pl, pt = math.floor(left * p), math.floor(top * p)
        pr = min(max(math.ceil(right * p), pl + 1), self.preview.shape[1])
        pb = min(max(math.ceil(bottom * p), pt + 1), self.preview.shape[0])
        part = self.preview[pt:pb, pl:pr]
        return Image.fromarray(_scaled(part, out_size, out_size[0] / max(pr - pl, 1)))


def _scaled(part: np.ndarray, out_size: tuple[int, int], scale: float) -> np.ndarray:
    if (part.shape[1], part.shape[0]) == out_size:
        return np.ascontiguousarray(part)
    if scale >= 2:
        interpolation = cv2.INTER_NEAREST  # zoomed in: show the pixels as pixels
    elif scale < 1:
        interpolation = cv2.INTER_AREA  # no aliasing when shrinking
    else:
        interpolation = cv2.INTER_LINEAR
    return cv2.resize(part, out_size, interpolation=interpolation)


def make_display_image(loaded: LoadedImage, *, keep_full: bool = True) -> DisplayImage:
    """The display copies of a decoded image (tens of milliseconds for 50 megapixels)."""
    bgr = loaded.display_bgr
    height, width = bgr.shape[:2]
    pixels = width * height
    if pixels <= PREVIEW_PIXELS:
        return DisplayImage((width, height), cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    factor = math.sqrt(PREVIEW_PIXELS / pixels)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    small = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
    preview = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
    return DisplayImage((width, height), preview, bgr if keep_full else None)


def decode_display_image(
    source: Source, config: EngineConfig, page: int | None = None, dpi: float | None = None
) -> DisplayImage:
    """Decodes an image (or renders a page, from 0, at `dpi`) again, as the worker did."""
    return make_display_image(load_preview(source, config, page, dpi))


class DisplayCache:
    """The display copies of recent results, least recently shown dropped first.

    Full pixels go first (a display copy is enough to show an image again at once),
    then display copies; the image on screen (`pinned`) keeps both whatever the budget.
    """

    def __init__(
        self, preview_bytes: int = PREVIEW_CACHE_BYTES, full_bytes: int = FULL_CACHE_BYTES
    ) -> None:
        self.preview_bytes = preview_bytes
        self.full_bytes = full_bytes
        self.pinned: int | None = None
        self._images: collections.OrderedDict[int, DisplayImage] = collections.OrderedDict()

    def get(self, key: int) -> DisplayImage | None:
        """The copy of `key`, now the most recently used, or None."""
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
        return image

    def put(self, key: int, image: DisplayImage) -> None:
        self._images[key] = image
        self._images.move_to_end(key)
        self._trim()

    def forget(self, key: int) -> None:
        self._images.pop(key, None)

    def clear(self) -> None:
        self._images.clear()

    def __contains__(self, key: int) -> bool:
        return key in self._images

    def keys(self) -> list[int]:
        """Oldest first."""
        return list(self._images)

    @property
    def held_bytes(self) -> tuple[int, int]:
        """(display copies, full pixels) held now, in bytes."""
        images = self._images.values()
        return (
            sum(i.preview.nbytes for i in images),
            sum(i.full.nbytes for i in images if i.full is not None),
        )

    def _trim(self) -> None:
        previews, full = self.held_bytes
        for key, image in list(self._images.items()):
            if full <= self.full_bytes:
                break
            if key != self.pinned and image.full is not None:
                full -= image.full.nbytes
                self._images[key] = image.without_full()
        for key in list(self._images):
            if previews <= self.preview_bytes:
                break
            if key != self.pinned:
                previews -= self._images.pop(key).preview.nbytes


@dataclass(frozen=True)
class DisplayReady:
    """A display copy made on the loader's thread, or why it could not be made."""

    key: int
    image: DisplayImage | None
    error: ImageLoadError | None = None


class DisplayLoader:
    """One background thread that makes display copies, the most recently asked first.

    The user looks at the image they picked last; when they click through a list of
    large results, the earlier requests are still made (to cache them) but only after
    it. A request for a key already waiting replaces it. `ready` is polled by the window.
    """

    def __init__(self) -> None:
        self.ready: collections.deque[DisplayReady] = collections.deque()
        self._waiting: collections.OrderedDict[int, Callable[[], DisplayImage]] = (
            collections.OrderedDict()
        )
        self._cond = threading.Condition()
        self._stopped = False
        self._busy_with: int | None = None
        self._thread = threading.Thread(target=self._run, name="display-loader", daemon=True)
        self._thread.start()

    def prepare(self, key: int, loaded: LoadedImage) -> None:
        """Makes the display copy of a newly read image."""
        self._ask(key, lambda: make_display_image(loaded))

    def decode(
        self,
        key: int,
        source: Source,
        config: EngineConfig,
        page: int | None = None,
        dpi: float | None = None,
    ) -> None:
        """Decodes an image (or a page) again from its source (it was dropped from memory)."""
        self._ask(key, lambda: decode_display_image(source, config, page, dpi))

    def is_waiting(self, key: int) -> bool:
        with self._cond:
            return key in self._waiting or key == self._busy_with

    def forget(self, key: int) -> None:
        with self._cond:
            self._waiting.pop(key, None)

    def stop(self, timeout: float | None = None) -> bool:
        with self._cond:
            self._stopped = True
            self._waiting.clear()
            self._cond.notify()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _ask(self, key: int, work: Callable[[], DisplayImage]) -> None:
        with self._cond:
            self._waiting.pop(key, None)
            self._waiting[key] = work
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._waiting and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                key, work = self._waiting.popitem(last=True)
                self._busy_with = key
            try:
                outcome = DisplayReady(key, work())
            except ImageLoadError as exc:
                outcome = DisplayReady(key, None, exc)
            except Exception as exc:  # the window must hear back, whatever happened
                logger.exception("display copy of %s failed", key)
                outcome = DisplayReady(key, None, ImageLoadError(str(key), repr(exc)))
            with self._cond:
                self._busy_with = None
                if not self._stopped:
                    self.ready.append(outcome)
