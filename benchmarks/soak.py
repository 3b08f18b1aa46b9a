"""A soak of the real window: thousands of images, with cancels, settings changes and bad files.

Opens the window (under Xvfb when no DISPLAY is set) and keeps its worker fed with copies
of the small samples, added as a user adds files, in batches. At random points it
presses Cancel, changes the settings in the Settings dialog (device CPU or CUDA, CPU
threads, and the model pack where the build has packs; Apply rebuilds the engine) or
clears the finished rows. A few inputs are broken: empty, truncated, not an image, or
deleted after they were queued. Every worker event is recorded, and the resident memory
is read as images finish.

It checks what a user relies on: the app does not crash, every queued image ends in
exactly one final state (done, failed or cancelled), none is lost, a good image is
never failed, each result belongs to its file and reads the same as the other copies
of that file, and memory stays flat.

    .venv/bin/python benchmarks/soak.py [--images 5000] [--seed 1] [--json out.json]
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.memory_soak import rss_mb

REPO = Path(__file__).resolve().parent.parent
SAMPLES = Path(os.environ.get("DESKTOP_OCR_SAMPLES", REPO.parent / "shared" / "data" / "samples"))
# Small samples, about 20 to 500 ms each on one CPU core, so thousands run in minutes.
SOAK_SAMPLES = (
    "mmocr_rec/1036169.jpg",
    "mmocr_rec/1058892.jpg",
    "mmocr_rec/1210236.jpg",
    "mmocr_rec/1223733.jpg",
    "mmocr_rec/1240078.jpg",
    "paddleocr/imgs_words__ch__word_4.jpg",
    "paddleocr/imgs_words__en__word_1.png",
    "paddleocr/imgs_words_en__word_336.png",
    "rapidocr/short.png",
    "rapidocr/text_rec.jpg",
    "rapidocr/text_cls.jpg",
    "rapidocr/test_without_det.jpg",
    "rapidocr/img_exif_orientation.jpg",
    "rapidocr/ch_en_num.jpg",
    "rapidocr/white_font_color_transparent.png",
)
BROKEN_KINDS = ("empty", "truncated", "not-an-image", "vanished")
FINAL = {"JobDone": "done", "JobFailed": "failed", "JobCancelled": "cancelled"}
RSS_EVERY = 100  # images finished between two readings of the memory


@dataclass
class Inputs:
    """The files to queue, in order; `sample` names what each good one is a copy of."""

    paths: list[Path]
    sample: dict[Path, str]
    broken: dict[Path, str]  # path -> kind
    vanish: set[Path]  # deleted right after they are queued


def make_inputs(folder: Path, count: int, broken: int, rng: random.Random) -> Inputs:
    """`count` files: copies of SOAK_SAMPLES, with `broken` bad files among them."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = [SAMPLES / name for name in SOAK_SAMPLES]
    missing = [str(p) for p in sources if not p.is_file()]
    if missing:
        raise SystemExit(f"samples not found: {', '.join(missing)}")
    bad_at = set(rng.sample(range(count), broken))
    paths: list[Path] = []
    sample: dict[Path, str] = {}
    bad: dict[Path, str] = {}
    vanish: set[Path] = set()
    jpeg = (SAMPLES / "rapidocr" / "ch_en_num.jpg").read_bytes()
    for n in range(count):
        if n in bad_at:
            kind = BROKEN_KINDS[len(bad) % len(BROKEN_KINDS)]
            path = folder / f"{n:05d}-{kind}.jpg"
            data = {"empty": b"", "truncated": jpeg[: len(jpeg) // 3]}.get(
                kind, b"not an image, a text file named .jpg\n" * 20
            )
            path.write_bytes(jpeg if kind == "vanished" else data)
            bad[path] = kind
            if kind == "vanished":
                vanish.add(path)
        else:
            source = sources[rng.randrange(len(sources))]
            path = folder / f"{n:05d}-{source.name}"
            shutil.copyfile(source, path)
            sample[path] = source.parent.name + "/" + source.name
        paths.append(path)
    return Inputs(paths, sample, bad, vanish)


@dataclass
class SoakLog:
    """What happened, recorded from the window's own events."""

    submitted: dict[int, Path] = field(default_factory=dict)
    finals: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    texts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    wrong_source: list[str] = field(default_factory=list)
    reasons: dict[int, str] = field(default_factory=dict)
    actions: Counter = field(default_factory=Counter)
    engine_failures: list[str] = field(default_factory=list)
    # finished, RSS MB, seconds, rows in the queue, MB of display copies held
    rss: list[tuple[int, float, float, int, float]] = field(default_factory=list)
    timeline: list[tuple[int, str]] = field(default_factory=list)  # finished, action
    settings_seen: list[dict[str, Any]] = field(default_factory=list)
    pack_first_used: dict[str, int] = field(default_factory=dict)  # pack -> finished then
    # RSS MB at the end once Clear finished has run, then once free memory went back to
    # the system: what the window keeps beyond what the user keeps
    after_clear: tuple[float, float] | None = None


class Soak:
    """Drives one open window through the soak with after() callbacks on its own loop."""

    FEED_BELOW = 30  # top the queue up when fewer than this are waiting

    def __init__(
        self, window: Any, inputs: Inputs, rng: random.Random, every: tuple[int, int] = (40, 160)
    ) -> None:
        self.every = every  # images finished between two actions, at least and at most
        self.window = window
        self.inputs = inputs
        self.rng = rng  # what the user does, in an order the seed decides
        self.feed_rng = random.Random(rng.random())  # batch sizes, drawn as the queue empties
        self.log = SoakLog()
        self.next_input = 0
        self.finished = 0
        self.next_action = self._gap()
        self.started = time.perf_counter()
        self.packs = self._packs()
        self.pack: str | None = None  # the model pack of the engine now reading
        self._hook()

    # -- recording ---------------------------------------------------------------------------

    def _hook(self) -> None:
        window, log = self.window, self.log
        submit, handle = window.worker.submit, window._handle

        def recording_submit(source: Any, name: str | None = None) -> Any:
            if source in self.inputs.vanish:
                Path(source).unlink()  # found by the search, then deleted before its turn
            job = submit(source, name)
            log.submitted[job.job_id] = Path(source)
            return job

        def recording_handle(event: Any) -> None:
            kind = type(event).__name__
            if kind in FINAL:
                self._final(event, FINAL[kind])
            elif kind == "EngineFailed":
                log.engine_failures.append(event.message)
            elif kind == "EngineReady":
                self.pack = getattr(event.config.models, "pack", None)
            handle(event)

        window.worker.submit = recording_submit
        window._handle = recording_handle

    def _final(self, event: Any, state: str) -> None:
        log = self.log
        log.finals[event.job_id].append(state)
        path = log.submitted.get(event.job_id)
        if state == "failed":
            log.reasons[event.job_id] = event.reason
        if state == "done" and path is not None:
            result = event.result
            if result.source != str(path):
                log.wrong_source.append(f"{path}: result of {result.source}")
            sample = self.inputs.sample.get(path)
            if sample is not None:
                key = f"{sample} ({self.pack})" if self.pack else sample
                log.texts[key][result.text] += 1
        self.finished += 1
        if self.finished % RSS_EVERY == 0:
            self.mark()

    def mark(self) -> None:
        """Notes the memory now, with what the window holds that could explain it."""
        images = getattr(self.window.display, "images", None)
        held = sum(images.held_bytes) / 2**20 if hasattr(images, "held_bytes") else -1.0
        self.log.rss.append(
            (
                self.finished,
                round(rss_mb(), 1),
                round(time.perf_counter() - self.started, 1),
                len(self.window.jobs),
                round(held, 1),
            )
        )

    # -- what the user does ------------------------------------------------------------------

    def _packs(self) -> list[str]:
        """The model packs this build has and can read with (none before packs existed)."""
        try:
            from desktop_ocr.engine.packs import PACKS, locate_pack
        except ImportError:
            return []
        return [name for name, pack in PACKS.items() if not locate_pack(pack).missing]

    def _gap(self) -> int:
        return self.rng.randint(*self.every)

    def step(self) -> bool:
        """One turn of the driver: feed, maybe act; False when everything has finished."""
        window = self.window
        if window.searching == 0 and window.worker.pending < self.FEED_BELOW:
            self._feed()
        if self.finished >= self.next_action and self.next_input < len(self.inputs.paths):
            self.next_action = self.finished + self._gap()
            self._act(self.rng.choice(("cancel", "settings", "settings", "clear")))
        return not self.done()

    def done(self) -> bool:
        if self.next_input < len(self.inputs.paths) or self.window.searching:
            return False
        return len(self.log.finals) >= len(self.log.submitted) and self.window.worker.pending == 0

    def _feed(self) -> None:
        paths = self.inputs.paths
        if self.next_input >= len(paths):
            return
        size = self.feed_rng.randint(5, 60)
        batch = paths[self.next_input : self.next_input + size]
        self.next_input += len(batch)
        self.window.add_paths(batch)
        self.log.actions["add"] += 1

    def _act(self, action: str) -> None:
        self.log.actions[action] += 1
        self.log.timeline.append((self.finished, action))
        if action == "cancel":
            self.window.cancel()
        elif action == "clear":
            self.window.clear_finished()
        else:
            self._change_settings()

    def _change_settings(self) -> None:
        """Opens Settings, picks a device, threads and pack, and presses Apply."""
        dialog = self.window.open_settings()
        device = self.rng.choice(("cpu", "cuda"))
        (dialog.cuda_radio if device == "cuda" else dialog.cpu_radio).invoke()
        threads = self.rng.choice((0, 1, 2))
        dialog.vars["runtime.intra_op_threads"].set(str(threads))
        chosen: dict[str, Any] = {"device": device, "threads": threads}
        if self.packs:
            pack = self.rng.choice(self.packs)
            chooser = getattr(dialog, "pack_box", None)
            if chooser is not None:
                chooser.choose(pack)
            elif "models.pack" in dialog.vars:
                dialog.vars["models.pack"].set(pack)
            else:  # packs exist but the dialog offers no way to choose: say so, not skip
                raise RuntimeError("this build has model packs but Settings offers none")
            chosen["pack"] = pack
        if not dialog.apply():
            raise RuntimeError(f"Settings refused {chosen}: {dialog.error_label['text']}")
        self.log.settings_seen.append(chosen)
        if "pack" in chosen:
            self.log.pack_first_used.setdefault(chosen["pack"], self.finished)
        self.log.timeline[-1] = (self.finished, "settings " + " ".join(map(str, chosen.values())))


def run_soak(
    window: Any,
    inputs: Inputs,
    seed: int,
    timeout_s: float,
    every: tuple[int, int] = (40, 160),
) -> SoakLog:
    """Runs the soak on the window's own main loop until every input has finished."""
    root = window.root
    soak = Soak(window, inputs, random.Random(seed), every)
    deadline = time.monotonic() + timeout_s
    outcome: dict[str, Any] = {}

    def drive() -> None:
        if not soak.step():
            root.quit()
        elif time.monotonic() > deadline:
            outcome["error"] = TimeoutError(f"not finished in {timeout_s:.0f} s")
            root.quit()
        else:
            root.after(25, drive)

    def report(_kind: type, error: BaseException, _tb: Any) -> None:
        # An exception in any Tk callback, the window's own included, ends the soak.
        outcome["error"] = error
        root.quit()

    root.report_callback_exception = report
    soak.mark()
    root.after(25, drive)
    root.mainloop()
    if "error" in outcome:
        raise outcome["error"]
    soak.mark()
    soak.log.after_clear = rss_after_clear(window)
    return soak.log


def rss_after_clear(window: Any) -> tuple[float, float]:
    """RSS once the finished rows are cleared, and once the allocator's free memory is
    returned too (glibc keeps freed memory for reuse; malloc_trim hands it back)."""
    window.clear_finished()
    window.root.update()
    gc.collect()
    cleared = rss_mb()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: the same figure twice
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return round(cleared, 1), round(rss_mb(), 1)


def problems(log: SoakLog, inputs: Inputs, window: Any) -> list[str]:
    """Every broken promise, in words; empty when the soak passed."""
    found: list[str] = []
    by_path = {path: job for job, path in log.submitted.items()}
    lost = [str(p) for p in inputs.paths if p not in by_path]
    if lost:
        found.append(f"{len(lost)} inputs were never queued: {lost[:3]}")
    for job_id, path in log.submitted.items():
        states = log.finals.get(job_id, [])
        if len(states) != 1:
            found.append(f"{path.name}: {len(states)} final states {states}")
            continue
        entry = window.jobs.get(job_id)
        if entry is not None and entry.state != states[0]:
            found.append(f"{path.name}: the queue says {entry.state}, the worker {states[0]}")
        if path in inputs.sample and states[0] == "failed":
            found.append(f"{path.name} (a good image) failed: {log.reasons.get(job_id)}")
        if path in inputs.broken and states[0] == "done":
            found.append(f"{path.name} ({inputs.broken[path]}) was read as an image")
    found += log.wrong_source[:5]
    for sample, texts in log.texts.items():
        if len(texts) > 1:
            found.append(f"{sample} read differently across copies: {dict(texts)}")
    if not window.worker.is_alive():
        found.append("the OCR thread died")
    return found


def summary(log: SoakLog, inputs: Inputs, seconds: float) -> dict[str, Any]:
    states = Counter(s[0] for s in log.finals.values() if s)
    marks = log.rss
    # Growth is judged from the point where the first fifth has finished and each model
    # pack used has been loaded once: a pack's first engine enlarges the heap once (its
    # sessions' buffers), and rebuilding it later reuses that memory.
    warm_at = max([len(inputs.paths) * 0.2, *log.pack_first_used.values()])
    after_warm = next((m for m in marks if m[0] >= warm_at), marks[-1])
    peak = max(m[1] for m in marks)
    failed_reasons = Counter(
        reason.split(":")[0] for reason in log.reasons.values()
    ).most_common(6)
    return {
        "images": len(inputs.paths),
        "broken": dict(Counter(inputs.broken.values())),
        "queued": len(log.submitted),
        "final_states": dict(states),
        "actions": dict(log.actions),
        "settings": log.settings_seen,
        "engine_failures": log.engine_failures,
        "failed_reasons": failed_reasons,
        "seconds": round(seconds, 1),
        "rss_mb": marks,
        "timeline": log.timeline,
        "rss_warm_at": after_warm[0],
        "rss_growth_after_warm_mb": round(marks[-1][1] - after_warm[1], 1),
        "rss_peak_mb": peak,
        "rss_after_clear_mb": log.after_clear,
        "distinct_texts_per_sample": {k: len(v) for k, v in sorted(log.texts.items())},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--broken", type=int, default=12, help="bad files among them")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=4 * 3600)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from tools.virtual_display import ensure_display

    xvfb = ensure_display()
    work = Path(tempfile.mkdtemp(prefix="desktop-ocr-soak-"))
    os.environ["DESKTOP_OCR_CONFIG_DIR"] = str(work / "config")
    try:
        from desktop_ocr.gui.app import open_window

        inputs = make_inputs(work / "images", args.images, args.broken, random.Random(args.seed))
        window = open_window()
        started = time.perf_counter()
        try:
            log = run_soak(window, inputs, args.seed, args.timeout)
            found = problems(log, inputs, window)
        finally:
            window.close()
        result = summary(log, inputs, time.perf_counter() - started)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)
    result["problems"] = found
    print(json.dumps({k: v for k, v in result.items() if k not in ("rss_mb", "timeline")}))
    print("finished  RSS MB  seconds  rows  copies MB  actions since the last line")
    timeline = list(result["timeline"])
    for finished, mb, seconds, rows, held in result["rss_mb"]:
        done = [a for at, a in timeline if at <= finished]
        timeline = timeline[len(done):]
        actions = "; ".join(done)
        print(f"{finished:8d}  {mb:6.1f}  {seconds:7.1f}  {rows:4d}  {held:9.1f}  {actions}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
