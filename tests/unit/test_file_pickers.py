"""Which file dialog runs, and the command lines the desktop pickers are given."""

from __future__ import annotations

import threading

from desktop_ocr.services import file_pickers
from desktop_ocr.services.file_pickers import FILE_DIALOG_ENV, PickRequest, kdialog, zenity

IMAGES = (("Images", "*.png *.jpg"), ("All files", "*"))


def test_the_variable_beats_the_setting_and_nonsense_means_auto(monkeypatch, caplog):
    monkeypatch.delenv(FILE_DIALOG_ENV, raising=False)
    assert file_pickers.chosen_dialog(None) == "auto"
    assert file_pickers.chosen_dialog("Zenity") == "zenity"
    monkeypatch.setenv(FILE_DIALOG_ENV, "tk")
    assert file_pickers.chosen_dialog("zenity") == "tk"
    monkeypatch.setenv(FILE_DIALOG_ENV, "gtk4")
    assert file_pickers.chosen_dialog("kdialog") == "kdialog"
    assert "unknown file dialog 'gtk4'" in caplog.text


def test_auto_tries_the_portal_first_and_kdialog_first_on_kde(monkeypatch):
    names = lambda choice, platform="linux": [  # noqa: E731
        p.NAME for p in file_pickers.pickers_to_try(choice, platform)
    ]
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "ubuntu:GNOME")
    assert names("auto") == ["portal", "zenity", "kdialog"]
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "KDE")
    assert names("auto") == ["portal", "kdialog", "zenity"]
    assert names("zenity") == ["zenity"]
    assert names("tk") == []
    assert names("auto", "win32") == [] and names("auto", "darwin") == []


def test_zenity_command_lines():
    request = PickRequest("open_files", "Open images", "/data/scans", IMAGES, parent_window=0x2A)
    argv = zenity.command("zenity", request)
    assert argv[1:] == [
        "--file-selection",
        "--title=Open images",
        "--modal",
        "--attach=0x2a",
        "--multiple",
        "--separator=\n",
        "--filename=/data/scans/",
        "--file-filter=Images | *.png *.jpg",
        "--file-filter=All files | *",
    ]
    save = zenity.command("zenity", PickRequest("save", "Export", "/out", IMAGES, "a.txt"))
    assert "--save" in save and "--filename=/out/a.txt" in save
    plain = zenity.command(
        "zenity", PickRequest("save", "Export", "/out", IMAGES, "a.txt", 7), extras=False
    )
    assert "--modal" not in plain and "--confirm-overwrite" not in plain
    assert not [a for a in plain if a.startswith("--attach")] and "--save" in plain
    folder = zenity.command("zenity", PickRequest("folder", "Folder", "/"))
    assert "--directory" in folder and "--filename=/" in folder
    assert not [a for a in folder if a.startswith("--file-filter")]


def test_kdialog_command_lines():
    request = PickRequest("open_files", "Open images", "/data", IMAGES, parent_window=42)
    assert kdialog.command("kdialog", request)[1:] == [
        "--title",
        "Open images",
        "--attach",
        "42",
        "--getopenfilename",
        "/data",
        "*.png *.jpg|Images\n*|All files",
        "--multiple",
        "--separate-output",
    ]
    save = kdialog.command("kdialog", PickRequest("save", "Export", "/out", IMAGES, "a.md"))
    assert save[-3:] == ["--getsavefilename", "/out/a.md", "*.png *.jpg|Images\n*|All files"]


def test_a_picker_that_is_not_installed_leaves_it_to_tk(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    request = PickRequest("folder", "Folder", str(tmp_path))
    for choice in ("auto", "zenity", "kdialog", "portal"):
        assert file_pickers.pick(request, choice, threading.Event()) is None
