"""The settings dialog: CUDA on a machine that may lack it, refusals, restarts, a bad file."""

from __future__ import annotations

import pytest
import yaml

from desktop_ocr.engine import load_config
from desktop_ocr.services.settings_store import SETTINGS_FILE, SettingsStore, base_config_path
from tests.gui.driving import pump, wait_queued

pytestmark = pytest.mark.gui


def engine_ready(window) -> bool:
    return window.providers is not None or window.engine_error is not None


def test_switching_to_cuda_shows_what_was_granted_and_why(open_app, config_dir):
    window = open_app()
    pump(window.root, lambda: engine_ready(window), what="the CPU engine")
    dialog = window.open_settings()
    assert dialog.device.get() == "cpu"
    assert "disabled" in dialog.widgets["cuda.device_id"].state()
    dialog.cuda_radio.invoke()
    assert "disabled" not in dialog.widgets["cuda.device_id"].state()
    # Fields left alone follow the CUDA base config's values.
    gpu_base = load_config(base_config_path("cuda"))
    assert int(dialog.vars["det.limit_side_len"].get()) == gpu_base.det.limit_side_len
    dialog.apply_button.invoke()
    assert not dialog.winfo_exists()
    assert window.providers is None  # the engine is being rebuilt
    pump(window.root, lambda: engine_ready(window), what="the CUDA engine")

    report = window.providers
    label = window.status.providers.cget("text")
    assert report.requested[0] == "CUDAExecutionProvider"
    if not report.fell_back:  # a machine with a working GPU
        assert label.startswith("CUDAExecutionProvider") and "⚠" not in label
        return
    assert label.startswith("⚠ CPUExecutionProvider")
    assert "not granted" in label
    assert str(window.status.providers.cget("style")) == "Warning.TLabel"
    window.status.providers.event_generate("<Button-1>")
    window.root.update()
    details = window.dialogs[-1]
    assert details.heading_text == report.diagnosis.summary
    assert details.body_text == report.diagnosis.text()
    assert "How to fix:" in details.text.get("1.0", "end")

    saved = yaml.safe_load((config_dir / SETTINGS_FILE).read_text(encoding="utf-8"))
    assert saved["engine"] == {"device": "cuda"}  # only what differs from the CUDA base


def test_invalid_values_are_refused_with_a_reason(open_app):
    window = open_app()
    dialog = window.open_settings()
    dialog.vars["det.limit_side_len"].set("5")
    assert dialog.apply() is False
    assert dialog.winfo_exists()
    assert dialog.error_label.cget("text") == (
        "Detection size limit (px): must be at least 32; got 5"
    )
    assert "invalid" in dialog.widgets["det.limit_side_len"].state()
    dialog.vars["det.limit_side_len"].set("960")
    dialog.vars["pipeline.text_score"].set("1.5")
    assert dialog.apply() is False
    assert dialog.error_label.cget("text").startswith("Text score threshold: must be at most 1")
    dialog.vars["pipeline.text_score"].set("0.6")
    dialog.vars["runtime.intra_op_threads"].set("two")
    assert dialog.apply() is False
    assert dialog.error_label.cget("text") == "CPU threads: must be a whole number; got 'two'"
    dialog.vars["runtime.intra_op_threads"].set("2")
    dialog.cuda_radio.invoke()
    dialog.vars["cuda.gpu_mem_limit"].set("-1")
    assert dialog.apply() is False
    assert "GPU memory limit (MiB)" in dialog.error_label.cget("text")
    dialog.destroy()


def test_settings_survive_a_restart(open_app, config_dir):
    window = open_app()
    dialog = window.open_settings()
    dialog.vars["pipeline.text_score"].set("0.65")
    dialog.vars["runtime.intra_op_threads"].set("1")
    dialog.vars["pipeline.use_cls"].set(False)
    dialog.apply_button.invoke()
    window.root.geometry("1100x700+30+20")
    window.root.update()
    window.close()

    again = open_app()
    config = again.worker.config
    assert config.pipeline.text_score == 0.65
    assert config.runtime.intra_op_threads == 1
    assert config.pipeline.use_cls is False
    assert again.root.geometry().startswith("1100x700")
    dialog = again.open_settings()
    assert dialog.vars["pipeline.text_score"].get() == "0.65"
    assert dialog.vars["pipeline.use_cls"].get() is False
    dialog.restore_defaults()
    dialog.apply_button.invoke()
    assert (
        again.worker.config.pipeline.text_score
        == load_config(base_config_path("cpu")).pipeline.text_score
    )


