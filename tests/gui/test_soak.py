"""A short soak of the real window (benchmarks/soak.py has the long one): hundreds of images
with cancels, settings changes, cleared rows and broken files in between."""

from __future__ import annotations

import random

import pytest

from benchmarks.soak import BROKEN_KINDS, make_inputs, problems, run_soak, summary
from desktop_ocr.engine.packs import PACKS

pytestmark = pytest.mark.gui

IMAGES = 300
REASONS = {
    "empty": "file is empty (0 bytes)",
    "truncated": "image data is damaged or truncated",
    "not-an-image": "not an image, or an image format that cannot be read",
    "vanished": "file not found (moved or deleted?)",
}


def test_every_image_ends_once_and_nothing_is_lost(open_app, samples_dir, tmp_path):
    inputs = make_inputs(tmp_path / "images", IMAGES, 8, random.Random(3))
    window = open_app()
    log = run_soak(window, inputs, seed=3, timeout_s=1800, every=(10, 30))
    found = problems(log, inputs, window)
    figures = summary(log, inputs, 0.0)
    assert found == [], found

    assert len(log.submitted) == IMAGES  # every file was queued ...
    states = figures["final_states"]
    assert sum(states.values()) == IMAGES  # ... and ended once
    assert set(inputs.broken.values()) == set(BROKEN_KINDS) == set(REASONS)
    final = {path: log.finals[job][0] for job, path in log.submitted.items()}
    broken_failed = [p for p in inputs.broken if final[p] == "failed"]
    assert states["failed"] == len(broken_failed) >= 2  # the broken files, and only they
    assert all(final[p] == "cancelled" for p in inputs.broken if p not in broken_failed)
    for job, reason in log.reasons.items():
        kind = inputs.broken[log.submitted[job]]
        assert REASONS[kind] in reason, (kind, reason)
    assert states["done"] > IMAGES // 3 and states.get("cancelled", 0) > 0
    # Each thing a user does happened, more than once for settings.
    assert {"cancel", "clear", "settings"} <= set(log.actions)
    assert {s["device"] for s in log.settings_seen} == {"cpu", "cuda"}
    assert len({s["threads"] for s in log.settings_seen}) >= 2
    # The model pack too: each setting names one the build has, two or more were used, and
    # each sample read alike in every copy read with the same pack (checked by problems()).
    packs = {s["pack"] for s in log.settings_seen}
    assert packs <= set(PACKS) and len(packs) >= 2, log.settings_seen
    assert len({key.split(" (")[1] for key in log.texts}) >= 2, sorted(log.texts)
    # Memory: once the first fifth has finished and each pack used has been loaded once,
    # what it holds stays put (rows are cleared now and then, display copies are bounded),
    # judged over the last fifth of the images at least.
    assert figures["rss_warm_at"] <= IMAGES * 0.8, (figures["rss_mb"], log.pack_first_used)
    assert figures["rss_growth_after_warm_mb"] < 60, figures["rss_mb"]
    # And nothing is kept behind the user's back: once the rows are cleared and the free
    # memory handed back, the process is smaller than while it held them, and holds little
    # more than one engine and the window did before the first image.
    cleared, trimmed = figures["rss_after_clear_mb"]
    warm = next(m[1] for m in figures["rss_mb"] if m[0] == figures["rss_warm_at"])
    assert trimmed < warm and trimmed < figures["rss_mb"][0][1] + 200, (cleared, trimmed)
