"""The build's decisions (what to install, bundle and leave out), checked without a build."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.packaging.plan import bundle_plan as plan

REPO = Path(__file__).resolve().parents[2]


def _pinned(requirements: list[str], name: str) -> str:
    matches = [r for r in requirements if plan.requirement_name(r) == name]
    assert len(matches) == 1, (name, requirements)
    return matches[0]


def test_cpu_flavour_swaps_onnxruntime_at_the_same_version():
    gpu = plan.build_requirements("gpu")
    cpu = plan.build_requirements("cpu")
    gpu_pin = _pinned(gpu, "onnxruntime-gpu")
    cpu_pin = _pinned(cpu, "onnxruntime")
    assert cpu_pin.split("onnxruntime", 1)[1] == gpu_pin.split("onnxruntime-gpu", 1)[1]
    assert "==" in cpu_pin
    names_cpu = {plan.requirement_name(r) for r in cpu}
    names_gpu = {plan.requirement_name(r) for r in gpu}
    assert "onnxruntime-gpu" not in names_cpu and "onnxruntime" not in names_gpu
    for names in (names_cpu, names_gpu):
        assert "opencv-python-headless" in names and "opencv-python" not in names
        assert "pyinstaller" in names
        assert plan.MODEL_PACKAGE not in names  # installed --no-deps on its own
    assert plan.model_requirement().startswith("rapidocr==")


def test_requirements_follow_pyproject(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\ndependencies = ["onnxruntime-gpu==9.9.9", "numpy>=2",'
        ' "opencv-python>=4.8", "rapidocr==1.0"]\n'
        '[project.optional-dependencies]\ndev = ["pytest", "pyinstaller==6.0"]\n'
        'cuda = ["onnxruntime-gpu[cuda,cudnn]==9.9.9"]\n'
    )
    assert plan.build_requirements("cpu", pyproject) == [
        "onnxruntime==9.9.9",
        "numpy>=2",
        "opencv-python-headless>=4.8",
        "pyinstaller==6.0",
    ]
    assert plan.model_requirement(pyproject) == "rapidocr==1.0"
    assert plan.cuda_requirements(pyproject) == ["onnxruntime-gpu[cuda,cudnn]==9.9.9"]
    pyproject.write_text('[project]\nname = "x"\ndependencies = ["numpy"]\n')
    with pytest.raises(plan.PlanError, match="no onnxruntime"):
        plan.build_requirements("cpu", pyproject)


def test_flavour_comes_from_the_environment():
    assert plan.flavour_from_env({}) == "cpu"
    assert plan.flavour_from_env({plan.FLAVOUR_ENV: " GPU "}) == "gpu"
    with pytest.raises(plan.PlanError, match="expected one of cpu, gpu"):
        plan.flavour_from_env({plan.FLAVOUR_ENV: "rocm"})
    assert plan.bundle_cuda_from_env({plan.BUNDLE_CUDA_ENV: "1"})
    assert not plan.bundle_cuda_from_env({plan.BUNDLE_CUDA_ENV: "0"})
    assert not plan.bundle_cuda_from_env({})
    assert plan.app_folder_name("cpu") == "desktop-ocr-cpu"
    assert plan.app_folder_name("gpu", bundle_cuda=True) == "desktop-ocr-gpu-cuda"


def test_a_venv_must_hold_exactly_the_flavours_onnxruntime():
    plan.check_flavour("cpu", ["onnxruntime"])
    plan.check_flavour("gpu", ["onnxruntime-gpu"])
    with pytest.raises(plan.PlanError, match="share one folder"):
        plan.check_flavour("gpu", ["onnxruntime", "onnxruntime-gpu"])
    with pytest.raises(plan.PlanError, match="needs onnxruntime-gpu"):
        plan.check_flavour("gpu", ["onnxruntime"])
    with pytest.raises(plan.PlanError, match="no onnxruntime package"):
        plan.check_flavour("cpu", [])
    # This venv runs the tests: it holds one onnxruntime package, never both.
    assert len(plan.installed_onnxruntime()) == 1


def test_the_default_pack_and_those_asked_for_are_bundled():
    from desktop_ocr.engine.packs import DEFAULT_PACK, get_pack

    assert plan.bundled_pack_names({}) == [DEFAULT_PACK]
    assert plan.bundled_pack_names({plan.PACKS_ENV: "ppocrv6-tiny, ppocrv4-mobile"}) == [
        DEFAULT_PACK,
        "ppocrv6-tiny",
        "ppocrv4-mobile",
    ]
    with pytest.raises(plan.PlanError, match="unknown model pack 'v9'"):
        plan.bundled_pack_names({plan.PACKS_ENV: "v9"})
    files = plan.pack_files([DEFAULT_PACK])
    pack = get_pack(DEFAULT_PACK)
    assert sorted(p.name for p, _ in files) == sorted(f.name for f in pack.files.values())
    assert {folder for _, folder in files} == {f"models/{DEFAULT_PACK}"}


def test_a_pack_missing_on_the_build_machine_stops_the_build(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTOP_OCR_MODEL_DIR", str(tmp_path))
    with pytest.raises(plan.PlanError, match="models add ppocrv6-small"):
        plan.pack_files(["ppocrv6-small"])


@pytest.mark.parametrize(
    ("dest", "source"),
    [
        ("libcudart.so.13", "/usr/local/cuda-13.0/lib/libcudart.so.13"),
        ("libcublasLt.so.13", "/opt/somewhere/libcublasLt.so.13"),
        ("libcudnn_graph.so.9", "/usr/lib/x86_64-linux-gnu/libcudnn_graph.so.9"),
        ("libcuda.so.1", "/usr/lib/x86_64-linux-gnu/libcuda.so.1"),
        ("libnvinfer.so.10", "/usr/lib/libnvinfer.so.10"),
        ("cudnn64_9.dll", r"C:\Program Files\NVIDIA\CUDNN\v9.1\bin\cudnn64_9.dll"),
        ("cublasLt64_13.dll", r"C:\Program Files\NVIDIA GPU Computing Toolkit\CUDA\v13.0\bin"),
        ("nvcuda.dll", r"C:\Windows\System32\nvcuda.dll"),
        ("libnvvm.so.4", "/usr/local/cuda/nvvm/lib64/libnvvm.so.4"),
        ("libfoo.so", "/venv/lib/python3.11/site-packages/nvidia/cu13/lib/libfoo.so"),
    ],
)
def test_cuda_libraries_of_the_build_machine_are_left_out(dest, source):
    kept, dropped = plan.filter_binaries([(dest, source, "BINARY")])
    assert kept == [] and dropped == [(dest, source, "BINARY")]


@pytest.mark.parametrize(
    ("dest", "source"),
    [
        (
            "onnxruntime/capi/libonnxruntime_providers_cuda.so",
            "/venv/lib/python3.11/site-packages/onnxruntime/capi/libonnxruntime_providers_cuda.so",
        ),
        ("libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6"),
        ("libpython3.11.so.1.0", "/usr/lib/libpython3.11.so.1.0"),
        ("cv2/cv2.abi3.so", "/venv/lib/python3.11/site-packages/cv2/cv2.abi3.so"),
        ("onnxruntime_providers_cuda.dll", r"C:\venv\Lib\site-packages\onnxruntime\capi"),
    ],
)
def test_the_apps_own_libraries_stay(dest, source):
    kept, dropped = plan.filter_binaries([(dest, source, "BINARY")])
    assert dropped == [] and kept == [(dest, source, "BINARY")]


def test_bundled_cuda_keeps_the_layout_preload_dlls_expects(tmp_path):
    site = tmp_path / "site-packages"
    lib = site / "nvidia" / "cu13" / "lib"
    lib.mkdir(parents=True)
    for name in ("libcudart.so.13", "libcublasLt.so.13", "libcuda.so.1", "__init__.py"):
        (lib / name).write_bytes(b"x")
    cudnn = site / "nvidia" / "cudnn" / "bin"
    cudnn.mkdir(parents=True)
    (cudnn / "cudnn64_9.dll").write_bytes(b"x")
    found = plan.nvidia_wheel_libraries([site, tmp_path / "absent"])
    assert sorted(b.dest for b in found) == [
        "nvidia/cu13/lib/libcublasLt.so.13",
        "nvidia/cu13/lib/libcudart.so.13",
        "nvidia/cudnn/bin/cudnn64_9.dll",
    ]
    assert all(Path(b.source).is_file() for b in found)


def test_the_interface_catalogues_go_where_the_frozen_app_looks(tmp_path):
    from desktop_ocr import i18n

    data = dict((dest, Path(src)) for src, dest in plan.data_files(REPO))
    locale = data["desktop_ocr/locale"]
    assert (locale / "zh_CN" / "LC_MESSAGES" / "desktop_ocr.mo").is_file()
    # In the app, i18n.py is desktop_ocr/i18n.pyc under _MEIPASS: its locale/ is this one.
    assert i18n.LOCALE_DIR.relative_to(REPO) == Path("desktop_ocr/locale")
    assert {"configs", "assets", "."} <= set(data)
    (tmp_path / "desktop_ocr" / "locale").mkdir(parents=True)
    with pytest.raises(plan.PlanError, match="no compiled catalogue"):
        plan.data_files(tmp_path)
