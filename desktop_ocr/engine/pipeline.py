"""The OCR pipeline: load, detect, classify, recognise, and map boxes back to the image."""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path

import numpy as np

from desktop_ocr.engine.classifier import AngleClassifier
from desktop_ocr.engine.config import EngineConfig, load_config
from desktop_ocr.engine.ctc_decoder import CtcDecoder
from desktop_ocr.engine.cuda_diagnosis import diagnose_cuda_failure
from desktop_ocr.engine.detector import TextDetector
from desktop_ocr.engine.errors import InferenceError
from desktop_ocr.engine.geometry import (
    crop_quad,
    is_vertical_crop,
    margin_share,
    order_lines,
    order_rapidocr,
)
from desktop_ocr.engine.image_loader import ImageInput, LoadedImage, load_image
from desktop_ocr.engine.layout import in_reading_order
from desktop_ocr.engine.model_set import characters, make_runners
from desktop_ocr.engine.prepare import Prepared, prepare_image, to_original
from desktop_ocr.engine.recognizer import TextRecognizer
from desktop_ocr.engine.results import (
    CudaRunFailure,
    OcrResult,
    ProviderReport,
    StageTimings,
    TextLine,
)
from desktop_ocr.engine.sessions import (
    CUDA,
    SessionConstructor,
    SessionFactory,
)
from desktop_ocr.engine.word_boxes import Recognized, line_words, without_margin

logger = logging.getLogger(__name__)

ROLES = ("det", "cls", "rec")


