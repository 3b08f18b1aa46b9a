"""The OCR pipeline: load, detect, classify, recognise, and map boxes back to the image."""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from desktop_ocr.engine.classifier import AngleClassifier
from desktop_ocr.engine.config import EngineConfig, load_config
from desktop_ocr.engine.ctc_decoder import CtcDecoder, read_character_file
from desktop_ocr.engine.detector import TextDetector
from desktop_ocr.engine.errors import ModelLoadError
from desktop_ocr.engine.geometry import crop_quad, order_lines, order_rapidocr
from desktop_ocr.engine.image_loader import ImageInput, LoadedImage, load_image
from desktop_ocr.engine.recognizer import TextRecognizer
from desktop_ocr.engine.results import OcrResult, ProviderReport, StageTimings, TextLine
from desktop_ocr.engine.sessions import ModelRunner, SessionFactory, resolve_model

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Prepared:
    """The image as the detector sees it and how to map its coordinates back."""

    img: np.ndarray
    scale_x: float  # original pixels per prepared pixel
    scale_y: float
    pad_top: int


class OcrEngine:
    """Owns the three model sessions; not thread-safe, so give each thread its own."""

    def __init__(self, config: EngineConfig | None = None) -> None:
        self.config = config if config is not None else load_config()
        factory = SessionFactory(self.config)
        det_runner = factory.create("det", self.config.models.det)
        cls_runner = factory.create("cls", self.config.models.cls)
        rec_runner = factory.create("rec", self.config.models.rec)
        self.runners: dict[str, ModelRunner] = {
            "det": det_runner,
            "cls": cls_runner,
            "rec": rec_runner,
        }
        self.providers: ProviderReport = factory.report()
        self.onnxruntime_messages = tuple(factory.messages)
        det, cls, rec = self.config.det, self.config.cls, self.config.rec
        if self.providers.fell_back:
            # Shape buckets and warm-up only pay off where cuDNN tunes per shape; on the
            # CPU fallback they would pad every input for nothing.
            det = dataclasses.replace(det, shape_buckets=())
            cls = dataclasses.replace(cls, pad_batch=False)
            rec = dataclasses.replace(rec, width_buckets=(), pad_batch=False)
        self.detector = TextDetector(det_runner, det)
        self.classifier = AngleClassifier(cls_runner, cls)
        decoder = CtcDecoder(self._characters(rec_runner))
        self.recognizer = TextRecognizer(rec_runner, rec, decoder)
        if self.config.runtime.warmup and not self.providers.fell_back:
            self.warmup()

    # -- set-up ---------------------------------------------------------------------------

    def _characters(self, runner: ModelRunner) -> list[str]:
        keys = self.config.models.rec_keys
        if keys:
            path = resolve_model("rec_keys", keys, self.config.base_dir)
            try:
                chars = read_character_file(path)
            except (OSError, UnicodeDecodeError) as exc:
                raise ModelLoadError(
                    f"rec_keys ({path})",
                    f"cannot be read ({exc})",
                    "Point models.rec_keys at a UTF-8 file with one character per line.",
                ) from exc
        else:
            meta = runner.metadata().get("character")
            if not meta:
                raise ModelLoadError(
                    f"rec ({runner.path.name})",
                    "has no 'character' list in its metadata",
                    "Set models.rec_keys in the config to its dictionary file.",
                )
            chars = meta.splitlines()
        classes = runner.session.get_outputs()[0].shape[-1]
        if isinstance(classes, int) and classes != len(chars) + 2:
            raise ModelLoadError(
                f"rec ({runner.path.name})",
                f"predicts {classes} classes but the character list has "
                f"{len(chars)} (+2 for blank and space)",
                "Use the dictionary that belongs to this model.",
            )
        return chars

    def warmup(self) -> None:
        """Runs every configured input shape once, so no user image pays for a first run."""
        det, cls, rec = self.detector.opts, self.classifier.opts, self.recognizer.opts
        sides = det.shape_buckets or (self.detector.input_size(640, 640)[0],)
        for h in sides:
            for w in sides:
                self.runners["det"].run(np.zeros((1, 3, h, w), dtype=np.float32))
        _, ch, cw = cls.image_shape
        cls_rows = cls.batch_size if cls.pad_batch else 1
        self.runners["cls"].run(np.zeros((cls_rows, 3, ch, cw), dtype=np.float32))
        _, rh, rw = rec.image_shape
        rec_rows = rec.batch_size if rec.pad_batch else 1
        for width in rec.width_buckets or (rw,):
            self.runners["rec"].run(np.zeros((rec_rows, 3, rh, width), dtype=np.float32))
        logger.info("warm-up ran %s", self.input_shapes())

    # -- per image ------------------------------------------------------------------------

    def load(self, image: ImageInput) -> LoadedImage:
        """Decodes an input with this engine's limits (raises ImageLoadError)."""
        opts = self.config.pipeline
        return load_image(image, max_pixels=opts.max_image_pixels, apply_exif=opts.apply_exif)

    def __call__(
        self,
        image: ImageInput,
        *,
        use_det: bool | None = None,
        use_cls: bool | None = None,
        use_rec: bool | None = None,
    ) -> OcrResult:
        start = time.perf_counter()
        loaded = self.load(image)
        load_ms = (time.perf_counter() - start) * 1000
        return self.run(
            loaded,
            use_det=use_det,
            use_cls=use_cls,
            use_rec=use_rec,
            load_ms=load_ms,
            started=start,
        )

    def run(
        self,
        loaded: LoadedImage,
        *,
        use_det: bool | None = None,
        use_cls: bool | None = None,
        use_rec: bool | None = None,
        load_ms: float = 0.0,
        started: float | None = None,
    ) -> OcrResult:
        """OCR of an already decoded image."""
        opts = self.config.pipeline
        use_det = opts.use_det if use_det is None else use_det
        use_cls = opts.use_cls if use_cls is None else use_cls
        use_rec = opts.use_rec if use_rec is None else use_rec
        started = time.perf_counter() if started is None else started
        infer_before = self._infer_seconds()
        raw_h, raw_w = loaded.bgr.shape[:2]
        stage = time.perf_counter()

        prepared = self._prepare(loaded.bgr, letterbox=use_det)
        det_scores: np.ndarray | None = None
        if use_det:
            found = self.detector(prepared.img)
            order = (
                order_lines(found.boxes)
                if opts.reading_order == "lines"
                else order_rapidocr(found.boxes)
            )
            boxes = found.boxes[order]
            det_scores = found.scores[order]
            crops = [crop_quad(prepared.img, box) for box in boxes]
        else:
            h, w = prepared.img.shape[:2]
            boxes = np.array([[[0, 0], [w, 0], [w, h], [0, h]]], dtype=np.float32)
            crops = [prepared.img]
        det_ms = (time.perf_counter() - stage) * 1000

        stage = time.perf_counter()
        cls_results: list[tuple[str, float]] = []
        if use_cls and crops:
            crops, cls_results = self.classifier(crops)
        cls_ms = (time.perf_counter() - stage) * 1000

        stage = time.perf_counter()
        rec_results: list[tuple[str, float]] = []
        if use_rec and crops:
            rec_results = self.recognizer(crops)
        if use_det and not crops and opts.rec_fallback and use_rec:
            boxes, rec_results, cls_results = self._read_whole(prepared, opts.text_score)
        original = self._to_original(boxes, prepared, raw_w, raw_h)
        lines = self._lines(original, rec_results, cls_results, det_scores, use_det, use_rec)
        rec_ms = (time.perf_counter() - stage) * 1000

        total_ms = (time.perf_counter() - started) * 1000
        timings = StageTimings(
            load=load_ms,
            det=det_ms,
            cls=cls_ms,
            rec=rec_ms,
            total=total_ms,
            infer=(self._infer_seconds() - infer_before) * 1000,
        )
        angles = tuple(cls_results) if (use_cls and not use_rec and not use_det) else ()
        return OcrResult(
            tuple(lines),
            timings,
            (raw_w, raw_h),
            self.providers,
            source=loaded.source,
            angles=angles,
            notes=loaded.notes,
        )

    def _read_whole(
        self,
        prepared: _Prepared,
        text_score: float,
    ) -> tuple[np.ndarray, list[tuple[str, float]], list[tuple[str, float]]]:
        """Reads a small image as one line when detection found nothing in it."""
        img = prepared.img[prepared.pad_top : prepared.img.shape[0] - prepared.pad_top]
        h, w = img.shape[:2]
        if h > 96 or w < h:
            return np.zeros((0, 4, 2), dtype=np.float32), [], []
        crops, cls_results = self.classifier([img])
        ((text, score),) = self.recognizer(crops)
        if not text.strip() or score < text_score:
            return np.zeros((0, 4, 2), dtype=np.float32), [], []
        box = np.array([[[0, 0], [w, 0], [w, h], [0, h]]], dtype=np.float32)
        box[:, :, 1] += prepared.pad_top
        return box, [(text, score)], cls_results

    def _lines(
        self,
        boxes: np.ndarray,
        rec: list[tuple[str, float]],
        cls: list[tuple[str, float]],
        det_scores: np.ndarray | None,
        use_det: bool,
        use_rec: bool,
    ) -> list[TextLine]:
        threshold = self.config.pipeline.text_score
        lines = []
        for i, box in enumerate(boxes):
            corners = tuple((float(x), float(y)) for x, y in box)
            angle = 0
            if i < len(cls) and cls[i][0] == "180" and cls[i][1] > self.config.cls.thresh:
                angle = 180
            if use_rec:
                if i >= len(rec):
                    continue
                text, score = rec[i]
                if use_det and score < threshold:
                    continue
            else:
                text = ""
                score = float(det_scores[i]) if det_scores is not None else 1.0
            lines.append(TextLine(corners, text, float(score), angle))  # type: ignore[arg-type]
        return lines

    def _prepare(self, img: np.ndarray, letterbox: bool) -> _Prepared:
        """Bounds the image size, then pads very flat images so the detector sees them."""
        opts = self.config.pipeline
        h, w = img.shape[:2]
        scale_x = scale_y = 1.0
        if max(h, w) > opts.max_side_len:
            ratio = opts.max_side_len / max(h, w)
            img, sx, sy = _resize_round32(img, ratio)
            scale_x, scale_y = scale_x * sx, scale_y * sy
        h, w = img.shape[:2]
        if min(h, w) < opts.min_side_len:
            ratio = opts.min_side_len / min(h, w)
            img, sx, sy = _resize_round32(img, ratio)
            scale_x, scale_y = scale_x * sx, scale_y * sy
        pad_top = 0
        if letterbox:
            h, w = img.shape[:2]
            too_flat = opts.width_height_ratio != -1 and w / h > opts.width_height_ratio
            if h <= opts.min_height or too_flat:
                ratio = opts.width_height_ratio if opts.width_height_ratio > 0 else 1.0
                new_h = max(int(w / ratio), opts.min_height) * 2
                pad_top = int(abs(new_h - h) / 2)
                img = cv2.copyMakeBorder(
                    img, pad_top, pad_top, 0, 0, cv2.BORDER_CONSTANT, value=(0, 0, 0)
                )
        return _Prepared(img, scale_x, scale_y, pad_top)

    @staticmethod
    def _to_original(
        boxes: np.ndarray,
        prepared: _Prepared,
        raw_w: int,
        raw_h: int,
    ) -> np.ndarray:
        if len(boxes) == 0:
            return np.zeros((0, 4, 2), dtype=np.float32)
        out = np.array(boxes, dtype=np.float32)
        out[:, :, 1] -= prepared.pad_top
        out[:, :, 0] *= prepared.scale_x
        out[:, :, 1] *= prepared.scale_y
        out = np.maximum(out, 0)
        out[..., 0] = np.minimum(out[..., 0], raw_w)
        out[..., 1] = np.minimum(out[..., 1], raw_h)
        return out

    # -- reporting ------------------------------------------------------------------------

    def _infer_seconds(self) -> float:
        return sum(r.run_seconds for r in self.runners.values())

    def seen_shapes(self) -> dict[str, frozenset[tuple[int, ...]]]:
        """The distinct input shapes each model has been run on (CUDA tunes once per shape)."""
        return {role: frozenset(r.shapes) for role, r in self.runners.items()}

    def input_shapes(self) -> dict[str, int]:
        """How many distinct input shapes each model has seen."""
        return {role: len(shapes) for role, shapes in self.seen_shapes().items()}

    def model_paths(self) -> dict[str, Path]:
        return {role: r.path for role, r in self.runners.items()}


def _resize_round32(img: np.ndarray, ratio: float) -> tuple[np.ndarray, float, float]:
    """Resizes by `ratio` with both sides rounded to multiples of 32 (at least 32)."""
    h, w = img.shape[:2]
    new_h = max(32, int(round(int(h * ratio) / 32) * 32))
    new_w = max(32, int(round(int(w * ratio) / 32) * 32))
    resized = cv2.resize(img, (new_w, new_h))
    return resized, w / new_w, h / new_h
