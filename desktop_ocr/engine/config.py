"""Engine settings: typed dataclasses, and the one place where YAML becomes them.

Every knob the pipeline reads lives here, validated once on load, so the rest of the
code never looks a key up in a dict. A wrong type or value raises ConfigError naming
the file and the dotted key; an unknown key is logged as a warning and kept in
`EngineConfig.warnings` so a GUI can show it too.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from desktop_ocr.engine.errors import ConfigError
from desktop_ocr.engine.options import (
    ClsOptions,
    CudaOptions,
    DetOptions,
    Device,
    DocumentOptions,
    ModelFiles,
    PipelineOptions,
    RecOptions,
    RuntimeOptions,
)
from desktop_ocr.engine.packs import DEFAULT_PACK, PACKS, ModelPack

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineConfig:
    """Everything an OcrEngine needs; immutable so a worker can share it safely."""

    device: Device = "cpu"
    runtime: RuntimeOptions = field(default_factory=RuntimeOptions)
    cuda: CudaOptions = field(default_factory=CudaOptions)
    models: ModelFiles = field(default_factory=ModelFiles)
    pipeline: PipelineOptions = field(default_factory=PipelineOptions)
    det: DetOptions = field(default_factory=DetOptions)
    cls: ClsOptions = field(default_factory=ClsOptions)
    rec: RecOptions = field(default_factory=RecOptions)
    documents: DocumentOptions = field(default_factory=DocumentOptions)
    source: str | None = field(default=None, compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)
    # The mapping as written (before the pack was laid under it), so that overrides,
    # a new pack among them, apply to what the user wrote rather than to resolved values.
    written: Any = field(default=None, compare=False, repr=False)

    def to_mapping(self) -> dict[str, Any]:
        """The YAML-ready form: what `from_mapping` reads back to an equal config."""
        data = _to_plain(self)
        for name in _SKIP_FIELDS:
            data.pop(name, None)
        return data

    def with_overrides(self, overrides: dict[str, Any]) -> EngineConfig:
        """A new config with a nested mapping of values laid over this one, validated.

        A different `models.pack` among the overrides brings that pack's files and
        settings, except where this config's own file set them.
        """
        base = self.written if isinstance(self.written, dict) else self.to_mapping()
        return config_from_mapping(deep_merge(base, overrides), source=self.source)

    @property
    def pack(self) -> ModelPack:
        return PACKS[self.models.pack]

    def for_cpu(self) -> EngineConfig:
        """This config as it runs where CUDA is not granted.

        What a CUDA config sets for cuDNN's sake (one input shape for many images: shape
        buckets, padded and larger batches) would only pad every input on a CPU, so those
        keys go back to their CPU defaults, and the rest stays as written.
        """
        sections = {
            name: dataclasses.replace(
                getattr(self, name),
                **{key: _default_of(type(getattr(self, name)), key) for key in keys},
            )
            for name, keys in CUDA_ONLY.items()
        }
        return dataclasses.replace(self, device="cpu", **sections)

    @property
    def base_dir(self) -> Path | None:
        """The folder relative model paths are resolved against."""
        return Path(self.source).parent if self.source else None


_SKIP_FIELDS = {"source", "warnings", "written"}

# The keys a CUDA config sets for cuDNN only; EngineConfig.for_cpu resets them.
CUDA_ONLY: dict[str, tuple[str, ...]] = {
    "det": ("shape_buckets",),
    "cls": ("pad_batch",),
    "rec": ("batch_size", "min_width", "width_buckets", "pad_batch"),
}


def _default_of(cls: type, key: str) -> Any:
    for f in dataclasses.fields(cls):
        if f.name == key:
            return f.default if f.default is not dataclasses.MISSING else f.default_factory()
    raise KeyError(key)


def _to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_to_plain(v) for v in value]
    return value


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Recursively lay `over` onto a copy of `base`."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_scalar(kind: Any, value: Any, meta: dict[str, Any], source: str | None, key: str) -> Any:
    """Checks one scalar against its annotated type and bounds; returns the clean value."""
    origin = typing.get_origin(kind)
    if origin is Literal:
        choices = typing.get_args(kind)
        if value not in choices:
            raise ConfigError(
                source,
                key,
                f"must be one of {', '.join(map(str, choices))}; got {_describe(value)}",
            )
        return value
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(source, key, f"must be true or false; got {_describe(value)}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(source, key, f"must be a whole number; got {_describe(value)}")
    elif kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(source, key, f"must be a number; got {_describe(value)}")
        value = float(value)
    elif kind is str:
        if not isinstance(value, str) or not value:
            raise ConfigError(source, key, f"must be a non-empty text; got {_describe(value)}")
        return value
    else:  # pragma: no cover - a schema bug, not a user error
        raise TypeError(f"unsupported config type {kind!r} for {key}")
    lo, hi = meta.get("lo"), meta.get("hi")
    if lo is not None and value < lo:
        raise ConfigError(source, key, f"must be at least {lo}; got {value}")
    if hi is not None and value > hi:
        raise ConfigError(source, key, f"must be at most {hi}; got {value}")
    return value


def _check_value(kind: Any, value: Any, meta: dict[str, Any], source: str | None, key: str) -> Any:
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        if value is None:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _check_value(inner, value, meta, source, key)
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ConfigError(source, key, f"must be a list; got {_describe(value)}")
        length = meta.get("length")
        if length is not None and len(value) != length:
            raise ConfigError(source, key, f"must have {length} items; got {len(value)}")
        item_kind = args[0]
        item_meta = {"lo": 0 if item_kind is int else None, "hi": None}
        items = tuple(
            _check_scalar(item_kind, v, item_meta, source, f"{key}[{i}]")
            for i, v in enumerate(value)
        )
        return items
    return _check_scalar(kind, value, meta, source, key)


def _build(cls: type, data: Any, source: str | None, prefix: str, warnings: list[str]) -> Any:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            source, prefix or None, f"must be a mapping of keys; got {_describe(data)}"
        )
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    known = set()
    for f in dataclasses.fields(cls):
        if f.name in _SKIP_FIELDS:
            continue
        known.add(f.name)
        if f.name not in data:
            continue
        key = f"{prefix}.{f.name}" if prefix else f.name
        kind = hints[f.name]
        if dataclasses.is_dataclass(kind):
            kwargs[f.name] = _build(kind, data[f.name], source, key, warnings)
        else:
            kwargs[f.name] = _check_value(kind, data[f.name], dict(f.metadata), source, key)
    for name in data:
        if name not in known:
            key = f"{prefix}.{name}" if prefix else str(name)
            message = f"{source or '<config>'}: unknown key '{key}' ignored"
            logger.warning(message)
            warnings.append(message)
    return cls(**kwargs)


def config_from_mapping(data: Any, source: str | None = None) -> EngineConfig:
    """Validates a parsed YAML mapping into an EngineConfig (defaults fill the gaps).

    `source` is the file the mapping came from: it names the file in messages and
    anchors relative model paths.
    """
    warnings: list[str] = []
    raw = data if isinstance(data, dict) else ({} if data is None else data)
    if isinstance(raw, dict):
        pack = _pack_of(raw, source)
        raw = deep_merge(pack.defaults(), _without_unset_models(raw))
    cfg = _build(EngineConfig, raw, source, "", warnings)
    _check_cross_fields(cfg, source)
    written = copy.deepcopy(data) if isinstance(data, dict) else None
    return dataclasses.replace(cfg, source=source, warnings=tuple(warnings), written=written)


def _pack_of(data: dict[str, Any], source: str | None) -> ModelPack:
    """The pack a config mapping names (the default pack when it names none)."""
    models = data.get("models")
    name = models.get("pack", DEFAULT_PACK) if isinstance(models, dict) else DEFAULT_PACK
    if name is None:
        name = DEFAULT_PACK
    if not isinstance(name, str) or name not in PACKS:
        raise ConfigError(
            source,
            "models.pack",
            f"must be one of {', '.join(PACKS)}; got {_describe(name)} "
            "(`desktop-ocr models` lists the packs)",
        )
    return PACKS[name]


def _without_unset_models(data: dict[str, Any]) -> dict[str, Any]:
    """The mapping without `models` keys set to null: null means "the pack's own file"."""
    models = data.get("models")
    if not isinstance(models, dict):
        return data
    return {**data, "models": {k: v for k, v in models.items() if v is not None}}


def _check_cross_fields(cfg: EngineConfig, source: str | None) -> None:
    if cfg.cls.image_shape[0] != 3 or cfg.rec.image_shape[0] != 3:
        raise ConfigError(
            source,
            "cls.image_shape / rec.image_shape",
            "the first item (channels) must be 3 for these models",
        )
    if len(cfg.cls.labels) < 2:
        raise ConfigError(source, "cls.labels", "needs at least two labels")
    if any(b % 32 for b in cfg.det.shape_buckets):
        raise ConfigError(source, "det.shape_buckets", "every bucket must be a multiple of 32")
    if list(cfg.det.shape_buckets) != sorted(set(cfg.det.shape_buckets)):
        raise ConfigError(source, "det.shape_buckets", "must be strictly increasing")
    if list(cfg.rec.width_buckets) != sorted(set(cfg.rec.width_buckets)):
        raise ConfigError(source, "rec.width_buckets", "must be strictly increasing")


def load_config(
    path: str | Path | None = None, overrides: dict[str, Any] | None = None
) -> EngineConfig:
    """Reads a YAML config (default: the bundled configs/config.yaml) and validates it."""
    from desktop_ocr.resources import config_path

    cfg_path = Path(path) if path is not None else config_path("config.yaml")
    source = str(cfg_path)
    try:
        text = cfg_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(source, None, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(source, None, f"cannot be read ({exc})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(source, None, f"is not valid YAML{yaml_error_text(exc)}") from exc
    if overrides:
        data = deep_merge(data if isinstance(data, dict) else {}, overrides)
    return config_from_mapping(data, source=source)


def yaml_error_text(exc: yaml.YAMLError) -> str:
    """Where and what a YAML syntax error is, as ' at line L, column C: problem'."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return f"{where}: {getattr(exc, 'problem', None) or exc}"
