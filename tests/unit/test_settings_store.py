"""The settings file: defaults, what is stored, validation by the engine, bad files."""

from __future__ import annotations

import pytest
import yaml

from desktop_ocr.engine import ConfigError, load_config
from desktop_ocr.services.settings_store import (
    CONFIG_DIR_ENV,
    SETTINGS_FILE,
    GuiPrefs,
    Settings,
    SettingsStore,
    base_config_path,
    base_values,
    build_engine_config,
    engine_values,
    overrides_from_values,
    settings_dir,
    with_gui,
)


def test_the_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path / "cfg"))
    assert settings_dir() == tmp_path / "cfg"
    assert SettingsStore().path == tmp_path / "cfg" / SETTINGS_FILE
    monkeypatch.delenv(CONFIG_DIR_ENV)
    assert settings_dir().name == "desktop-ocr"


def test_no_file_means_defaults(tmp_path):
    loaded = SettingsStore(tmp_path).load()
    assert loaded.problem is None and loaded.settings == Settings()
    assert loaded.settings.engine_config() == load_config(base_config_path("cpu"))


def test_the_base_follows_the_device():
    cuda = build_engine_config({"device": "cuda", "pipeline": {"text_score": 0.7}})
    gpu_base = load_config(base_config_path("cuda"))
    assert cuda.device == "cuda" and cuda.pipeline.text_score == 0.7
    assert cuda.det == gpu_base.det and cuda.rec == gpu_base.rec
    with pytest.raises(ConfigError) as caught:
        build_engine_config({"det": {"limit_side_len": 5}})
    assert caught.value.key == "det.limit_side_len"


def test_only_differences_from_the_device_base_are_stored():
    values = base_values("cuda")
    assert overrides_from_values(values) == {"device": "cuda"}
    values["cuda.cudnn_conv_algo_search"] = "DEFAULT"
    values["runtime.intra_op_threads"] = 3
    assert overrides_from_values(values) == {
        "device": "cuda",
        "cuda": {"cudnn_conv_algo_search": "DEFAULT"},
        "runtime": {"intra_op_threads": 3},
    }
    config = build_engine_config(overrides_from_values(values))
    assert engine_values(config) == values


def test_save_and_load_round_trip(tmp_path):
    store = SettingsStore(tmp_path / "new")
    settings = with_gui(
        Settings(engine={"device": "cuda", "cuda": {"device_id": 1}}),
        geometry="1000x700+5+5",
        last_open_dir="/data/scans",
    )
    store.save(settings)
    assert [p.name for p in (tmp_path / "new").iterdir()] == [SETTINGS_FILE]
    loaded = store.load()
    assert loaded.problem is None and loaded.warnings == ()
    assert loaded.settings == settings
    assert loaded.settings.engine_config().cuda.device_id == 1
    data = yaml.safe_load(store.path.read_text(encoding="utf-8"))
    assert data["version"] == 1 and "last_export_dir" not in data["gui"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("engine: [device: cuda\n", "not valid YAML at line 2"),
        ("- a list\n", "must be a mapping of keys; got list"),
        ("engine: 3\n", "engine: must be a mapping"),
        (
            "engine:\n  det:\n    limit_side_len: 5\n",
            "engine.det.limit_side_len: must be at least 32",
        ),
        ("engine:\n  device: tpu\n", "engine.device: must be one of cpu, cuda"),
        (b"\xff\xfe\x00bad", "cannot be read"),
    ],
)
def test_an_unusable_file_is_moved_aside_and_defaults_used(tmp_path, text, problem):
    store = SettingsStore(tmp_path)
    if isinstance(text, bytes):
        store.path.write_bytes(text)
    else:
        store.path.write_text(text, encoding="utf-8")
    loaded = store.load()
    assert loaded.settings == Settings()
    assert problem in loaded.problem and str(store.path) in loaded.problem
    assert not store.path.exists()
    assert loaded.backup is not None and loaded.backup.name.startswith(f"{SETTINGS_FILE}.bak-")
    assert loaded.backup.read_bytes() == (text if isinstance(text, bytes) else text.encode())


def test_unknown_keys_are_ignored_with_a_warning(tmp_path):
    store = SettingsStore(tmp_path)
    store.path.write_text(
        "engine:\n  device: cpu\n  det:\n    thresh: 0.2\ngui:\n  colour: red\n"
        "  geometry: 800x600\nextra: 1\n",
        encoding="utf-8",
    )
    loaded = store.load()
    assert loaded.problem is None
    assert loaded.settings.engine == {"device": "cpu"}
    assert loaded.settings.gui == GuiPrefs(geometry="800x600")
    assert len(loaded.warnings) == 3
    assert any("engine.det.thresh" in w for w in loaded.warnings)
