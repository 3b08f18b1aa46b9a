"""What the engine and the services say, shown in the Chinese window in Chinese.

The engine and services speak English (the CLI and the logs read it); their messages
keep their template, and the window translates it. Checked where a user meets them: a
broken, empty or missing file in the queue, the text pane and on the image (read back
from the screen), an export that cannot be written, a missing model, CUDA not granted.
"""

from __future__ import annotations

import pytest

from desktop_ocr import resources
from desktop_ocr.gui.fonts import CJK_RUN
from tests.gui.driving import grab, pump, pump_for, wait_done
from tests.gui.test_chinese import english_left, read

pytestmark = pytest.mark.gui

NOT_AN_IMAGE = "不是图片，或是无法读取的图片格式（文件已损坏或扩展名不对？）"


@pytest.fixture
def chinese(monkeypatch):
    monkeypatch.setenv("DESKTOP_OCR_LANGUAGE", "zh_CN")


def test_broken_empty_and_missing_files_are_explained_in_chinese(
    open_app, chinese, tmp_path, default_engine
):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"this is not a picture at all\n" * 200)
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    missing = tmp_path / "gone.png"
    window = open_app([broken, empty, missing])
    window.root.geometry("1280x800+0+0")
    wait_done(window, count=3)
    by_name = {e.name: e for e in window.jobs.values()}
    expected = {
        "broken.png": NOT_AN_IMAGE,
        "empty.jpg": "文件是空的（0 字节）",
        "gone.png": "找不到文件（已被移动或删除？）",
    }
    tree = window.queue.tree
    for name, reason in expected.items():
        entry = by_name[name]
        assert entry.state == "failed" and entry.reason == reason
        assert tree.set(str(entry.job_id), "state") == f"失败：{reason}"
    assert english_left([e.reason for e in by_name.values()]) == []

    tree.selection_set(str(by_name["broken.png"].job_id))
    pump(
        window.root,
        lambda: NOT_AN_IMAGE in window.text_panel.content,
        30,
        "the broken file's note in the text pane",
    )
    pump_for(window.root, 0.3)
    assert window.text_panel.content.strip().endswith(f"失败：{NOT_AN_IMAGE}")
    # What the image pane says, photographed and read back by the engine.
    shown = read(default_engine, grab(window.image_view))
    assert "无法识别" in shown and "文件已损坏" in shown, shown


def test_a_note_on_the_result_is_in_chinese(open_app, chinese, samples_dir, tmp_path):
    """An animation is read from its first frame, and the header says so in Chinese."""
    from PIL import Image

    first = Image.open(samples_dir / "rapidocr" / "short.png").convert("RGB")
    animation = tmp_path / "moving.gif"
    first.save(animation, save_all=True, append_images=[first.rotate(180)], duration=200)
    window = open_app([animation])
    wait_done(window)
    [entry] = window.jobs.values()
    assert entry.state == "done" and entry.result.lines
    subtitle = str(window.text_panel.subheader.cget("text"))
    assert subtitle.endswith(" · GIF 动画共 2 帧：只识别了第一帧"), subtitle


def test_an_export_that_cannot_be_written_says_why_in_chinese(
    open_app, chinese, samples_dir, tmp_path
):
    window = open_app([samples_dir / "rapidocr" / "short.png"])
    wait_done(window)
    target = tmp_path / "no-such-folder" / "out.txt"
    assert window.exports.export_to("current", target) is None
    [dialog] = [d for d in window.dialogs if d.winfo_exists()]
    assert dialog.heading_text == "无法写入导出文件"
    assert dialog.body_text.startswith(f"无法写入 {target}：文件夹不存在"), dialog.body_text

    wrong = tmp_path / "out.pdf.bak"
    assert window.exports.export_to("current", wrong) is None
    body = window.dialogs[-1].body_text
    assert body.startswith("无法从文件名 'out.pdf.bak' 判断格式；请使用以下之一："), body


def test_a_missing_model_is_explained_in_chinese(
    open_app, chinese, tmp_path, monkeypatch, samples_dir
):
    empty = tmp_path / "models"
    empty.mkdir()
    monkeypatch.setenv(resources.MODEL_DIR_ENV, str(empty))
    window = open_app([samples_dir / "rapidocr" / "en.jpg"])
    pump(window.root, lambda: window.engine_error is not None, what="the engine to fail")
    [dialog] = [d for d in window.dialogs if d.winfo_exists()]
    body = dialog.body_text
    assert body.startswith("模型 ") and "找不到文件：未安装 PP-OCRv6 small 模型包（查找了" in body
    assert "运行 `desktop-ocr models add ppocrv6-small`：它会从 PyPI 下载" in body
    pump(
        window.root,
        lambda: all(e.state == "failed" for e in window.jobs.values()),
        what="the queued image to fail",
    )
    [entry] = window.jobs.values()
    assert entry.reason.startswith("OCR 引擎不可用：模型 "), entry.reason


def test_cuda_not_granted_is_explained_in_chinese(open_app, chinese, samples_dir):
    from desktop_ocr.engine.cuda_diagnosis import diagnose_cuda
    from desktop_ocr.i18n import localize

    window = open_app()
    dialog = window.open_settings()
    dialog.cuda_radio.invoke()
    dialog.apply_button.invoke()
    def built_for_cuda() -> bool:
        report = window.providers
        return report is not None and "CUDAExecutionProvider" in report.requested

    pump(window.root, built_for_cuda, what="the engine built for CUDA")
    if not window.providers.fell_back:
        pytest.skip("CUDA is granted here")
    english = diagnose_cuda().summary
    summary = localize(english)
    assert summary != english and CJK_RUN.search(summary)
    assert window.status.text_of("message") == f"已请求 CUDA，但图片在 CPU 上识别：{summary}"
    why = window.show_provider_details()
    assert why is not None and why.heading_text == summary
    assert why.body_text.startswith(f"{summary}\n\n解决方法：")
    assert "\n\n详细信息：\n  onnxruntime package:" in why.body_text  # the findings as found
