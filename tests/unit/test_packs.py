"""The table of model packs, and how a config names a pack and overrides single files."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from desktop_ocr.engine.config import config_from_mapping, load_config
from desktop_ocr.engine.errors import ConfigError
from desktop_ocr.engine.packs import DEFAULT_PACK, PACKS, get_pack, locate_pack

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


@pytest.mark.parametrize("name", list(PACKS))
def test_each_pack_validates_as_a_config(name):
    pack = PACKS[name]
    cfg = config_from_mapping({"models": {"pack": name}})
    assert cfg.models.pack == name and cfg.pack is pack
    assert cfg.models.det == pack.files["det"].name
    assert cfg.models.rec == pack.files["rec"].name
    keys = pack.files.get("rec_keys")
    assert cfg.models.rec_keys == (keys.name if keys else None)
    for section, values in pack.settings.items():
        for key, value in values.items():
            got = getattr(getattr(cfg, section), key)
            assert (list(got) if isinstance(got, tuple) else got) == value, (section, key)


def test_pack_files_are_distinct_within_a_pack_and_pinned():
    for pack in PACKS.values():
        names = [f.name for f in pack.files.values()]
        assert len(set(names)) == len(names), pack.name
        for file in pack.files.values():
            assert len(file.sha256) == 64 and file.size > 1000
        assert len(pack.source.sha256) == 64 and pack.source.filename.endswith(".whl")
        assert pack.source.filename.startswith(pack.source.distribution.replace("-", "_"))
        assert pack.licence and pack.languages and pack.hint


def test_unknown_pack_names_the_key_and_the_packs():
    with pytest.raises(ConfigError) as caught:
        config_from_mapping({"models": {"pack": "ppocrv9"}})
    assert caught.value.key == "models.pack"
    assert "ppocrv6-small" in str(caught.value) and "ppocrv9" in str(caught.value)


def test_no_pack_named_means_the_default():
    assert config_from_mapping({}).models.pack == DEFAULT_PACK
    assert config_from_mapping({"models": {"pack": None}}).models.pack == DEFAULT_PACK


def test_a_new_pack_among_overrides_brings_its_files_and_settings():
    cfg = load_config(CONFIGS / "config.yaml")
    assert cfg.models.pack == DEFAULT_PACK
    v5 = cfg.with_overrides({"models": {"pack": "ppocrv5-mobile"}})
    pack = get_pack("ppocrv5-mobile")
    assert v5.models.det == pack.files["det"].name
    assert v5.models.rec_keys == pack.files["rec_keys"].name
    assert list(v5.det.mean) == pack.settings["det"]["mean"]
    # ... and back again: nothing of the other pack stays behind.
    back = v5.with_overrides({"models": {"pack": DEFAULT_PACK}})
    assert back == cfg


def test_a_config_may_override_one_file_and_one_setting():
    cfg = config_from_mapping(
        {"models": {"pack": "ppocrv6-small", "det": "my_det.onnx"}, "det": {"thresh": 0.25}}
    )
    assert cfg.models.det == "my_det.onnx"
    assert cfg.models.rec == get_pack("ppocrv6-small").files["rec"].name
    assert cfg.det.thresh == 0.25
    assert cfg.det.box_thresh == get_pack("ppocrv6-small").settings["det"]["box_thresh"]


def test_null_model_files_mean_the_packs_own():
    cfg = config_from_mapping({"models": {"pack": "ppocrv4-mobile", "det": None, "rec": None}})
    assert cfg.models.det == get_pack("ppocrv4-mobile").files["det"].name


@pytest.mark.parametrize("name", list(PACKS))
def test_cuda_config_falls_back_to_exactly_the_cpu_config(name):
    """What config_gpu.yaml adds is for CUDA only: without it, it is config.yaml."""
    cpu = load_config(CONFIGS / "config.yaml", {"models": {"pack": name}})
    gpu = load_config(CONFIGS / "config_gpu.yaml", {"models": {"pack": name}})
    as_cpu = dataclasses.replace(
        gpu.for_cpu(),
        cuda=cpu.cuda,
        runtime=dataclasses.replace(gpu.runtime, warmup=cpu.runtime.warmup),
    )
    assert as_cpu == cpu


def test_the_default_pack_is_installed_with_the_app():
    location = locate_pack(get_pack(DEFAULT_PACK))
    assert location.installed, location.where
    assert set(location.paths) == set(get_pack(DEFAULT_PACK).files)


def test_model_dir_variable_decides_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTOP_OCR_MODEL_DIR", str(tmp_path))
    pack = get_pack(DEFAULT_PACK)
    assert not locate_pack(pack).installed
    (tmp_path / pack.name).mkdir()
    for file in pack.files.values():
        (tmp_path / pack.name / file.name).write_bytes(b"x")
    location = locate_pack(pack)
    assert location.installed
    assert all(p.parent == tmp_path / pack.name for p in location.paths.values())
