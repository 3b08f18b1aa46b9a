"""Times desktop_ocr against rapidocr_onnxruntime 1.4.4 over one folder, in one run.

Each engine runs in its own process (ocr_runner.py), ours in this environment and the
reference in its own virtual environment with the CPU onnxruntime (the two onnxruntime
packages cannot share one). Both load once and warm up; then every image is timed
--repeat times per engine, the two engines taking turns image by image and swapping who
goes first, so that drift on a busy machine falls on both alike. The time is the wall
time of one `engine(path)` call, image decoding included, as a user of either gets it.

Speed is never quoted without accuracy: the same run checks both engines' text against
the folder's labels.json and counts the images where they read the same lines.

    python benchmarks/compare_reference.py [FOLDER] [--repeat 5] [--ref-python PATH]
        [--config configs/config.yaml] [--out results.md|results.json]

Without --ref-python it makes .venv-ref/ beside the project (ignored by git) and installs
rapidocr_onnxruntime==1.4.4 there with pip.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(REPO))
from benchmarks.peer_envs import ensure_python  # noqa: E402

RUNNER = Path(__file__).resolve().parent / "ocr_runner.py"
REF_PACKAGE = "rapidocr_onnxruntime==1.4.4"
DEFAULT_FOLDER = Path(
    os.environ.get("DESKTOP_OCR_SAMPLES", REPO.parent / "shared" / "data" / "samples")
)
# The environment before anything is imported: opencv changes LD_LIBRARY_PATH and Qt
# variables on import, and the reference's process must not inherit those.
CLEAN_ENV = dict(os.environ)


@dataclass
class ImageResult:
    name: str
    runs_ms: dict[str, list[float]] = field(default_factory=lambda: {"ours": [], "ref": []})
    lines: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def median(self, who: str) -> float | None:
        runs = self.runs_ms[who]
        return statistics.median(runs) if runs else None


class Runner:
    """One engine in its own process, answering one request at a time."""

    def __init__(self, who: str, argv: list[str], env: dict[str, str]) -> None:
        self.who = who
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=REPO,
        )
        self.info = self._read()

    def run(self, path: Path, repeat: int = 1, use_det: bool = True) -> dict[str, Any]:
        assert self.proc.stdin is not None
        request = {"op": "run", "path": str(path), "repeat": repeat, "use_det": use_det}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
        self._stderr.close()

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self._stderr.seek(0)
            said = self._stderr.read().decode("utf-8", "replace").strip().splitlines()[-15:]
            raise RuntimeError(f"the {self.who} runner stopped:\n" + "\n".join(said))
        return json.loads(line)


def ensure_ref_python(venv: Path) -> Path:
    """The reference's interpreter, making the environment and installing it if needed."""
    return ensure_python(venv, (REF_PACKAGE,), "rapidocr_onnxruntime", CLEAN_ENV)


def label_checks(spec: dict[str, Any], texts: list[str]) -> list[tuple[str, bool]]:
    """The expectations in labels.json that a full-pipeline result can be held to.

    Word-crop labels ("text") count when one line reads the word, ignoring case (the
    documented predictions are lower-cased). Expectations about other modes (rec_only,
    cls_only) or per-character boxes do not apply to this run.
    """
    checks = []
    for key, expected in spec.items():
        if key == "first_line":
            ok = bool(texts) and texts[0] == expected
        elif key == "first_line_casefold":
            ok = bool(texts) and texts[0].casefold() == str(expected).casefold()
        elif key == "n_lines":
            ok = len(texts) == expected
        elif key == "no_text":
            ok = texts == []
        elif key == "text":
            ok = any(t.casefold() == str(expected).casefold() for t in texts)
        else:
            continue
        checks.append((key, ok))
    return checks


