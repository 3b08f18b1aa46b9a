"""Where documents plug into the batch: how many pages a file holds, and the image of a page.

A plain image is one work item. A document (a PDF, a multi-page TIFF) is one work item per
page, so that pages spread over workers and a resumed batch redoes only the pages it has
not finished. The batch asks these two functions only: `page_count` while it plans (in the
process that runs the batch) and `load_page` in the workers. A page source for documents
replaces their bodies; the plan, the result paths, resume and both runners stay as they are.
"""

from __future__ import annotations

from pathlib import Path

from desktop_ocr.engine import ImageLoadError, LoadedImage, OcrEngine


def page_count(path: Path) -> int | None:
    """The number of pages of a document, or None for a file that is read as one image.

    Until a page source is plugged in, every file is read as one image: the engine
    decodes it (for a multi-frame file, its first frame) or says why it cannot.
    """
    return None


def load_page(engine: OcrEngine, path: Path, index: int) -> LoadedImage:
    """The image of page `index` (0-based) of the document at `path`, decoded for `engine`.

    Only called for work items that `page_count` split into pages; it raises
    ImageLoadError, which the batch records as that page's failure, like any bad image.
    """
    raise ImageLoadError(str(path), f"page {index + 1}: no page source reads this file type")
