"""Capture options in settings.yaml: kept, checked, and a bad value dropped with the reason."""

from __future__ import annotations

from desktop_ocr.services.capture.options import CaptureOptions, parse_options
from desktop_ocr.services.settings_store import Settings, SettingsStore, with_capture


def test_options_round_trip_through_the_settings_file(tmp_path):
    store = SettingsStore(tmp_path)
    options = CaptureOptions(
        copy_as="paragraph", show_window=False, delay_s=2.5, hotkey_enabled=True,
        hotkey="<ctrl>+<shift>+<alt>+t",
    )  # fmt: skip
    store.save(with_capture(Settings(), options))
    loaded = store.load()
    assert loaded.problem is None and loaded.warnings == ()
    assert loaded.settings.capture == options


def test_defaults_when_the_file_has_no_capture_section(tmp_path):
    (tmp_path / "settings.yaml").write_text("gui:\n  last_open_dir: /tmp\n", encoding="utf-8")
    loaded = SettingsStore(tmp_path).load()
    assert loaded.settings.capture == CaptureOptions()
    assert CaptureOptions() == CaptureOptions(
        copy_as="lines", show_window=True, delay_s=0.0, hotkey_enabled=False
    )


def test_bad_values_are_dropped_one_by_one_with_the_reason(tmp_path):
    (tmp_path / "settings.yaml").write_text(
        "engine:\n  pipeline:\n    text_score: 0.6\n"
        "capture:\n  copy_as: words\n  delay_s: 9\n  show_window: false\n  hotkey: ''\n"
        "  colour: red\n",
        encoding="utf-8",
    )
    loaded = SettingsStore(tmp_path).load()
    assert loaded.problem is None  # the rest of the file is still used
    assert loaded.settings.engine == {"pipeline": {"text_score": 0.6}}
    assert loaded.settings.capture == CaptureOptions(show_window=False)
    where = str(tmp_path / "settings.yaml")
    assert loaded.warnings == (
        f"{where}: capture.copy_as: must be one of lines, paragraph; got 'words'; ignored",
        f"{where}: capture.delay_s: must be from 0 to 5 seconds; got 9; ignored",
        f"{where}: capture.hotkey: must be a key combination such as <ctrl>+<alt>+o; "
        "got ''; ignored",
        f"{where}: capture.colour: unknown key; ignored",
    )


def test_a_capture_section_that_is_not_a_mapping_resets_only_the_capture_options():
    options, warnings = parse_options(["paragraph"], "s.yaml")
    assert options == CaptureOptions()
    assert warnings == ["s.yaml: capture: must be a mapping; capture options reset"]


def test_delay_rejects_true_and_infinity():
    for value in (True, float("inf"), "2"):
        options, warnings = parse_options({"delay_s": value}, "s.yaml")
        assert options.delay_s == 0.0 and len(warnings) == 1, value
