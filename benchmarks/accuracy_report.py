"""Scores accuracy.py's predictions with score.py and writes the tables.

score.py is the one scorer every engine is held to; it is loaded from its file (it is not
a package), and its own numbers are reported unchanged.
"""

from __future__ import annotations

import importlib.util
import statistics
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks.accuracy_engines import BASELINE, SubsetRun


class ScorerError(RuntimeError):
    """score.py is missing or cannot be loaded; the message says what to do."""


def load_scorer(path: Path) -> ModuleType:
    if not path.is_file():
        raise ScorerError(
            f"the scorer {path} does not exist: pass --scorer PATH to score.py "
            "(../shared/tools/score.py in the shared checkout)"
        )
    spec = importlib.util.spec_from_file_location("ocr_score", path)
    if spec is None or spec.loader is None:
        raise ScorerError(f"{path} cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SystemExit as exc:  # score.py exits when shapely is missing
        raise ScorerError(
            f"{path}: {exc} (shapely is in the dev extra: pip install -e .[dev])"
        ) from None
    for name in ("score_det", "score_rec"):
        if not hasattr(module, name):
            raise ScorerError(f"{path} has no {name}(): is it the OCR scorer?")
    return module


@dataclass(frozen=True)
class Subset:
    name: str
    kind: str  # "det" (gt.json) or "rec" (labels.json)
    folder: Path
    truth: dict[str, Any]  # gt.json or labels.json, limited to the images run

    @property
    def use_det(self) -> bool:
        return self.kind == "det"

    def images(self) -> list[tuple[str, Path]]:
        return [(name, self.folder / name) for name in self.truth]

    def units(self) -> int:
        if self.kind == "rec":
            return len(self.truth)
        return sum(1 for boxes in self.truth.values() for b in boxes if not b.get("ignore"))


def score(scorer: ModuleType, subset: Subset, run: SubsetRun) -> dict[str, Any]:
    """score.py's metrics for one engine on one subset, with the times beside them."""
    if subset.kind == "det":
        metrics = scorer.score_det(subset.truth, run.predictions)
    else:
        metrics = scorer.score_rec(subset.truth, run.predictions)
    times = [p.get("elapsed_s", 0.0) for p in run.predictions.values()]
    return {
        **metrics["all"],
        "groups": {k: v for k, v in metrics.items() if k != "all"},
        "per_image_s": statistics.fmean(times) if times else 0.0,
        "per_image_median_s": statistics.median(times) if times else 0.0,
        "process_s": run.process_s,
        "load_s": run.load_s,
        "errors": len(run.errors),
        "cached": run.cached,
    }


def add_ratios(rows: dict[str, dict[str, Any]]) -> None:
    """Time relative to the rapidocr 3.10.0 row of the same subset (same run)."""
    base = rows.get(BASELINE)
    for row in rows.values():
        for key, ratio in (("process_s", "process_ratio"), ("per_image_s", "per_image_ratio")):
            row[ratio] = row[key] / base[key] if base and base[key] else None


def _f(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def markdown(header: dict[str, Any], results: dict[str, dict[str, Any]]) -> str:
    out = [
        "# Accuracy and time on labelled images",
        "",
        f"Command: `{header['command']}`",
        "",
        f"Measured {header['date']} on {header['cpu']} ({header['cores']} cores), "
        f"{header['os']}, Python {header['python']}. Each engine runs as its own process per "
        "subset over all its images; the subsets are run one after another, the engines in "
        "turn, a different engine first each time.",
        "",
        "- **det P / R / H**: detection precision, recall, H-mean (ICDAR 2015: IoU > 0.5, "
        "one-to-one). **e2e**: share of truth lines (words in scene_en) found by a box with "
        "IoU > 0.5 and the same text, ignoring case, spaces and punctuation; **strict**: the "
        "same with case, punctuation and spaces between Latin words as a user copies them.",
        "- **exact** (recognition only): whole-line exact match; **norm**: ignoring case and "
        "spaces; **1-NED**: 1 - normalised edit distance.",
        "- **s/img**: mean wall time of one read, image decoding included; **process s**: the "
        f"engine's process over the whole subset, start to exit (imports, model loading); "
        f"**/ 3.10**: ratios to the {BASELINE} row.",
        "",
    ]
    if header.get("partial"):
        out += [f"**Partial run** ({header['partial']}): not for comparison.", ""]
    for label, engine in header["engines"].items():
        out.append(f"- `{label}`: {engine}")
    out.append("")
    for name, subset in results.items():
        rows = subset["engines"]
        out += [
            f"## {name} ({subset['images']} images, {subset['units']} "
            f"{'lines' if subset['kind'] == 'rec' else 'truth boxes'})",
            "",
        ]
        if subset["kind"] == "det":
            out += [
                "| engine | det P | det R | det H | e2e | strict | s/img | process s "
                "| s/img / 3.10 | process / 3.10 |",
                "|---|---|---|---|---|---|---|---|---|---|",
            ]
            for label, r in rows.items():
                out.append(
                    f"| {label}{_flags(r)} | {_f(r['det_precision'])} | {_f(r['det_recall'])} "
                    f"| {_f(r['det_hmean'])} | {_f(r['e2e_recall'])} "
                    f"| {_f(r['e2e_recall_strict'])} | {_f(r['per_image_s'])} "
                    f"| {_f(r['process_s'], 1)} | {_f(r['per_image_ratio'], 2)} "
                    f"| {_f(r['process_ratio'], 2)} |"
                )
        else:
            out += [
                "| engine | exact | norm | no punct | 1-NED | s/img | process s "
                "| s/img / 3.10 | process / 3.10 |",
                "|---|---|---|---|---|---|---|---|---|",
            ]
            for label, r in rows.items():
                out.append(
                    f"| {label}{_flags(r)} | {_f(r['exact_raw'])} | {_f(r['exact_norm'])} "
                    f"| {_f(r['exact_nopunct'])} | {_f(r['one_minus_ned'])} "
                    f"| {_f(r['per_image_s'])} | {_f(r['process_s'], 1)} "
                    f"| {_f(r['per_image_ratio'], 2)} | {_f(r['process_ratio'], 2)} |"
                )
        out.append("")
    return "\n".join(out)


def _flags(row: dict[str, Any]) -> str:
    flags = []
    if row.get("cached"):
        flags.append("cached")
    if row.get("errors"):
        flags.append(f"{row['errors']} failed")
    return f" ({', '.join(flags)})" if flags else ""
