"""Finds bundled files (configs, assets, models) from a source tree, a wheel or a frozen app.

The same code runs from a git checkout, from `pip install`, and from the PyInstaller
folder, and each keeps data files in a different place; every lookup goes through here.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent


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


MODEL_DIR_ENV = "DESKTOP_OCR_MODEL_DIR"
DATA_DIR_ENV = "DESKTOP_OCR_DATA_DIR"


def user_data_dir() -> Path:
    """DESKTOP_OCR_DATA_DIR when set, else the platform's data folder for the app.

    Added model packs live here (`models/<pack>/`), apart from the settings, so that
    clearing one never loses the other.
    """
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("desktop-ocr", appauthor=False))
