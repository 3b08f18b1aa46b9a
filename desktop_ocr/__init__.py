"""Offline desktop OCR built on PP-OCR models and onnxruntime."""

__version__ = "0.1.0"
