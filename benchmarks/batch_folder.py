"""Builds a folder of many small real images with a share of broken files among them.

Used by benchmarks/batch_1000.py and the large-batch tests: the good images are copies
of sample word and line crops (real text, fast to read); the bad ones cover the ways a
file on a user's disk can be broken.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

GOOD_SOURCES = (
    "rapidocr/text_rec.jpg",
    "mmocr_rec/1240078.jpg",
    "paddleocr/imgs_words__ch__word_4.jpg",
    "mmocr_rec/1036169.jpg",
    "rapidocr/short.png",
)


@dataclass(frozen=True)
class BatchFolder:
    root: Path
    good: list[Path]
    bad: dict[Path, str]  # path -> the words its error message must contain


def make_batch_folder(
    root: Path, samples: Path, total: int = 1000, bad_share: float = 0.05
) -> BatchFolder:
    """`total` files in nested folders, `bad_share` of them broken in five ways."""
    root.mkdir(parents=True, exist_ok=True)
    n_bad = round(total * bad_share)
    sources = [samples / name for name in GOOD_SOURCES]
    truncated = (samples / "rapidocr" / "ch_en_num.jpg").read_bytes()
    png = (samples / "rapidocr" / "issue_170.png").read_bytes()
    kinds = [
        ("empty.png", b"", "empty"),
        ("notes.jpg", b"meeting notes, not a picture\n", "not an image"),
        ("cut.jpg", truncated[: len(truncated) // 3], "truncated"),
        ("cut.png", png[: len(png) // 2], "truncated"),
        ("noise.bmp", bytes(range(256)) * 4, "not an image"),
    ]
    good: list[Path] = []
    bad: dict[Path, str] = {}
    bad_every = total / n_bad if n_bad else total + 1
    for i in range(total):
        folder = root / f"part {i // 100:02d}"
        folder.mkdir(exist_ok=True)
        if n_bad and len(bad) < n_bad and i >= len(bad) * bad_every:
            name, payload, words = kinds[len(bad) % len(kinds)]
            path = folder / f"{i:04d} {name}"
            path.write_bytes(payload)
            bad[path] = words
        else:
            source = sources[i % len(sources)]
            path = folder / f"{i:04d} {source.name}"
            shutil.copyfile(source, path)
            good.append(path)
    return BatchFolder(root, good, bad)
