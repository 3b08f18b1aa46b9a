"""The error types the engine raises, so callers can tell a user what went wrong."""

from __future__ import annotations

from pathlib import Path

from desktop_ocr.i18n import Msg


class OcrError(Exception):
    """Base of every error the engine raises on purpose."""


class ImageLoadError(OcrError):
    """An input could not be turned into an image; names the source and the reason."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ConfigError(OcrError):
    """A config file or value is invalid; names the file and the key."""

    def __init__(self, source: str | Path | None, key: str | None, reason: str) -> None:
        where = str(source) if source else "<config>"
        if key:
            where = f"{where}: {key}"
        super().__init__(f"{where}: {reason}")
        self.source = str(source) if source else None
        self.key = key
        self.reason = reason


class ModelLoadError(OcrError):
    """A model file is missing or unusable; says which file and how to fix it."""

    def __init__(self, model: str, reason: str, fix: str) -> None:
        super().__init__(Msg("model {model}: {reason}. {fix}", model=model, reason=reason, fix=fix))
        self.model = model
        self.reason = reason
        self.fix = fix


class InferenceError(OcrError):
    """onnxruntime failed while running a model on an input; `detail` is its own message."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail or message
