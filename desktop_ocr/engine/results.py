"""What the engine returns: plain dataclasses that the CLI, GUI and benchmark all read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np

from desktop_ocr.i18n import Msg

Point = tuple[float, float]
Box = tuple[Point, Point, Point, Point]


def _box_list(box: Box, digits: int = 2) -> list[list[float]]:
    return [[round(float(x), digits), round(float(y), digits)] for x, y in box]


@dataclass(frozen=True)
class WordBox:
    """A word or a character of a line and where it is in the image.

    Placed from the recogniser's CTC time steps, so the box is as wide as the model saw
    the glyphs; a searchable PDF puts its text there.
    """

    text: str
    box: Box

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "box": _box_list(self.box, 1)}


class WordBoxes(Sequence[WordBox]):
    """A line's words or characters with their boxes, kept compactly: a tuple of WordBox.

    A dense page has thousands of characters; as tuples of tuples of floats each box takes
    about half a kilobyte, so a window holding the results of a 300-page document would
    grow by hundreds of megabytes. Here a line's boxes are one float32 array (32 bytes a
    box), and each WordBox is made when it is asked for.
    """

    __slots__ = ("_boxes", "_texts")

    def __init__(self, items: Iterable[WordBox] = ()) -> None:
        items = list(items)
        texts = [item.text for item in items]
        # Characters (and CJK words) are one letter each: kept as one string, not as a
        # tuple of one-letter strings (about 58 bytes a letter, as much as the box).
        single = all(len(text) == 1 for text in texts)
        self._texts: str | tuple[str, ...] = "".join(texts) if single else tuple(texts)
        boxes = [item.box for item in items]
        self._boxes = np.array(boxes, dtype=np.float32).reshape(len(items), 4, 2)

    @classmethod
    def of(cls, items: Iterable[WordBox]) -> WordBoxes:
        return items if isinstance(items, WordBoxes) else cls(items)

    def __len__(self) -> int:
        return len(self._texts)

    @overload
    def __getitem__(self, index: int) -> WordBox: ...

    @overload
    def __getitem__(self, index: slice) -> WordBoxes: ...

    def __getitem__(self, index: int | slice) -> WordBox | WordBoxes:
        if isinstance(index, slice):
            return WordBoxes(self[i] for i in range(*index.indices(len(self))))
        points = self._boxes[index].tolist()
        return WordBox(self._texts[index], tuple(tuple(p) for p in points))  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, WordBoxes):
            return self._texts == other._texts and np.array_equal(self._boxes, other._boxes)
        if isinstance(other, (tuple, list)):
            return list(self) == list(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._texts, self._boxes.tobytes()))

    def __repr__(self) -> str:
        return f"WordBoxes({list(self)!r})"


@dataclass(frozen=True)
class TextLine:
    """One recognised line: its quadrilateral (clockwise from top-left), text and confidence.

    `words` splits the text at spaces, and every CJK character is a word of its own;
    `chars` has every character that is not a space. `paragraph` numbers the paragraphs
    of a page from 0 in reading order (None when no layout was made).
    """

    box: Box
    text: str
    score: float
    angle: int = 0  # degrees the classifier found the crop rotated by (0 or 180)
    words: Sequence[WordBox] = ()
    chars: Sequence[WordBox] = ()
    paragraph: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", WordBoxes.of(self.words))
        object.__setattr__(self, "chars", WordBoxes.of(self.chars))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "box": _box_list(self.box),
            "text": self.text,
            "score": round(float(self.score), 5),
        }
        if self.paragraph is not None:
            data["paragraph"] = self.paragraph
        if self.words:
            data["words"] = [w.to_dict() for w in self.words]
        if self.chars:
            data["chars"] = [c.to_dict() for c in self.chars]
        return data


def paragraph_rows(lines: tuple[TextLine, ...] | list[TextLine]) -> list[int | None]:
    """The rows of `paragraph_text`: each one's line index, None for a blank row between
    paragraphs. A view that shows the text uses it to find the line behind a row."""
    rows: list[int | None] = []
    previous: int | None = None
    for index, line in enumerate(lines):
        if rows and line.paragraph is not None and line.paragraph != previous:
            rows.append(None)
        rows.append(index)
        previous = line.paragraph
    return rows


def paragraph_text(lines: tuple[TextLine, ...] | list[TextLine]) -> str:
    """Lines one per row, with a blank row where a new paragraph starts."""
    return "\n".join("" if i is None else lines[i].text for i in paragraph_rows(lines))


@dataclass(frozen=True)
class StageTimings:
    """Milliseconds per stage; `infer` is the part spent inside onnxruntime's run()."""

    load: float = 0.0
    det: float = 0.0
    cls: float = 0.0
    rec: float = 0.0
    total: float = 0.0
    infer: float = 0.0

    def to_dict(self) -> dict[str, float]:
        return {
            "load": round(self.load, 2),
            "det": round(self.det, 2),
            "cls": round(self.cls, 2),
            "rec": round(self.rec, 2),
            "total": round(self.total, 2),
            "infer": round(self.infer, 2),
        }


