"""The user's settings: engine overrides and window preferences, kept as YAML on disk.

Engine values are never checked here: they are laid over the bundled base config and
validated by the engine's own config code, so a value the dialog accepts is exactly a
value the engine accepts. The base is config_gpu.yaml for CUDA and config.yaml for the
CPU, and only the values that differ from the base of the chosen device are stored, so a
user who never touched a field gets the base's value for whichever device they pick.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from desktop_ocr.engine.config import EngineConfig, load_config, yaml_error_text
from desktop_ocr.engine.errors import ConfigError
from desktop_ocr.resources import config_path
from desktop_ocr.services.atomic_file import WriteError, write_text_atomic
from desktop_ocr.services.capture.options import CaptureOptions, parse_options

logger = logging.getLogger(__name__)

CONFIG_DIR_ENV = "DESKTOP_OCR_CONFIG_DIR"
SETTINGS_FILE = "settings.yaml"
SETTINGS_VERSION = 1

# The engine values a user may change from the window, as dotted keys of EngineConfig.
ENGINE_KEYS: tuple[str, ...] = (
    "device",
    "models.pack",
    "cuda.device_id",
    "cuda.gpu_mem_limit",
    "cuda.arena_extend_strategy",
    "cuda.cudnn_conv_algo_search",
    "cuda.do_copy_in_default_stream",
    "runtime.intra_op_threads",
    "det.limit_side_len",
    "pipeline.text_score",
    "pipeline.use_cls",
    "documents.dpi",
    "documents.text_layer",
)


class SettingsError(Exception):
    """A settings file or value cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class GuiPrefs:
    """What the window remembers between runs."""

    geometry: str | None = None  # Tk geometry, e.g. "1280x800+40+30"
    last_open_dir: str | None = None
    last_export_dir: str | None = None
    theme: str | None = None  # system (None), light or dark
    language: str | None = None  # system (None), en or zh_CN
    file_dialog: str | None = None  # auto (None), tk, portal, zenity or kdialog


@dataclass(frozen=True)
class Settings:
    """Engine overrides (a nested mapping, as in the engine YAML) and window preferences."""

    engine: Mapping[str, Any] = field(default_factory=dict)
    gui: GuiPrefs = field(default_factory=GuiPrefs)
    capture: CaptureOptions = field(default_factory=CaptureOptions)

    @property
    def device(self) -> str:
        return str(self.engine.get("device", "cpu"))

    def engine_config(self) -> EngineConfig:
        """The validated config to build the engine from (raises ConfigError)."""
        return build_engine_config(self.engine)

    def to_mapping(self) -> dict[str, Any]:
        return {
            "version": SETTINGS_VERSION,
            "engine": _plain(self.engine),
            "gui": {k: v for k, v in dataclasses.asdict(self.gui).items() if v is not None},
            "capture": self.capture.to_mapping(),
        }


@dataclass(frozen=True)
class LoadOutcome:
    """Settings as loaded, plus what went wrong on the way, for the window to report."""

    settings: Settings
    problem: str | None = None  # the file was unusable and defaults are in use
    backup: Path | None = None  # where the unusable file was moved
    warnings: tuple[str, ...] = ()  # keys that were ignored


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def settings_dir() -> Path:
    """DESKTOP_OCR_CONFIG_DIR when set, else the platform's config folder for the app."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("desktop-ocr", appauthor=False))


def base_config_path(device: str) -> Path:
    """The bundled config a device starts from."""
    return config_path("config_gpu.yaml" if device == "cuda" else "config.yaml")


def build_engine_config(overrides: Mapping[str, Any]) -> EngineConfig:
    """The base config of the chosen device with the overrides laid on top, validated."""
    device = overrides.get("device", "cpu")
    if device not in ("cpu", "cuda"):
        raise ConfigError(None, "device", f"must be one of cpu, cuda; got {device!r}")
    return load_config(base_config_path(device), overrides=_plain(overrides))


def get_dotted(mapping: Mapping[str, Any], key: str) -> Any:
    value: Any = mapping
    for part in key.split("."):
        value = value[part]
    return value


def _set_dotted(mapping: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = key.split(".")
    node = mapping
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def engine_values(config: EngineConfig) -> dict[str, Any]:
    """The user-settable values of a config, by dotted key."""
    data = config.to_mapping()
    return {key: get_dotted(data, key) for key in ENGINE_KEYS}


def base_values(device: str, pack: str | None = None) -> dict[str, Any]:
    """The values the base config of `device` has for every settable key, with `pack`.

    A pack brings its own settings (see engine/packs.py), so the defaults a user compares
    against are those of the base config with the chosen pack.
    """
    overrides = {"models": {"pack": pack}} if pack else None
    return engine_values(load_config(base_config_path(device), overrides))


def overrides_from_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The nested overrides that turn the device's base config into `values`.

    Only differences from the base are kept (plus the device), so settings written
    today follow tomorrow's better defaults for everything the user left alone. A pack
    other than the base config's own is kept, and the other values are compared with
    that pack's defaults.
    """
    device = values.get("device", "cpu")
    if device not in ("cpu", "cuda"):
        return {"device": device}
    base = base_values(device)
    out: dict[str, Any] = {"device": device}
    pack = values.get("models.pack") or base["models.pack"]
    if pack != base["models.pack"]:
        _set_dotted(out, "models.pack", pack)
        # An unknown pack is named by validation when the config is built.
        with contextlib.suppress(ConfigError):
            base = base_values(device, pack)
    for key in ENGINE_KEYS:
        if key in ("device", "models.pack") or key not in values:
            continue
        if base.get(key, object()) != values[key]:
            _set_dotted(out, key, values[key])
    return out


