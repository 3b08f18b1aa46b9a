"""The CPU settings that make the default fast change nothing that is read, and the memory
they keep between images goes back when asked (the window asks when its queue runs out)."""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.memory_soak import rss_mb
from desktop_ocr.engine import OcrEngine
from desktop_ocr.engine.runner_pool import RunnerPool

PAGE = "rapidocr/text_vertical_words.png"  # 834 x 2036: a page-sized detector input
DENSE = "paddleocr/imgs_en__img_12.jpg"  # many English lines


def texts(engine: OcrEngine, path: Path) -> list[str]:
    return [line.text for line in engine(path).lines]


def test_lines_read_side_by_side_read_the_same(default_engine, samples_dir):
    two = OcrEngine(
        default_engine.config.with_overrides(
            {"runtime": {"intra_op_threads": 2, "rec_sessions": 2}}
        )
    )
    pool = two.runners["rec"]
    assert isinstance(pool, RunnerPool) and pool.members == ()  # made when first needed
    two(samples_dir / "paddleocr/imgs_words_en__word_10.png")  # one word: read alone
    assert pool.members == () and pool.solo.runs == 1
    two(samples_dir / DENSE)
    assert len(pool.members) == 2
    # Two sessions share the two threads one session has; that one reads single lines.
    for member in pool.members:
        assert member.session.get_session_options().intra_op_num_threads == 1
    assert pool.solo.session.get_session_options().intra_op_num_threads == 2
    one = OcrEngine(
        default_engine.config.with_overrides(
            {"runtime": {"intra_op_threads": 2, "rec_sessions": 1}}
        )
    )
    assert not isinstance(one.runners["rec"], RunnerPool)
    for name in (DENSE, "rapidocr/ch_en_num.jpg"):
        read = texts(two, samples_dir / name)
        assert len(read) >= 5
        assert read == texts(one, samples_dir / name)
    assert all(member.runs > 0 for member in pool.members)  # both sessions read lines
    # The time inside onnxruntime is counted as the clock sees it, never above the total.
    result = two(samples_dir / DENSE)
    assert 0 < result.timings.infer <= result.timings.total


def test_one_thread_is_one_session(default_engine):
    """A batch worker of one thread gets one recogniser session, not two fighting for it."""
    engine = OcrEngine(
        default_engine.config.with_overrides({"runtime": {"intra_op_threads": 1}})
    )
    assert not isinstance(engine.runners["rec"], RunnerPool)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and glibc")
def test_the_arena_keeps_memory_between_images_and_gives_it_back(default_engine, samples_dir):
    engine = OcrEngine(default_engine.config)
    assert all(runner.arena for runner in (engine.runners["det"], engine.runners["cls"]))
    first = texts(engine, samples_dir / PAGE)
    holding = rss_mb()
    engine.release_memory()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    released = rss_mb()
    assert engine.runners["det"].releases == 1
    assert holding - released > 50, (holding, released)
    assert texts(engine, samples_dir / PAGE) == first  # and it reads on as before


def test_without_the_arena_nothing_is_kept_or_released(default_engine, samples_dir):
    engine = OcrEngine(default_engine.config.with_overrides({"runtime": {"cpu_mem_arena": False}}))
    assert texts(engine, samples_dir / DENSE) == texts(default_engine, samples_dir / DENSE)
    engine.release_memory()
    assert engine.runners["det"].releases == 0


def test_only_long_lines_are_narrowed(default_engine):
    engine = OcrEngine(
        default_engine.config.with_overrides(
            {"runtime": {"rec_sessions": 1}, "rec": {"width_scale": 0.8, "width_scale_from": 12}}
        )
    )
    short = np.full((30, 150, 3), 255, np.uint8)  # 5 times as wide as high: kept
    long = np.full((30, 600, 3), 255, np.uint8)  # 20 times: narrowed to 0.8
    engine.recognizer([short, long])
    widths = {shape[3] for shape in engine.runners["rec"].shapes}
    assert widths == {240, 768}


def test_when_the_extra_sessions_cannot_be_made_lines_are_read_one_at_a_time(
    default_engine, samples_dir, caplog
):
    import onnxruntime as ort

    def sessions(path, sess_options=None, providers=None, **kw):
        if "rec" in Path(path).name.lower() and sess_options.intra_op_num_threads == 1:
            raise RuntimeError("out of memory")
        return ort.InferenceSession(path, sess_options=sess_options, providers=providers, **kw)

    engine = OcrEngine(
        default_engine.config.with_overrides({"runtime": {"intra_op_threads": 2}}),
        session_factory=sessions,
    )
    read = texts(engine, samples_dir / DENSE)
    assert read == texts(default_engine, samples_dir / DENSE)
    pool = engine.runners["rec"]
    assert pool.members == () and pool.solo.runs == len(read)
    assert "lines are read one at a time" in caplog.text
