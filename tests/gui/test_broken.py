"""What a new user found broken, each in a real window: shortcuts, config shown, defaults,
stale timings, and characters drawn blank."""

from __future__ import annotations

import subprocess
import tkinter as tk

import pytest
from PIL import Image, ImageDraw, ImageFont

from desktop_ocr.engine import load_config
from desktop_ocr.engine.packs import DEFAULT_PACK, PACKS
from desktop_ocr.gui.fonts import CJK_RUN
from tests.conftest import CONFIGS
from tests.gui.driving import answer_file_dialog, grab, ink, pump, toplevels, wait_done

pytestmark = pytest.mark.gui


def font_file(family: str) -> str:
    done = subprocess.run(
        ["fc-match", "-f", "%{file}", family], capture_output=True, text=True, check=True
    )
    return done.stdout


def text_index(content: str, char: str) -> str:
    """The Tk index ("row.column") of the first `char` in a Text's content."""
    where = content.index(char)
    row = content[:where].count("\n") + 1
    return f"{row}.{where - (content.rfind(chr(10), 0, where) + 1)}"


def key(widget: tk.Misc, sequence: str) -> None:
    """A key press delivered to `widget` as if it had the focus (its bind tags decide)."""
    widget.focus_force()
    widget.event_generate(sequence, when="now")
    widget.update()


def test_shortcuts_work_while_the_text_pane_has_the_focus(open_app, samples_dir):
    image = samples_dir / "rapidocr" / "ch_en_num.jpg"
    window = open_app([image])
    wait_done(window)
    text = window.text_panel.text
    before = window.text_panel.content
    assert before.startswith("正品促销")

    key(text, "<Control-Shift-Key-C>")  # Ctrl+Shift+C: copy all
    assert window.root.clipboard_get() == before

    opened = set(map(str, toplevels(window.root)))
    key(text, "<Key-F1>")
    about = window.dialogs[-1]
    assert str(about) not in opened and "Desktop OCR" in about.heading_text
    about.destroy()

    key(text, "<Control-Key-comma>")
    settings = window._settings_dialog
    assert settings is not None and settings.winfo_exists()
    settings.destroy()

    answer_file_dialog(window.root, [str(samples_dir / "rapidocr" / "short.png")])
    key(text, "<Control-Key-o>")
    # The Text widget's own Ctrl+O (open a new line) must not have run as well; checked
    # at once, before the new image is read and may be shown in the panel.
    assert window.text_panel.content == before
    pump(window.root, lambda: len(window.jobs) == 2, 60, "the image opened with Ctrl+O")

    key(text, "<Control-Key-q>")
    assert window._closed
    with pytest.raises(tk.TclError):
        window.root.winfo_exists()


def test_each_result_names_the_config_that_read_it(open_app, samples_dir):
    window = open_app([samples_dir / "rapidocr" / "short.png"])
    wait_done(window)
    assert "config.yaml" in window.text_panel.subheader.cget("text").split(" · ")
    origin = f"{PACKS[DEFAULT_PACK].title} · config.yaml"
    assert window.status.text_of("origin") == origin
    assert window.status.shown_text("origin") == origin

    dialog = window.open_settings()
    dialog.cuda_radio.invoke()
    dialog.apply_button.invoke()
    pump(window.root, lambda: window.providers is not None, what="the CUDA config's engine")
    assert window.status.text_of("origin") == f"{PACKS[DEFAULT_PACK].title} · config_gpu.yaml"
    window.add_paths([samples_dir / "rapidocr" / "text_rec.jpg"])
    wait_done(window, 2)
    second = window.current_entry()
    assert second.name == "text_rec.jpg"
    assert "config_gpu.yaml" in window.text_panel.subheader.cget("text").split(" · ")
    # Going back to the first result shows the config that read it, not the current one.
    first = next(e for e in window.jobs.values() if e.name == "short.png")
    window.show_job(first.job_id)
    assert "config.yaml" in window.text_panel.subheader.cget("text").split(" · ")


def test_restore_defaults_also_puts_the_device_back_to_the_cpu(open_app):
    window = open_app()
    dialog = window.open_settings()
    dialog.cuda_radio.invoke()
    dialog.vars["det.limit_side_len"].set("1280")
    assert dialog.device.get() == "cuda"
    dialog.restore_defaults()
    window.root.update()
    assert dialog.device.get() == "cpu"
    assert "disabled" in dialog.widgets["cuda.device_id"].state()
    default = load_config(CONFIGS / "config.yaml").det.limit_side_len
    assert dialog.vars["det.limit_side_len"].get() == str(default) != "1280"
    dialog.apply_button.invoke()
    assert window.worker.config.device == "cpu"


def test_clear_finished_takes_the_old_timings_out_of_the_status_bar(open_app, samples_dir):
    window = open_app([samples_dir / "rapidocr" / "short.png"])
    wait_done(window)
    assert window.status.text_of("timing").startswith("short.png: det ")
    window.queue.clear_button.invoke()
    window.root.update()
    assert window.queue.rows() == []
    assert window.status.text_of("timing") == "No image read yet"
    assert "short.png" not in window.status.shown_text("timing")


def test_degree_celsius_is_drawn_in_the_text_pane(open_app, tmp_path):
    """WenQuanYi Micro Hei has an empty ℃; the per-script fonts draw it from a Latin font."""
    picture = Image.new("RGB", (520, 90), "white")
    draw = ImageDraw.Draw(picture)
    draw.text(
        (20, 15),
        "室温",
        font=ImageFont.truetype(font_file("WenQuanYi Micro Hei"), 48),
        fill="black",
    )
    draw.text(
        (130, 15), " 25℃", font=ImageFont.truetype(font_file("DejaVu Sans"), 48), fill="black"
    )
    path = tmp_path / "temperature.png"
    picture.save(path)
    window = open_app([path])
    wait_done(window)
    text = window.text_panel.text
    content = window.text_panel.content
    assert "℃" in content and "室温" in content
    index = text_index(content, "℃")
    assert "cjk" not in text.tag_names(index)  # drawn in the Latin family
    assert "cjk" in text.tag_names(text_index(content, "室"))
    x, y, w, h = text.bbox(index)
    assert ink(grab(text, (x, y, w, h))) > 20, "℃ is drawn as a blank"


def test_every_character_the_model_outputs_has_a_glyph_in_its_font(open_app, default_engine):
    window = open_app()
    fonts = window.fonts
    files = {
        True: ImageFont.truetype(font_file(fonts.text_cjk.actual("family")), 32),
        False: ImageFont.truetype(font_file(fonts.text.actual("family")), 32),
    }
    blank = []
    for char in default_engine.recognizer.decoder.characters:
        if not char.strip():
            continue
        left, top, right, bottom = files[bool(CJK_RUN.fullmatch(char))].getbbox(char)
        if right <= left or bottom <= top:
            blank.append(char)
    assert blank == []
