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


def test_small_text_gets_a_second_detection_pass(default_engine, samples_dir):
    runner = default_engine.runners["det"]
    before = runner.runs
    result = default_engine(samples_dir / "rapidocr" / "en.jpg")
    assert runner.runs - before == 2
    assert result.lines[0].text == "3"
    before = runner.runs
    default_engine(samples_dir / "rapidocr" / "img_exif_orientation.jpg")
    assert runner.runs - before == 1  # large text: one pass is enough


@pytest.mark.parametrize(
    ("path", "text"),
    [("mmocr_rec/1240078.jpg", "ATTACK"), ("paddleocr/imgs_words__ch__word_4.jpg", "实力活力")],
)
def test_word_crop_is_read_whole(default_engine, samples_dir, path, text):
    assert [line.text for line in default_engine(samples_dir / path).lines] == [text]
    result = default_engine(samples_dir / path)
    width, height = result.image_size
    assert result.lines[0].box == ((0.0, 0.0), (width, 0.0), (width, height), (0.0, height))