def measure(
    ours: Runner, ref: Runner, images: list[tuple[Path, str]], repeat: int, warmup: int
) -> list[ImageResult]:
    for path, _name in images[:warmup]:
        ours.run(path)
        ref.run(path)
    results = [ImageResult(name) for _path, name in images]
    total = repeat * len(images)
    step = 0
    for round_ in range(repeat):
        for i, (path, name) in enumerate(images):
            order = [("ours", ours), ("ref", ref)]
            if (round_ + i) % 2:
                order.reverse()
            for who, runner in order:
                answer = runner.run(path)
                item = results[i]
                if answer["error"]:
                    item.errors[who] = answer["error"]
                else:
                    item.runs_ms[who].extend(answer["runs_ms"])
                    item.lines[who] = [line["text"] for line in answer["lines"]]
            step += 1
            print(f"\r{step}/{total} {name[:50]:50s}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return results


def summarise(results: list[ImageResult], labels: dict[str, Any]) -> dict[str, Any]:
    both = [r for r in results if r.median("ours") is not None and r.median("ref") is not None]
    ours_ms = [r.median("ours") for r in both]
    ref_ms = [r.median("ref") for r in both]
    ratios = [o / f for o, f in zip(ours_ms, ref_ms, strict=True) if f]
    checks: dict[str, list[bool]] = {"ours": [], "ref": []}
    for r in results:
        if r.name in labels:
            for who in ("ours", "ref"):
                if who in r.lines:
                    checks[who] += [ok for _k, ok in label_checks(labels[r.name], r.lines[who])]
    same = sum(
        1 for r in results if "ours" in r.lines and r.lines.get("ours") == r.lines.get("ref")
    )
    median_ours, median_ref = statistics.median(ours_ms), statistics.median(ref_ms)
    return {
        "images": len(results),
        "timed_by_both": len(both),
        "median_ms": {"ours": median_ours, "ref": median_ref},
        "median_ratio": median_ours / median_ref,
        "total_s": {"ours": sum(ours_ms) / 1000, "ref": sum(ref_ms) / 1000},
        "total_ratio": sum(ours_ms) / sum(ref_ms),
        "geomean_ratio": math.exp(statistics.fmean(math.log(x) for x in ratios)),
        "labels": {who: [sum(v), len(v)] for who, v in checks.items()},
        "same_lines": same,
        "errors": {r.name: r.errors for r in results if r.errors},
    }


def to_markdown(
    summary: dict[str, Any],
    results: list[ImageResult],
    labels: dict[str, Any],
    header: dict[str, Any],
) -> str:
    s = summary
    out = [
        "# desktop_ocr vs rapidocr_onnxruntime 1.4.4",
        "",
        f"{s['images']} images in `{header['folder']}`; {header['repeat']} timed runs per image "
        f"and engine, taking turns; {header['warmup']} warm-up images. Time: wall time of one "
        "`engine(path)` call, image decoding included; per image the median of its runs.",
        "",
        f"- machine: {header['cpu']} ({header['cores']} cores), {header['os']}, "
        f"Python {header['python']}",
        f"- ours: {header['ours']['config']}, {_versions(header['ours'])}, "
        f"providers {', '.join(header['ours']['providers'])}",
        f"- reference: {header['ref']['config']}, {_versions(header['ref'])}",
        "",
        "| | ours | reference | ours / reference |",
        "|---|---|---|---|",
        f"| median per image (ms) | {s['median_ms']['ours']:.1f} | {s['median_ms']['ref']:.1f} "
        f"| {s['median_ratio']:.2f} |",
        f"| total of the per-image medians (s) | {s['total_s']['ours']:.2f} "
        f"| {s['total_s']['ref']:.2f} | {s['total_ratio']:.2f} |",
        f"| geometric mean of per-image ratios | | | {s['geomean_ratio']:.2f} |",
        f"| labels.json expectations met | {_frac(s['labels']['ours'])} "
        f"| {_frac(s['labels']['ref'])} | |",
        f"| images with the same lines as the reference | {s['same_lines']}/{s['images']} | | |",
        "",
        "## Per image",
        "",
        "| image | ours ms | reference ms | ratio | ours lines | reference lines | same text "
        "| labels ours | labels reference |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        o, f = r.median("ours"), r.median("ref")
        ratio = f"{o / f:.2f}" if o is not None and f else "—"
        checks = {
            who: label_checks(labels.get(r.name, {}), r.lines.get(who, []))
            for who in ("ours", "ref")
        }
        out.append(
            f"| {r.name} | {_ms(o)} | {_ms(f)} | {ratio} | {len(r.lines.get('ours', []))} "
            f"| {len(r.lines.get('ref', []))} "
            f"| {'yes' if r.lines.get('ours') == r.lines.get('ref') else 'no'} "
            f"| {_checks(checks['ours'])} | {_checks(checks['ref'])} |"
        )
    for name, errors in s["errors"].items():
        out.append(f"\nFailed on {name}: {errors}")
    return "\n".join(out) + "\n"


def _versions(info: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in info["versions"].items())


def _frac(pair: list[int]) -> str:
    return f"{pair[0]}/{pair[1]}"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _checks(checks: list[tuple[str, bool]]) -> str:
    return " ".join(f"{k} {'ok' if ok else 'MISS'}" for k, ok in checks) or ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per image and engine")
    parser.add_argument("--warmup", type=int, default=3, help="untimed images first")
    parser.add_argument("--config", help="our engine's config (default: configs/config.yaml)")
    parser.add_argument(
        "--ref-python",
        type=Path,
        help=f"python of an environment with the reference ({REF_PACKAGE} and the CPU onnxruntime)",
    )
    parser.add_argument(
        "--ref-venv",
        type=Path,
        default=REPO / ".venv-ref",
        help="where to make that environment when --ref-python is not given",
    )
    parser.add_argument("--labels", type=Path, help="labels.json (default: FOLDER/labels.json)")
    parser.add_argument("--out", type=Path, help="also write the results to a .md or .json file")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))  # run from a checkout without installing it
    from desktop_ocr.services.discovery import expand_paths
    from desktop_ocr.services.machine_info import machine_info

    folder = args.folder.resolve()
    if not folder.is_dir():
        parser.error(f"{folder} is not a folder")
    found = expand_paths([folder])
    images = [(p, p.relative_to(folder).as_posix()) for p in found.files]
    if not images:
        parser.error(f"no images in {folder}")
    labels_path = args.labels or folder / "labels.json"
    labels = json.loads(labels_path.read_text(encoding="utf-8")) if labels_path.is_file() else {}
    ref_python = args.ref_python or ensure_ref_python(args.ref_venv)

    ours_argv = [sys.executable, str(RUNNER), "--engine", "ours"]
    if args.config:
        ours_argv += ["--config", str(Path(args.config).resolve())]
    ours_env = dict(CLEAN_ENV, PYTHONPATH=str(REPO))
    ref_env = {k: v for k, v in CLEAN_ENV.items() if k != "PYTHONPATH"}
    ours = Runner("ours", ours_argv, ours_env)
    try:
        ref = Runner("reference", [str(ref_python), str(RUNNER), "--engine", "rapidocr"], ref_env)
    except BaseException:
        ours.close()
        raise
    try:
        results = measure(ours, ref, images, args.repeat, args.warmup)
    finally:
        ours.close()
        ref.close()

    info = machine_info()
    header = {
        "folder": str(folder),
        "repeat": args.repeat,
        "warmup": args.warmup,
        "cpu": info.cpu,
        "cores": info.cpu_cores,
        "os": info.os,
        "python": info.python,
        "ours": ours.info,
        "ref": ref.info,
    }
    if not any(r.median("ours") is not None and r.median("ref") is not None for r in results):
        print(f"no image was read by both engines: {[r.errors for r in results]}", file=sys.stderr)
        return 1
    summary = summarise(results, labels)
    text = to_markdown(summary, results, labels, header)
    print(text)
    if args.out:
        if args.out.suffix.lower() == ".json":
            data = {
                "header": header,
                "summary": summary,
                "images": [
                    {"name": r.name, "runs_ms": r.runs_ms, "lines": r.lines, "errors": r.errors}
                    for r in results
                ],
            }
            args.out.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        else:
            args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
