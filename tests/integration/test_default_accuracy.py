"""The default config reads at least as well as the reference engine, only faster."""

from __future__ import annotations

import pytest


def _word_labels(labels: dict) -> dict[str, str]:
    return {path: spec["text"] for path, spec in labels.items() if "text" in spec}


def test_word_crops_read_at_least_as_well_as_reference(
    default_engine, samples_dir, labels, reference
):
    words = _word_labels(labels)
    assert len(words) == 13
    by_path = {item["path"]: item for item in reference["images"]}
    ref_full = ref_rec = ours_full = ours_rec = 0
    for path, truth in words.items():
        item = by_path[path]
        ref_full += "".join(r["text"] for r in item["results"]) == truth
        ref_rec += item["rec_only"]["results"][0]["text"] == truth
        full = default_engine(samples_dir / path)
        ours_full += "".join(line.text for line in full.lines) == truth
        rec = default_engine(samples_dir / path, use_det=False, use_cls=False, use_rec=True)
        ours_rec += rec.lines[0].text == truth
    assert ours_full >= ref_full
    assert ours_rec >= ref_rec
    # Small images with no detected text are read whole, so crops are not lost.
    assert ours_full > ref_full


def test_small_text_second_pass_runs_only_when_asked(default_engine, samples_dir):
    """Off by default (it cost more than it found on pages); a config may turn it on."""
    from desktop_ocr.engine import OcrEngine

    runner = default_engine.runners["det"]
    before = runner.runs
    default_engine(samples_dir / "rapidocr" / "en.jpg")
    assert runner.runs - before == 1
    engine = OcrEngine(default_engine.config.with_overrides({"det": {"small_text_height": 28}}))
    runner = engine.runners["det"]
    before = runner.runs
    result = engine(samples_dir / "rapidocr" / "en.jpg")
    assert runner.runs - before == 2
    assert result.lines[0].text.startswith("3")
    before = runner.runs
    engine(samples_dir / "rapidocr" / "img_exif_orientation.jpg")
    assert runner.runs - before == 1  # large text: one pass is enough


@pytest.mark.parametrize(
    ("path", "text"),
    [("mmocr_rec/1240078.jpg", "ATTACK"), ("paddleocr/imgs_words__ch__word_4.jpg", "实力活力")],
)
def test_word_crop_is_read_as_one_line(default_engine, samples_dir, path, text):
    """Found by detection or, where it finds nothing, read whole: one line, most of the crop."""
    result = default_engine(samples_dir / path)
    assert [line.text for line in result.lines] == [text]
    width, height = result.image_size
    xs = [x for x, _ in result.lines[0].box]
    ys = [y for _, y in result.lines[0].box]
    assert (max(xs) - min(xs)) * (max(ys) - min(ys)) >= 0.6 * width * height
