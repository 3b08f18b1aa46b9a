"""The OCR engine: PP-OCR detection, angle classification and recognition on onnxruntime.

Nothing here imports Tk: the CLI, the benchmark, the GUI's worker and the tests all
use it the same way.
"""

from desktop_ocr.engine.config import EngineConfig, load_config
from desktop_ocr.engine.errors import ConfigError, ImageLoadError, ModelLoadError, OcrError
from desktop_ocr.engine.image_loader import IMAGE_SUFFIXES, LoadedImage, load_image
from desktop_ocr.engine.pipeline import OcrEngine
from desktop_ocr.engine.results import (
    CudaDiagnosis,
    OcrResult,
    ProviderReport,
    StageTimings,
    TextLine,
)

__all__ = [
    "IMAGE_SUFFIXES",
    "ConfigError",
    "CudaDiagnosis",
    "EngineConfig",
    "ImageLoadError",
    "LoadedImage",
    "ModelLoadError",
    "OcrEngine",
    "OcrError",
    "OcrResult",
    "ProviderReport",
    "StageTimings",
    "TextLine",
    "load_config",
    "load_image",
]
