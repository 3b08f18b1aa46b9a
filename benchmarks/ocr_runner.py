"""Loads one OCR engine once, then reads images on request: one JSON line in, one out.

Run by compare_reference.py and accuracy.py, once per engine, each in its own
environment: `--engine ours` in the project's, `--engine rapidocr` (rapidocr_onnxruntime
1.4.4) and `--engine rapidocr3` (rapidocr 3.x) in their own, with the CPU onnxruntime,
which must never share an environment with onnxruntime-gpu. It imports nothing from the
project unless asked for `ours`, so it runs in any of them.

Protocol on stdin/stdout, one JSON object per line:
  -> {"op": "run", "path": "...", "repeat": 3, "use_det": true}
  <- {"event": "result", "path": "...", "runs_ms": [...],
      "lines": [{"box": [[x, y] x4] or null, "text", "score"}], "error": null}
  -> {"op": "quit"}
The first line out is {"event": "ready", "engine", "config", "versions", "load_s",
"providers"}. `use_det: false` reads the whole image as one line (recognition only).

    python benchmarks/ocr_runner.py --engine ours [--config FILE] [--set det.thresh=0.2 ...]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from collections.abc import Callable
from importlib import metadata
from typing import Any

Lines = list[dict[str, Any]]
Run = Callable[[str, bool], Lines]


def _versions(*names: str) -> dict[str, str]:
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def _box(points: Any) -> list[list[float]] | None:
    if points is None:
        return None
    return [[round(float(x), 1), round(float(y), 1)] for x, y in points]


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """`det.thresh=0.2`-style settings to the nested mapping load_config() lays over a
    config; values are read as YAML, so numbers, booleans and lists keep their types."""
    import yaml  # here, not at the top: the peers' environments need not have it

    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{pair!r} is not KEY=VALUE")
        node = out
        *parents, leaf = key.strip().split(".")
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"{key} sets both a value and a key below it")
        node[leaf] = yaml.safe_load(raw) if raw.strip() else raw
    return out


def load_ours(
    config: str | None, overrides: dict[str, Any] | None = None, pack: str | None = None
) -> tuple[Run, dict[str, Any]]:
    from desktop_ocr import __version__
    from desktop_ocr.engine import OcrEngine, load_config
    from desktop_ocr.engine.config import ModelFiles

    overrides = dict(overrides or {})
    if pack:
        if "pack" not in {f.name for f in dataclasses.fields(ModelFiles)}:
            raise SystemExit(f"this desktop_ocr has no model packs; cannot use pack {pack!r}")
        overrides.setdefault("models", {})["pack"] = pack
    engine = OcrEngine(load_config(config, overrides or None))

    def run(path: str, use_det: bool) -> Lines:
        result = engine(path, use_det=use_det)
        return [
            {"box": _box(line.box), "text": line.text, "score": round(line.score, 5)}
            for line in result.lines
        ]

    info = {
        "engine": "desktop_ocr",
        "config": engine.config.source,
        "overrides": overrides,
        "models": {role: str(runner.path) for role, runner in engine.runners.items()},
        "versions": {
            "desktop-ocr": __version__,
            **_versions("onnxruntime-gpu", "onnxruntime", "numpy"),
        },
        "providers": list(engine.providers.granted),
    }
    return run, info


def load_rapidocr() -> tuple[Run, dict[str, Any]]:
    from rapidocr_onnxruntime import RapidOCR

    engine = RapidOCR()

    def run(path: str, use_det: bool) -> Lines:
        result, _elapse = engine(path, use_det=use_det)
        if not use_det:
            return [{"box": None, "text": t, "score": round(float(s), 5)} for t, s in result or []]
        return [
            {"box": _box(box), "text": text, "score": round(float(score), 5)}
            for box, text, score in result or []
        ]

    import onnxruntime

    info = {
        "engine": "rapidocr_onnxruntime",
        "config": "package defaults",
        "versions": _versions("rapidocr_onnxruntime", "onnxruntime", "numpy"),
        "providers": list(onnxruntime.get_available_providers()),
    }
    return run, info


def load_rapidocr3() -> tuple[Run, dict[str, Any]]:
    from rapidocr import RapidOCR

    engine = RapidOCR(params={"Global.log_level": "warning"})  # defaults, less chatter

    def run(path: str, use_det: bool) -> Lines:
        out = engine(path, use_det=use_det)
        texts = getattr(out, "txts", None) or ()
        scores = getattr(out, "scores", None) or ()
        boxes = getattr(out, "boxes", None) if use_det else None
        if boxes is None:
            boxes = [None] * len(texts)
        return [
            {"box": _box(box), "text": text, "score": round(float(score), 5)}
            for box, text, score in zip(boxes, texts, scores, strict=False)
        ]

    import onnxruntime

    info = {
        "engine": "rapidocr",
        "config": "package defaults",
        "versions": _versions("rapidocr", "onnxruntime", "numpy"),
        "providers": list(onnxruntime.get_available_providers()),
    }
    return run, info


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("ours", "rapidocr", "rapidocr3"), required=True)
    parser.add_argument("--config", help="our engine's config (default: configs/config.yaml)")
    parser.add_argument("--pack", help="our engine's model pack")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a dotted config key laid over our config, e.g. det.limit_side_len=736",
    )
    args = parser.parse_args()

    # Protocol lines go to the real stdout; anything an engine prints goes to stderr.
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def say(message: dict[str, Any]) -> None:
        protocol.write(json.dumps(message, ensure_ascii=False) + "\n")
        protocol.flush()

    started = time.perf_counter()
    if args.engine == "ours":
        run, info = load_ours(args.config, parse_overrides(args.set), args.pack)
    elif args.engine == "rapidocr3":
        run, info = load_rapidocr3()
    else:
        run, info = load_rapidocr()
    say({"event": "ready", "load_s": round(time.perf_counter() - started, 3), **info})

    for raw in sys.stdin:
        request = json.loads(raw)
        if request.get("op") == "quit":
            break
        path = request["path"]
        use_det = bool(request.get("use_det", True))
        runs_ms: list[float] = []
        lines: Lines = []
        error = None
        try:
            for _ in range(int(request.get("repeat", 1))):
                begin = time.perf_counter()
                lines = run(path, use_det)
                runs_ms.append((time.perf_counter() - begin) * 1000)
        except Exception as exc:  # noqa: BLE001 - the driver records it for this image
            error = f"{type(exc).__name__}: {exc}"
        say({"event": "result", "path": path, "runs_ms": runs_ms, "lines": lines, "error": error})
    return 0


if __name__ == "__main__":
    sys.exit(main())