class OcrEngine:
    """Owns the three model sessions; not thread-safe, so give each thread its own.

    `session_factory` stands in for onnxruntime.InferenceSession when sessions must be
    made another way (see sessions.SessionConstructor).

    CUDA granted at start can still fail on a run: cuDNN is loaded at the first
    convolution, the GPU can run out of memory, the driver can reset. Then the engine
    diagnoses the error, rebuilds itself on the CPU once and reads the image again;
    `providers` then says CPU with the diagnosis, `cuda_failure` says when and why, and
    every later result carries a note saying so.
    """

    def __init__(
        self,
        config: EngineConfig | None = None,
        *,
        session_factory: SessionConstructor | None = None,
    ) -> None:
        self.config = config if config is not None else load_config()
        self._session_factory = session_factory
        self.cuda_failure: CudaRunFailure | None = None
        self._cpu_rebuild_tried = False
        self._load(self.config, on_cpu_instead=False)
        if self.config.runtime.warmup and not self.providers.fell_back:
            try:
                self.warmup()
            except InferenceError as exc:
                if not self._fall_back_to_cpu(exc, "during the warm-up"):
                    raise

    def _load(self, config: EngineConfig, *, on_cpu_instead: bool) -> None:
        """Makes the sessions for `config` and the stages that use them."""
        factory = SessionFactory(config, self._session_factory)
        runners = make_runners(factory, config)
        report = factory.report()
        running = self.config
        if report.fell_back or on_cpu_instead:
            # Shape buckets and big padded batches only pay off where cuDNN tunes per
            # shape; on the CPU fallback they would pad every input for nothing.
            running = running.for_cpu()
        det, cls, rec = running.det, running.cls, running.rec
        decoder = CtcDecoder(characters(runners["rec"], self.config))
        self.runners = runners
        self.providers: ProviderReport = report
        self.onnxruntime_messages = tuple(factory.messages)
        self.detector = TextDetector(runners["det"], det)
        self.classifier = AngleClassifier(runners["cls"], cls)
        self.recognizer = TextRecognizer(runners["rec"], rec, decoder)

    def _fall_back_to_cpu(self, exc: InferenceError, during: str) -> bool:
        """Rebuilds the engine on the CPU after CUDA failed on a run; False if it did not.

        Only once, and only for an error that is CUDA's: any other error would fail on
        the CPU as well, and is the caller's to report.
        """
        if self._cpu_rebuild_tried or CUDA not in self.providers.granted:
            return False
        diagnosis = diagnose_cuda_failure(exc.detail, during)
        if diagnosis is None:
            return False
        self._cpu_rebuild_tried = True
        logger.warning("CUDA failed %s; rebuilding the engine on the CPU: %s", during, exc)
        started = time.perf_counter()
        requested = self.providers.requested
        self._load(dataclasses.replace(self.config, device="cpu"), on_cpu_instead=True)
        self.providers = ProviderReport(requested, self.providers.granted, diagnosis)
        self.cuda_failure = CudaRunFailure(
            diagnosis, exc.detail, during, time.perf_counter() - started
        )
        return True

    # -- set-up ---------------------------------------------------------------------------

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
        """OCR of an already decoded image (on the CPU instead, if CUDA fails on it)."""
        try:
            return self._run(loaded, use_det, use_cls, use_rec, load_ms, started)
        except InferenceError as exc:
            if not self._fall_back_to_cpu(exc, f"while reading {loaded.source}"):
                raise
        return self._run(loaded, use_det, use_cls, use_rec, load_ms, started)

    def _run(
        self,
        loaded: LoadedImage,
        use_det: bool | None,
        use_cls: bool | None,
        use_rec: bool | None,
        load_ms: float,
        started: float | None,
    ) -> OcrResult:
        opts = self.config.pipeline
        use_det = opts.use_det if use_det is None else use_det
        use_cls = opts.use_cls if use_cls is None else use_cls
        use_rec = opts.use_rec if use_rec is None else use_rec
        started = time.perf_counter() if started is None else started
        infer_before = self._infer_seconds()
        raw_h, raw_w = loaded.bgr.shape[:2]
        stage = time.perf_counter()

        prepared = prepare_image(loaded.bgr, opts, letterbox=use_det)
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
            margin = self.config.rec.crop_margin
            crops = [crop_quad(prepared.img, box, margin) for box in boxes]
        else:
            h, w = prepared.img.shape[:2]
            boxes = np.array([[[0, 0], [w, 0], [w, h], [0, h]]], dtype=np.float32)
            crops = [prepared.img]
        det_ms = (time.perf_counter() - stage) * 1000

        stage = time.perf_counter()
        cls_results: list[tuple[str, float]] = []
        upright = crops
        if use_cls and crops:
            crops, cls_results = self.classifier(crops)
        cls_ms = (time.perf_counter() - stage) * 1000

        stage = time.perf_counter()
        rec_results: list[Recognized] = []
        if use_rec and crops:
            rec_results = self.recognizer(crops)
            if cls_results:
                self._keep_better_reading(upright, rec_results, cls_results)
            if use_det and self.config.rec.crop_margin > 0:
                rec_results = [
                    without_margin(read, margin_share(box, self.config.rec.crop_margin))
                    for read, box in zip(rec_results, boxes, strict=True)
                ]
        if use_det and not crops and opts.rec_fallback and use_rec:
            boxes, rec_results, cls_results = self._read_whole(prepared, opts.text_score)
        vertical = [use_det and bool(crops) and is_vertical_crop(box) for box in boxes]
        original = to_original(boxes, prepared, raw_w, raw_h)
        lines = self._lines(
            original, rec_results, cls_results, det_scores, use_det, use_rec, vertical
        )
        if opts.reading_order == "layout" and use_det:
            lines = in_reading_order(lines)
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
            notes=loaded.notes + ((self.cuda_failure.note(),) if self.cuda_failure else ()),
            pack=self.config.models.pack,
            config=Path(self.config.source).name if self.config.source else "",
        )

    def _keep_better_reading(
        self,
        upright: list[np.ndarray],
        rec_results: list[Recognized],
        cls_results: list[tuple[str, float]],
    ) -> None:
        """Reads each line the classifier turned over once more as it was, keeps the surer.

        The angle classifier now and then takes a plain line of a page for upside down,
        and the turned line reads as noise; the recogniser's confidence settles it. Turned
        lines are rare, so this costs little. Updates both lists in place.
        """
        turned = [
            i
            for i, (label, score) in enumerate(cls_results)
            if label == "180" and score > self.config.cls.thresh and i < len(rec_results)
        ]
        if not turned:
            return
        again = self.recognizer([upright[i] for i in turned])
        for i, read in zip(turned, again, strict=True):
            if read.score > rec_results[i].score:
                rec_results[i] = read
                cls_results[i] = ("0", cls_results[i][1])

    def _read_whole(
        self,
        prepared: Prepared,
        text_score: float,
    ) -> tuple[np.ndarray, list[Recognized], list[tuple[str, float]]]:
        """Reads a small image as one line when detection found nothing in it."""
        img = prepared.img[prepared.pad_top : prepared.img.shape[0] - prepared.pad_top]
        h, w = img.shape[:2]
        if h > 96 or w < h:
            return np.zeros((0, 4, 2), dtype=np.float32), [], []
        crops, cls_results = self.classifier([img])
        (read,) = self.recognizer(crops)
        if not read.text.strip() or read.score < text_score:
            return np.zeros((0, 4, 2), dtype=np.float32), [], []
        box = np.array([[[0, 0], [w, 0], [w, h], [0, h]]], dtype=np.float32)
        box[:, :, 1] += prepared.pad_top
        return box, [read], cls_results

    def _lines(
        self,
        boxes: np.ndarray,
        rec: list[Recognized],
        cls: list[tuple[str, float]],
        det_scores: np.ndarray | None,
        use_det: bool,
        use_rec: bool,
        vertical: list[bool],
    ) -> list[TextLine]:
        threshold = self.config.pipeline.text_score
        lines = []
        for i, box in enumerate(boxes):
            corners = tuple((float(x), float(y)) for x, y in box)
            angle = 0
            if i < len(cls) and cls[i][0] == "180" and cls[i][1] > self.config.cls.thresh:
                angle = 180
            words: tuple = ()
            chars: tuple = ()
            if use_rec:
                if i >= len(rec):
                    continue
                text, score = rec[i].text, rec[i].score
                if use_det and score < threshold:
                    continue
                words, chars = line_words(
                    corners, rec[i], vertical=vertical[i], flipped=angle == 180
                )
            else:
                text = ""
                score = float(det_scores[i]) if det_scores is not None else 1.0
            lines.append(
                TextLine(corners, text, float(score), angle, words, chars)  # type: ignore[arg-type]
            )
        return lines

    def release_memory(self) -> None:
        """Gives back the buffers the models keep between runs; call it when work runs out.

        The next image read costs a little more (a page: about 0.1 s).
        """
        _, ch, cw = self.classifier.opts.image_shape
        _, rh, _ = self.recognizer.opts.image_shape
        self.runners["det"].release_memory((1, 3, 32, 32))
        self.runners["cls"].release_memory((1, 3, ch, cw))
        self.runners["rec"].release_memory((1, 3, rh, self.recognizer.opts.min_width))

    # -- reporting ------------------------------------------------------------------------

    def _infer_seconds(self) -> float:
        return sum(r.run_seconds for r in self.runners.values())

    def seen_shapes(self) -> dict[str, frozenset[tuple[int, ...]]]:
        """The distinct input shapes each model has been run on (CUDA tunes once per shape)."""
        return {role: frozenset(r.shapes) for role, r in self.runners.items()}

    def input_shapes(self) -> dict[str, int]:
        """How many distinct input shapes each model has seen."""
        return {role: len(shapes) for role, shapes in self.seen_shapes().items()}
