"""accuracy.py's engine list and `--set` settings become the runs and configs they name."""

from __future__ import annotations

import pytest

from benchmarks.accuracy_engines import EngineSpec, parse_engines, to_prediction
from benchmarks.ocr_runner import parse_overrides
from desktop_ocr.engine import load_config
from tests.conftest import CONFIGS


def test_engines_with_labels_and_settings():
    specs = parse_engines(
        ["v4=ours:configs/config.yaml", "v6=ours:configs/config.yaml", "rapidocr-3.10.0"],
        ["v6:det.thresh=0.2", "det.limit_side_len=736", "v6:det.mean=[0.485, 0.456, 0.406]"],
    )
    assert specs == [
        EngineSpec("v4", "ours", "configs/config.yaml", None, ("det.limit_side_len=736",)),
        EngineSpec(
            "v6",
            "ours",
            "configs/config.yaml",
            None,
            ("det.thresh=0.2", "det.limit_side_len=736", "det.mean=[0.485, 0.456, 0.406]"),
        ),
        EngineSpec("rapidocr-3.10.0", "rapidocr-3.10.0"),
    ]
    assert specs[2].is_peer and not specs[0].is_peer


def test_default_labels_name_the_config_and_pack():
    specs = parse_engines(["ours:configs/config.yaml", "ours:configs/config.yaml:v6-small"], [])
    assert [s.label for s in specs] == ["ours:config.yaml", "ours:config.yaml:v6-small"]
    assert specs[1].pack == "v6-small"


@pytest.mark.parametrize(
    ("engines", "settings", "message"),
    [
        (["tesseract"], [], "unknown engine 'tesseract'"),
        (["ours:a.yaml", "ours:b/a.yaml"], [], "engine labels must differ"),
        (["v4=ours:a.yaml"], ["v6:det.thresh=0.2"], "no ours engine is labelled 'v6'"),
        (["rapidocr-3.10.0"], ["rapidocr-3.10.0:det.thresh=0.2"], "no ours engine"),
        (["ours"], ["det.thresh"], "is not [LABEL:]KEY=VALUE"),
    ],
)
def test_mistakes_are_refused_with_the_reason(engines, settings, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        parse_engines(engines, settings)


def test_settings_reach_the_config_with_their_types():
    overrides = parse_overrides(
        [
            "det.thresh=0.2",
            "det.mean=[0.485, 0.456, 0.406]",
            "det.limit_type=min",
            "pipeline.use_cls=false",
            "models.det=../models/x det.onnx",
        ]
    )
    assert overrides == {
        "det": {"thresh": 0.2, "mean": [0.485, 0.456, 0.406], "limit_type": "min"},
        "pipeline": {"use_cls": False},
        "models": {"det": "../models/x det.onnx"},
    }
    config = load_config(CONFIGS / "config.yaml", overrides)
    assert config.det.thresh == 0.2 and config.det.mean == (0.485, 0.456, 0.406)
    assert config.pipeline.use_cls is False and config.models.det == "../models/x det.onnx"
    with pytest.raises(ValueError, match="not KEY=VALUE"):
        parse_overrides(["det.thresh"])
    with pytest.raises(ValueError, match="sets both"):
        parse_overrides(["det=1", "det.thresh=0.2"])


def test_predictions_keep_boxes_only_when_every_line_has_one():
    answer = {
        "runs_ms": [120.0],
        "error": None,
        "lines": [{"box": None, "text": "whole crop", "score": 0.9}],
    }
    assert to_prediction(answer) == {
        "boxes": [],
        "texts": ["whole crop"],
        "scores": [0.9],
        "elapsed_s": 0.12,
    }
    box = [[0, 0], [10, 0], [10, 5], [0, 5]]
    answer["lines"] = [{"box": box, "text": "a", "score": 1.0}]
    assert to_prediction(answer)["boxes"] == [box]
    failed = to_prediction({"runs_ms": [], "error": "ImageLoadError: bad", "lines": []})
    assert failed["error"] == "ImageLoadError: bad" and failed["texts"] == []
