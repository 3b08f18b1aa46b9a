"""The engine's option groups, each field with its default, bounds and meaning.

Validation (config.py) reads the bounds from each field's metadata, so a value is
described and checked in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from desktop_ocr.engine.packs import DEFAULT_PACK, PACKS

Device = Literal["cpu", "cuda"]


def _opt(
    default: Any,
    *,
    lo: float | None = None,
    hi: float | None = None,
    length: int | None = None,
    doc: str = "",
) -> Any:
    """A dataclass field with validation bounds kept in its metadata."""
    meta = {"lo": lo, "hi": hi, "length": length, "doc": doc}
    if isinstance(default, (list, tuple)):
        return field(default_factory=lambda: tuple(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class RuntimeOptions:
    """onnxruntime session options shared by the three models."""

    intra_op_threads: int = _opt(0, lo=0, hi=256, doc="0 lets onnxruntime decide")
    inter_op_threads: int = _opt(0, lo=0, hi=256, doc="0 lets onnxruntime decide")
    graph_optimization: Literal["disable", "basic", "extended", "all"] = "all"
    # Without the arena every run asks the system for its buffers afresh (hundreds of MB
    # for a page), and zeroing those pages costs a third of detection's time. The arena
    # keeps them while images come; the engine hands them back when it falls idle.
    cpu_mem_arena: bool = _opt(True, doc="keep the buffers of one run for the next")
    warmup: bool = _opt(False, doc="run every shape bucket once when the engine starts")
    rec_sessions: int = _opt(
        2, lo=1, hi=16, doc="on the CPU, lines read side by side, each by a session of its own"
    )
    allow_spinning: bool = _opt(False, doc="let idle worker threads spin-wait (burns CPU)")


@dataclass(frozen=True)
class CudaOptions:
    """The CUDA execution provider options that onnxruntime documents."""

    device_id: int = _opt(0, lo=0, hi=64)
    arena_extend_strategy: Literal["kNextPowerOfTwo", "kSameAsRequested"] = "kNextPowerOfTwo"
    gpu_mem_limit: int = _opt(0, lo=0, doc="bytes; 0 means no limit")
    cudnn_conv_algo_search: Literal["EXHAUSTIVE", "HEURISTIC", "DEFAULT"] = "HEURISTIC"
    do_copy_in_default_stream: bool = True


@dataclass(frozen=True)
class ModelFiles:
    """The model pack, and any single file a config puts in place of the pack's own.

    A file is a name (looked up in the pack's folders) or a path (relative to the config).
    After loading, det, cls and rec are always set: from the config, or from the pack.
    """

    pack: str = _opt(DEFAULT_PACK, doc="the model pack: `desktop-ocr models` lists them")
    det: str | None = None
    cls: str | None = None
    rec: str | None = None
    rec_keys: str | None = _opt(None, doc="character list file; default: rec model metadata")

    def __post_init__(self) -> None:
        # A ModelFiles made in code rather than loaded still names every file.
        pack = PACKS.get(self.pack)
        if pack is None:
            return
        for role in ("det", "cls", "rec"):
            if getattr(self, role) is None:
                object.__setattr__(self, role, pack.files[role].name)


@dataclass(frozen=True)
class PipelineOptions:
    """Whole-image steps around the three models."""

    use_det: bool = True
    use_cls: bool = True
    use_rec: bool = True
    text_score: float = _opt(0.5, lo=0.0, hi=1.0)
    min_height: int = _opt(30, lo=0, hi=10000)
    width_height_ratio: float = _opt(8.0, lo=-1.0, hi=1000.0, doc="-1 disables letterboxing")
    max_side_len: int = _opt(2000, lo=32, hi=100000)
    min_side_len: int = _opt(30, lo=1, hi=10000)
    max_image_pixels: int = _opt(150_000_000, lo=1, doc="larger images are refused")
    apply_exif: bool = _opt(True, doc="rotate by the EXIF orientation tag")
    # rapidocr: top to bottom, 10 px rows; lines: rows by overlap; layout: columns in
    # turn and paragraphs (engine/layout.py)
    reading_order: Literal["rapidocr", "lines", "layout"] = "layout"
    rec_fallback: bool = _opt(True, doc="read a small image whole when no text is detected")


@dataclass(frozen=True)
class DetOptions:
    """DB text detection: input size policy and post-processing."""

    limit_side_len: int = _opt(2000, lo=32, hi=10000)
    limit_type: Literal["min", "max"] = "max"
    max_input_side: int = _opt(2048, lo=0, hi=100000, doc="cap on the long side; 0: no cap")
    small_text_height: int = _opt(
        0,
        lo=0,
        hi=1000,
        doc="median text height (px) under which a second, larger detection pass runs; 0: off",
    )
    text_height_goal: int = _opt(40, lo=1, hi=1000, doc="text height the second pass aims at")
    max_upscale: float = _opt(4.0, lo=1.0, hi=64.0, doc="largest second-pass scale factor")
    # The defaults are the default pack's (PP-OCRv6 small, see packs.py).
    mean: tuple[float, ...] = _opt((0.485, 0.456, 0.406), length=3)
    std: tuple[float, ...] = _opt((0.229, 0.224, 0.225), length=3)
    thresh: float = _opt(0.3, lo=0.0, hi=1.0)
    small_image_side: int = _opt(
        1024,
        lo=0,
        hi=100000,
        doc="images no longer than this on either side use small_image_thresh",
    )
    small_image_thresh: float = _opt(
        0.2,
        lo=0.0,
        hi=1.0,
        doc="binarisation for small images: screenshots' thin strokes (dashes) stay in their line",
    )
    box_thresh: float = _opt(0.5, lo=0.0, hi=1.0)
    max_candidates: int = _opt(1000, lo=1, hi=100000)
    unclip_ratio: float = _opt(1.4, lo=0.0, hi=10.0)
    use_dilation: bool = True
    score_mode: Literal["fast", "slow"] = "fast"
    min_size: int = _opt(3, lo=0, hi=1000)
    shape_buckets: tuple[int, ...] = _opt((), doc="pad each input side up to one of these")


@dataclass(frozen=True)
class ClsOptions:
    """Text line angle classifier (0 or 180 degrees)."""

    image_shape: tuple[int, ...] = _opt((3, 48, 192), length=3)
    batch_size: int = _opt(6, lo=1, hi=1024)
    thresh: float = _opt(0.9, lo=0.0, hi=1.0)
    labels: tuple[str, ...] = ("0", "180")
    pad_batch: bool = _opt(False, doc="pad every batch to batch_size (one shape for CUDA)")


@dataclass(frozen=True)
class RecOptions:
    """CTC text recognition."""

    image_shape: tuple[int, ...] = _opt((3, 48, 320), length=3)
    # One line at a time at its own width is the fastest on a CPU: a batch is padded to
    # its widest line, and a short word padded to 160 px reads slower and no better.
    batch_size: int = _opt(1, lo=1, hi=1024)
    min_width: int = _opt(8, lo=8, hi=10000, doc="narrowest batch; short words pad up to it")
    width_scale: float = _opt(
        0.8,
        lo=0.5,
        hi=1.0,
        doc="narrows each crop before recognition; the models were trained with long lines "
        "squeezed to 320 px, and read narrowed lines as well for less work",
    )
    width_scale_from: float = _opt(
        12.0, lo=0.0, hi=1000.0, doc="narrow only crops at least this many times as wide as high"
    )
    crop_margin: float = _opt(
        0.25, lo=0.0, hi=2.0, doc="background kept at each end of a line, in line heights"
    )
    width_buckets: tuple[int, ...] = _opt((), doc="pad each batch's width up to one of these")
    pad_batch: bool = _opt(False, doc="pad every batch to batch_size (one shape for CUDA)")


@dataclass(frozen=True)
class DocumentOptions:
    """How PDF pages become images, and whether a page's own text is taken instead of OCR."""

    # 200 dpi makes 10 pt text about 28 px high, what the recogniser reads best; 300 suits
    # small print. Large pages are rendered at less, to stay under max_image_pixels.
    dpi: int = _opt(200, lo=50, hi=600, doc="resolution PDF pages are rendered at")
    text_layer: bool = _opt(True, doc="take a PDF page's own text, when it has some, as it is")