@dataclass(frozen=True)
class CudaDiagnosis:
    """Why CUDA was asked for and is not used, in words a user can act on.

    Either it was not granted when the sessions were made, or (`at_run_time`) it was
    granted and then failed on a run, and the engine was rebuilt on the CPU.
    """

    problem: str  # a short stable code: no_driver, no_device, missing_cudnn, gpu_fault, ...
    summary: str  # one sentence for a status bar
    fix: str  # what to do about it
    details: tuple[str, ...] = ()  # findings and onnxruntime's own messages
    at_run_time: bool = False  # granted, then failed on a run

    def text(self) -> str:
        lines = [self.summary, "", f"How to fix: {self.fix}"]
        if self.details:
            lines += ["", "Details:", *(f"  {d}" for d in self.details)]
        return "\n".join(lines)


@dataclass(frozen=True)
class CudaRunFailure:
    """CUDA was granted, then failed on a run, and the engine was rebuilt on the CPU."""

    diagnosis: CudaDiagnosis
    error: str  # onnxruntime's message
    during: str  # "during the warm-up", "while reading a.png"
    rebuild_seconds: float

    def note(self) -> str:
        """The line every result read after it carries."""
        return Msg("read on the CPU after CUDA failed: {summary}", summary=self.diagnosis.summary)


@dataclass(frozen=True)
class ProviderReport:
    """Execution providers asked for and those onnxruntime actually granted."""

    requested: tuple[str, ...]
    granted: tuple[str, ...]
    diagnosis: CudaDiagnosis | None = None

    @property
    def cuda_requested(self) -> bool:
        return "CUDAExecutionProvider" in self.requested

    @property
    def fell_back(self) -> bool:
        """True when a provider that was asked for is missing from what was granted."""
        return any(p not in self.granted for p in self.requested)


@dataclass(frozen=True)
class OcrResult:
    """The outcome of one image: lines in reading order, timings, sizes, providers."""

    lines: tuple[TextLine, ...]
    timings: StageTimings
    image_size: tuple[int, int]  # (width, height) of the image as read
    providers: ProviderReport
    source: str | None = None
    angles: tuple[tuple[str, float], ...] = field(default=())  # cls-only mode output
    notes: tuple[str, ...] = field(default=())  # what the loader did (EXIF, frames, ...)
    page: int | None = None  # 1-based page of a PDF or multi-page TIFF
    page_count: int | None = None
    text_layer: bool = False  # the lines are the PDF's own text, not read by OCR
    pack: str = ""  # the model pack that read it
    config: str = ""  # the config file it was read with (its name)

    @property
    def text(self) -> str:
        """The lines in reading order, one per row (row i is line i, as the window shows)."""
        return "\n".join(line.text for line in self.lines)

    @property
    def page_text(self) -> str:
        """The lines in reading order, a blank line between paragraphs: the page to read."""
        return paragraph_text(self.lines)

    @property
    def name(self) -> str | None:
        """The source, with the page when it is one page of several."""
        if self.source is None or self.page is None or not self.page_count:
            return self.source
        return page_name(self.source, self.page, self.page_count)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "path": self.source,
            "ok": True,
            "error": None,
            "image_size": list(self.image_size),
            "lines": [line.to_dict() for line in self.lines],
            "timings_ms": self.timings.to_dict(),
            "providers": list(self.providers.granted),
            "requested": list(self.providers.requested),
            "notes": list(self.notes),
            "pack": self.pack,
            "config": self.config,
        }
        if self.page is not None:
            data["page"] = self.page
            data["pages"] = self.page_count
            data["text_layer"] = self.text_layer
        return data


def page_name(source: str, page: int, page_count: int) -> str:
    """How a page is named in a queue, a heading or a message: `file.pdf — page 3/12`."""
    return f"{source} — page {page}/{page_count}"