def test_a_corrupt_settings_file_does_not_stop_the_app(open_app, config_dir, samples_dir):
    config_dir.mkdir(parents=True)
    bad = config_dir / SETTINGS_FILE
    bad.write_text("engine: [device: cuda\ngui: {", encoding="utf-8")
    window = open_app([samples_dir / "rapidocr" / "short.png"])
    assert window.worker.config.device == "cpu"
    [notice] = [d for d in window.dialogs if d.title() == "Settings"]
    assert "not valid YAML" in notice.body_text
    backups = list(config_dir.glob(f"{SETTINGS_FILE}.bak-*"))
    assert len(backups) == 1 and str(backups[0]) in notice.body_text
    assert backups[0].read_text(encoding="utf-8").startswith("engine: [device: cuda")
    pump(
        window.root,
        lambda: all(e.state == "done" for e in window.jobs.values()),
        what="the image to be read with the default settings",
    )
    window.close()
    reloaded = SettingsStore(config_dir).load()  # the window wrote a good file back
    assert reloaded.problem is None and reloaded.settings.device == "cpu"
    assert reloaded.settings.gui.geometry


def test_choosing_a_model_pack_reads_with_it_and_says_so(open_app, config_dir, samples_dir):
    from desktop_ocr.engine.packs import DEFAULT_PACK
    from tests.conftest import ensure_pack

    ensure_pack("ppocrv5-mobile")
    window = open_app()
    pump(window.root, lambda: engine_ready(window), what="the default engine")
    assert window.status.text_of("origin") == "PP-OCRv6 small · config.yaml"
    dialog = window.open_settings()
    assert dialog.pack_box.combo.get() == "PP-OCRv6 small"
    assert "Japanese" in dialog.pack_box.summary.cget("text")
    dialog.pack_box.combo.set("PP-OCRv5 mobile")
    dialog.pack_box.combo.event_generate("<<ComboboxSelected>>")
    assert "pinyin" in dialog.pack_box.summary.cget("text")
    dialog.apply_button.invoke()
    pump(window.root, lambda: engine_ready(window), what="the engine with the new pack")
    assert window.worker.config.models.pack == "ppocrv5-mobile"

    window.add_paths([samples_dir / "rapidocr" / "ch_en_num.jpg"])
    wait_queued(window)
    pump(
        window.root,
        lambda: all(e.state == "done" for e in window.jobs.values()),
        what="the image to be read",
    )
    [entry] = window.jobs.values()
    assert entry.result.pack == "ppocrv5-mobile"
    assert "PP-OCRv5 mobile · config.yaml" in window.text_panel.subheader.cget("text")
    saved = yaml.safe_load((config_dir / SETTINGS_FILE).read_text(encoding="utf-8"))
    assert saved["engine"] == {"device": "cpu", "models": {"pack": "ppocrv5-mobile"}}

    dialog = window.open_settings()
    dialog.restore_defaults()
    assert dialog.pack_box.chosen == DEFAULT_PACK
    dialog.apply_button.invoke()
    assert window.worker.config.models.pack == DEFAULT_PACK


def test_the_dialog_fits_a_small_screen_and_a_refused_field_is_brought_into_view(open_app):
    """Its buttons stay on a 1366x768 screen; a value refused on a hidden tab is shown."""
    window = open_app()
    dialog = window.open_settings()
    window.root.update()
    assert dialog.winfo_height() <= 700, dialog.winfo_height()
    assert dialog.apply_button.winfo_ismapped()
    bottom = dialog.apply_button.winfo_rooty() + dialog.apply_button.winfo_height()
    assert bottom <= dialog.winfo_screenheight()
    tabs = [dialog.notebook.tab(tab, "text") for tab in dialog.notebook.tabs()]
    assert tabs == ["Engine", "Reading", "Window"]
    assert dialog.notebook.select() == str(dialog.tabs["engine"])
    # The detection size is on the Reading tab: refusing it brings that tab forward.
    dialog.vars["det.limit_side_len"].set("5")
    assert dialog.apply() is False
    window.root.update()
    assert dialog.notebook.select() == str(dialog.tabs["reading"])
    assert dialog.widgets["det.limit_side_len"].winfo_ismapped()
    assert dialog.error_label.winfo_ismapped()
    dialog.destroy()