def _flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        dotted = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            flat.update(_flatten(value, dotted))
        else:
            flat[dotted] = value
    return flat


class SettingsStore:
    """Loads and saves settings.yaml in one folder (the user's config folder by default)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else settings_dir()
        self.path = self.folder / SETTINGS_FILE

    def load(self) -> LoadOutcome:
        """Reads the file; an unusable one is moved aside and defaults are returned.

        Never raises for a bad file: the window must open whatever is on disk.
        """
        try:
            if not self.path.exists():
                return LoadOutcome(Settings())
            settings, warnings = self._parse(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, SettingsError) as exc:
            problem = str(exc)
            if isinstance(exc, OSError):  # a locked folder too: the file is not reached
                problem = f"{self.path}: cannot be read ({exc.strerror or exc})"
            elif isinstance(exc, UnicodeDecodeError):
                problem = f"{self.path}: cannot be read ({exc})"
            backup = self._move_aside()
            logger.warning("settings reset to defaults: %s (backup: %s)", problem, backup)
            return LoadOutcome(Settings(), problem=problem, backup=backup)
        for message in warnings:
            logger.warning(message)
        return LoadOutcome(settings, warnings=tuple(warnings))

    def save(self, settings: Settings) -> None:
        """Writes the settings atomically; WriteError (an OSError) names the settings file."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(self.path, exc) from exc
        text = "# desktop-ocr settings; written by the app, safe to edit or delete.\n"
        text += yaml.safe_dump(settings.to_mapping(), sort_keys=False, allow_unicode=True)
        write_text_atomic(self.path, text)
        logger.info("settings saved to %s", self.path)

    def _parse(self, text: str) -> tuple[Settings, list[str]]:
        where = str(self.path)
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise SettingsError(f"{where}: not valid YAML{yaml_error_text(exc)}") from exc
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise SettingsError(f"{where}: must be a mapping of keys; got {type(data).__name__}")
        warnings: list[str] = []
        engine_data = data.get("engine") or {}
        if not isinstance(engine_data, dict):
            raise SettingsError(f"{where}: engine: must be a mapping of keys")
        overrides: dict[str, Any] = {}
        for key, value in _flatten(engine_data).items():
            if key in ENGINE_KEYS:
                _set_dotted(overrides, key, value)
            else:
                warnings.append(f"{where}: unknown key 'engine.{key}' ignored")
        try:
            build_engine_config(overrides)
        except ConfigError as exc:
            key = f"engine.{exc.key}" if exc.key else "engine"
            raise SettingsError(f"{where}: {key}: {exc.reason}") from exc
        gui = self._parse_gui(data.get("gui") or {}, warnings)
        capture, capture_warnings = parse_options(data.get("capture"), where)
        warnings += capture_warnings
        for key in data:
            if key not in ("version", "engine", "gui", "capture"):
                warnings.append(f"{where}: unknown key '{key}' ignored")
        return Settings(engine=overrides, gui=gui, capture=capture), warnings

    def _parse_gui(self, data: Any, warnings: list[str]) -> GuiPrefs:
        if not isinstance(data, dict):
            warnings.append(f"{self.path}: gui: must be a mapping; window preferences reset")
            return GuiPrefs()
        values: dict[str, Any] = {}
        names = {f.name for f in dataclasses.fields(GuiPrefs)}
        for key, value in data.items():
            if key not in names:
                warnings.append(f"{self.path}: unknown key 'gui.{key}' ignored")
            elif value is not None and not isinstance(value, str):
                warnings.append(f"{self.path}: gui.{key}: must be a text; ignored")
            else:
                values[key] = value
        return GuiPrefs(**values)

    def _move_aside(self) -> Path | None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = self.path.with_name(f"{self.path.name}.bak-{stamp}")
        n = 1
        try:
            while backup.exists():
                n += 1
                backup = self.path.with_name(f"{self.path.name}.bak-{stamp}-{n}")
            self.path.replace(backup)
        except OSError as exc:
            logger.warning("could not move %s aside: %s", self.path, exc)
            return None
        return backup


def with_engine(settings: Settings, overrides: Mapping[str, Any]) -> Settings:
    """Settings with engine overrides replaced (the dialog's Apply)."""
    return dataclasses.replace(settings, engine=dict(overrides))


def with_capture(settings: Settings, options: CaptureOptions) -> Settings:
    """Settings with the capture options replaced."""
    return dataclasses.replace(settings, capture=options)


def with_gui(settings: Settings, **prefs: Any) -> Settings:
    """Settings with some window preferences changed."""
    return dataclasses.replace(settings, gui=dataclasses.replace(settings.gui, **prefs))
