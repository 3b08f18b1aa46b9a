"""Loads one OCR engine once, then times images on request: one JSON line in, one out.

Run by compare_reference.py, once in the project's environment (`--engine ours`) and once
in the reference's own environment (`--engine rapidocr`, rapidocr_onnxruntime 1.4.4 with
the CPU onnxruntime, which must never share an environment with onnxruntime-gpu). It
imports nothing from the project unless asked for `ours`, so it runs in either.

Protocol on stdin/stdout, one JSON object per line:
  -> {"op": "run", "path": "...", "repeat": 3}
  <- {"event": "result", "path": "...", "runs_ms": [...], "lines": [{"text", "score"}],
      "error": null}
  -> {"op": "quit"}
The first line out is {"event": "ready", "engine", "versions", "load_s", "providers"}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from importlib import metadata
from typing import Any

Lines = list[dict[str, Any]]


def _versions(*names: str) -> dict[str, str]:
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def load_ours(config: str | None) -> tuple[Callable[[str], Lines], dict[str, Any]]:
    from desktop_ocr import __version__
    from desktop_ocr.engine import OcrEngine, load_config

    engine = OcrEngine(load_config(config))

    def run(path: str) -> Lines:
        result = engine(path)
        return [{"text": line.text, "score": round(line.score, 5)} for line in result.lines]

    info = {
        "engine": "desktop_ocr",
        "config": engine.config.source,
        "versions": {
            "desktop-ocr": __version__,
            **_versions("onnxruntime-gpu", "onnxruntime", "numpy"),
        },
        "providers": list(engine.providers.granted),
    }
    return run, info


def load_rapidocr() -> tuple[Callable[[str], Lines], dict[str, Any]]:
    from rapidocr_onnxruntime import RapidOCR

    engine = RapidOCR()

    def run(path: str) -> Lines:
        result, _elapse = engine(path)
        return [
            {"text": text, "score": round(float(score), 5)} for _box, text, score in result or []
        ]

    import onnxruntime

    info = {
        "engine": "rapidocr_onnxruntime",
        "config": "package defaults",
        "versions": _versions("rapidocr_onnxruntime", "onnxruntime", "numpy"),
        "providers": list(onnxruntime.get_available_providers()),
    }
    return run, info


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("ours", "rapidocr"), required=True)
    parser.add_argument("--config", help="our engine's config (default: configs/config.yaml)")
    args = parser.parse_args()

    # Protocol lines go to the real stdout; anything an engine prints goes to stderr.
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def say(message: dict[str, Any]) -> None:
        protocol.write(json.dumps(message, ensure_ascii=False) + "\n")
        protocol.flush()

    started = time.perf_counter()
    run, info = load_ours(args.config) if args.engine == "ours" else load_rapidocr()
    say({"event": "ready", "load_s": round(time.perf_counter() - started, 3), **info})

    for raw in sys.stdin:
        request = json.loads(raw)
        if request.get("op") == "quit":
            break
        path = request["path"]
        runs_ms: list[float] = []
        lines: Lines = []
        error = None
        try:
            for _ in range(int(request.get("repeat", 1))):
                begin = time.perf_counter()
                lines = run(path)
                runs_ms.append((time.perf_counter() - begin) * 1000)
        except Exception as exc:  # noqa: BLE001 - the driver records it for this image
            error = f"{type(exc).__name__}: {exc}"
        say({"event": "result", "path": path, "runs_ms": runs_ms, "lines": lines, "error": error})
    return 0


if __name__ == "__main__":
    sys.exit(main())
