"""Finds bundled files (configs, assets, models) from a source tree, a wheel or a frozen app.

The same code runs from a git checkout, from `pip install`, and from the PyInstaller
folder, and each keeps data files in a different place; every lookup goes through here.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
MODEL_PACKAGE = "rapidocr"


def is_frozen() -> bool:
    """True inside the PyInstaller app."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def data_roots() -> list[Path]:
    """Folders that may hold `configs/` and `assets/`, most specific first."""
    roots: list[Path] = []
    if is_frozen():
        roots.append(Path(sys._MEIPASS))  # type: ignore[attr-defined]
    roots.append(PACKAGE_DIR.parent)  # a source checkout or an editable install
    roots.append(PACKAGE_DIR / "_data")  # a wheel (see pyproject force-include)
    return roots


def resource_path(*parts: str) -> Path:
    """The first existing bundled file or folder at `parts`; FileNotFoundError names them all."""
    tried = []
    for root in data_roots():
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
        tried.append(str(candidate))
    raise FileNotFoundError(f"{'/'.join(parts)} not found; looked in: {', '.join(tried)}")


def config_path(name: str) -> Path:
    """A bundled config such as `config.yaml` or `config_gpu.yaml`."""
    return resource_path("configs", name)


def asset_path(name: str) -> Path:
    """A bundled asset such as the icon or the sample image."""
    return resource_path("assets", name)


def model_package_dir() -> Path | None:
    """The `models/` folder of the installed model package, found without importing it."""
    try:
        spec = importlib.util.find_spec(MODEL_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "models"
        if folder.is_dir():
            return folder
    return None


MODEL_DIR_ENV = "DESKTOP_OCR_MODEL_DIR"


def model_dirs() -> list[Path]:
    """Folders searched for model files named in a config, in order.

    DESKTOP_OCR_MODEL_DIR, when set, is the only one: a portable install or a folder of
    one's own models then decides alone which files are used.
    """
    override = os.environ.get(MODEL_DIR_ENV)
    if override:
        return [Path(override).expanduser()]
    dirs: list[Path] = []
    if is_frozen():
        dirs.append(Path(sys._MEIPASS) / "models")  # type: ignore[attr-defined]
    package_models = model_package_dir()
    if package_models is not None:
        dirs.append(package_models)
    return dirs
