"""Config files are validated on load: bad values name the file and the key."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml

from desktop_ocr.engine.config import EngineConfig, config_from_mapping, load_config
from desktop_ocr.engine.errors import ConfigError

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["config.yaml", "config_gpu.yaml", "rapidocr_compat.yaml"])
def test_bundled_configs_load_without_warnings(name):
    cfg = load_config(CONFIGS / name)
    assert cfg.warnings == ()
    assert cfg.device == ("cuda" if name == "config_gpu.yaml" else "cpu")


def test_gpu_config_sets_the_documented_cuda_options():
    cfg = load_config(CONFIGS / "config_gpu.yaml")
    assert cfg.cuda.cudnn_conv_algo_search in ("EXHAUSTIVE", "HEURISTIC", "DEFAULT")
    assert cfg.cuda.arena_extend_strategy in ("kNextPowerOfTwo", "kSameAsRequested")
    assert cfg.det.shape_buckets and cfg.rec.width_buckets


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("det:\n  box_thresh: abc\n", "det.box_thresh", "number"),
        ("det:\n  box_thresh: 1.5\n", "det.box_thresh", "at most 1"),
        ("device: tpu\n", "device", "one of cpu, cuda"),
        ("cuda:\n  cudnn_conv_algo_search: FAST\n", "cuda.cudnn_conv_algo_search", "EXHAUSTIVE"),
        ("cuda:\n  device_id: -1\n", "cuda.device_id", "at least 0"),
        ("cuda:\n  do_copy_in_default_stream: maybe\n", "cuda.do_copy_in_default_stream", "true"),
        ("rec:\n  batch_size: 2.5\n", "rec.batch_size", "whole number"),
        ("rec:\n  image_shape: [3, 48]\n", "rec.image_shape", "3 items"),
        ("det: [1, 2]\n", "det", "mapping"),
        ("runtime:\n  intra_op_threads: true\n", "runtime.intra_op_threads", "whole number"),
    ],
)
def test_invalid_values_name_file_and_key(tmp_path, text, key, words):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == key
    assert str(path) in str(caught.value)
    assert key in str(caught.value)
    assert words in str(caught.value)


def test_malformed_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "det:\n  box_thresh: [0.5\n  thresh: 0.3\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in str(caught.value)
    assert "not valid YAML" in str(caught.value)
    assert "line" in str(caught.value)


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "absent.yaml")


def test_unknown_key_is_a_warning_not_an_error(tmp_path, caplog):
    path = write(tmp_path, "det:\n  box_tresh: 0.4\nfancy: 1\n")
    with caplog.at_level(logging.WARNING):
        cfg = load_config(path)
    assert len(cfg.warnings) == 2
    assert any("det.box_tresh" in w for w in cfg.warnings)
    assert "det.box_tresh" in caplog.text
    assert cfg.det.box_thresh == EngineConfig().det.box_thresh


def test_yaml_is_read_with_safe_load(tmp_path):
    path = write(tmp_path, "device: !!python/object/apply:os.getcwd []\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(path)


def test_round_trip_through_yaml(tmp_path):
    cfg = load_config(CONFIGS / "config_gpu.yaml")
    path = write(tmp_path, yaml.safe_dump(cfg.to_mapping(), sort_keys=False, allow_unicode=True))
    assert load_config(path) == cfg


def test_overrides_are_validated_too():
    cfg = load_config(CONFIGS / "config.yaml")
    assert cfg.with_overrides({"cuda": {"device_id": 2}}).cuda.device_id == 2
    with pytest.raises(ConfigError, match=r"cuda\.gpu_mem_limit"):
        cfg.with_overrides({"cuda": {"gpu_mem_limit": "lots"}})


def test_config_yaml_holds_the_built_in_defaults():
    assert load_config(CONFIGS / "config.yaml") == EngineConfig()


def test_empty_file_means_defaults(tmp_path):
    assert config_from_mapping(None) == EngineConfig()
    assert load_config(write(tmp_path, "")) == EngineConfig()
