"""Which engines accuracy.py runs, and one engine's pass over one subset in its own process.

An engine is `ours:CONFIG[:PACK]` (desktop_ocr with a config, settings laid over it with
`--set`), or a peer by name (see peer_envs.py), each optionally labelled `LABEL=...`.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.compare_reference import CLEAN_ENV, REPO, RUNNER, Runner
from benchmarks.peer_envs import PEERS, peer_python

BASELINE = "rapidocr-3.10.0"


@dataclass(frozen=True)
class EngineSpec:
    label: str
    kind: str  # "ours", or a peer's name
    config: str | None = None
    pack: str | None = None
    settings: tuple[str, ...] = ()  # KEY=VALUE laid over the config

    @property
    def is_peer(self) -> bool:
        return self.kind != "ours"

    def describe(self) -> str:
        if self.is_peer:
            return self.kind
        text = f"ours:{self.config or 'configs/config.yaml'}"
        text += f":{self.pack}" if self.pack else ""
        return text + "".join(f" {s}" for s in self.settings)


def parse_engines(items: list[str], settings: list[str]) -> list[EngineSpec]:
    """Engine specs from `--engines` items and `--set [LABEL:]KEY=VALUE` settings.

    A setting without a label applies to every `ours` engine. Raises ValueError with the
    reason for an unknown engine, a repeated label or a setting for no engine.
    """
    specs: list[EngineSpec] = []
    for item in (i.strip() for i in items if i.strip()):
        label, sep, body = item.partition("=")
        if not sep or ":" in label:
            label, body = "", item
        if body == "ours" or body.startswith("ours:"):
            config, _, pack = body[5:].partition(":") if body != "ours" else ("", "", "")
            default = f"ours:{Path(config).name if config else 'config.yaml'}"
            default += f":{pack}" if pack else ""
            specs.append(EngineSpec(label or default, "ours", config or None, pack or None))
        elif body in PEERS:
            specs.append(EngineSpec(label or body, body))
        else:
            raise ValueError(
                f"unknown engine {body!r}: use ours:CONFIG[:PACK] or one of {', '.join(PEERS)}"
            )
    labels = [s.label for s in specs]
    if len(set(labels)) != len(labels):
        raise ValueError(f"engine labels must differ: {labels} (name them LABEL=ENGINE)")
    extra: dict[str, list[str]] = {s.label: [] for s in specs}
    for setting in settings:
        head, sep, _value = setting.partition("=")
        if not sep:
            raise ValueError(f"--set {setting!r} is not [LABEL:]KEY=VALUE")
        target, colon, _key = head.partition(":")
        if colon:
            if target not in extra or specs[labels.index(target)].is_peer:
                raise ValueError(f"--set {setting!r}: no ours engine is labelled {target!r}")
            extra[target].append(setting[len(target) + 1 :])
        else:
            for spec in specs:
                if not spec.is_peer:
                    extra[spec.label].append(setting)
    return [EngineSpec(s.label, s.kind, s.config, s.pack, tuple(extra[s.label])) for s in specs]


@dataclass
class SubsetRun:
    """One engine over one subset: predictions in score.py's form, and times."""

    predictions: dict[str, dict[str, Any]]
    process_s: float  # the runner process, start to exit: imports and model loading included
    load_s: float
    info: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    cached: bool = False


class EngineProcesses:
    """Starts each engine's runner process with the right interpreter and arguments."""

    def __init__(self, peer_pythons: dict[str, Path]) -> None:
        self.peer_pythons = dict(peer_pythons)

    def python(self, spec: EngineSpec) -> Path:
        if not spec.is_peer:
            return Path(sys.executable)
        if spec.kind not in self.peer_pythons:
            self.peer_pythons[spec.kind] = peer_python(spec.kind, CLEAN_ENV)
        return self.peer_pythons[spec.kind]

    def argv(self, spec: EngineSpec) -> list[str]:
        engine = PEERS[spec.kind].runner_engine if spec.is_peer else "ours"
        argv = [str(self.python(spec)), str(RUNNER), "--engine", engine]
        if spec.config:
            argv += ["--config", str(Path(spec.config).resolve())]
        if spec.pack:
            argv += ["--pack", spec.pack]
        for setting in spec.settings:
            argv += ["--set", setting]
        return argv

    def env(self, spec: EngineSpec) -> dict[str, str]:
        if spec.is_peer:
            return {k: v for k, v in CLEAN_ENV.items() if k != "PYTHONPATH"}
        return dict(CLEAN_ENV, PYTHONPATH=str(REPO))

    def run(
        self, spec: EngineSpec, images: list[tuple[str, Path]], use_det: bool, progress: str
    ) -> SubsetRun:
        """Starts the engine, reads every image once, stops it; times the whole process."""
        argv, env = self.argv(spec), self.env(spec)
        started = time.perf_counter()
        runner = Runner(spec.label, argv, env)
        predictions: dict[str, dict[str, Any]] = {}
        errors: dict[str, str] = {}
        try:
            for i, (name, path) in enumerate(images, 1):
                answer = runner.run(path, use_det=use_det)
                if answer["error"]:
                    errors[name] = answer["error"]
                predictions[name] = to_prediction(answer)
                print(
                    f"\r{progress} {spec.label}: {i}/{len(images)}",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )
        finally:
            runner.close()
        process_s = time.perf_counter() - started
        print(file=sys.stderr)
        return SubsetRun(
            predictions, process_s, float(runner.info.get("load_s", 0.0)), runner.info, errors
        )


def to_prediction(answer: dict[str, Any]) -> dict[str, Any]:
    """A runner's answer in score.py's form; boxes only where every line has one."""
    lines = answer.get("lines") or []
    boxes = [line["box"] for line in lines]
    runs = answer.get("runs_ms") or []
    out: dict[str, Any] = {
        "boxes": boxes if boxes and all(b is not None for b in boxes) else [],
        "texts": [line["text"] for line in lines],
        "scores": [line["score"] for line in lines],
        "elapsed_s": round(min(runs) / 1000, 4) if runs else 0.0,
    }
    if answer.get("error"):
        out["error"] = answer["error"]
    return out
