"""The desktop's own file dialogs, driven for real: zenity and the xdg-desktop-portal's GTK
dialog, shown from the window, typed into with xdotool; and Tk's where neither is there.

The dialogs run in their own processes; the window must keep answering while one is
open (its after() callbacks on time) and take the answer through its poll.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from desktop_ocr.gui import file_dialogs
from desktop_ocr.services.file_pickers import FILE_DIALOG_ENV
from tests.gui.driving import answer_file_dialog, need_xdotool, pump, pump_for, xdotool

pytestmark = pytest.mark.gui

PORTAL = Path("/usr/libexec/xdg-desktop-portal")
PORTAL_GTK = Path("/usr/libexec/xdg-desktop-portal-gtk")


def need_zenity() -> None:
    need_xdotool()
    if shutil.which("zenity") is None:
        pytest.skip("zenity is not installed (apt-get install zenity)")


def only_xdotool_on_path(monkeypatch, tmp_path) -> None:
    """PATH with xdotool alone in it: no zenity, no kdialog."""
    folder = tmp_path / "bin"
    folder.mkdir()
    xdo = shutil.which("xdotool")
    if xdo:
        (folder / "xdotool").symlink_to(xdo)
    monkeypatch.setenv("PATH", str(folder))


def no_session_bus(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))


def dialog_window(title: str) -> str | None:
    """The X window id of a top-level window titled exactly `title`, if one is shown."""
    done = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"],
        capture_output=True,
        text=True,
        check=False,
    )
    ids = done.stdout.split()
    return ids[-1] if ids else None


def wait_dialog(root, title: str, timeout: float = 60) -> str:
    found: list[str] = []

    def shown() -> bool:
        wid = dialog_window(title)
        if wid:
            found.append(wid)
        return bool(wid)

    pump(root, shown, timeout, f"the dialog {title!r}")
    pump_for(root, 0.5)  # GTK builds the dialog's contents after mapping it
    return found[-1]


def shown_by(wid: str) -> str:
    """The name of the program that shows the window (its _NET_WM_PID's command)."""
    pid = xdotool("getwindowpid", wid)
    return Path(f"/proc/{pid}/comm").read_text().strip()


def type_into(wid: str, *keys: str, text: str | None = None) -> None:
    """Focus on the dialog (there is no window manager), then type `text` and press `keys`."""
    xdotool("windowfocus", "--sync", wid)
    geometry = xdotool("getwindowgeometry", "--shell", wid)
    at = dict(line.split("=") for line in geometry.splitlines())
    xdotool("mousemove", "--sync", str(int(at["X"]) + 40), str(int(at["Y"]) + 40))
    if text is not None:
        xdotool("type", "--delay", "30", text)
        time.sleep(0.5)  # the location bar completes what was typed
    for key in keys:
        xdotool("key", key)


def lateness_while_open(root, seconds: float = 1.5) -> tuple[int, float]:
    """How many 20 ms after() ticks ran in `seconds`, and the longest gap between two."""
    ticks: list[float] = []

    def tick() -> None:
        ticks.append(time.monotonic())
        if len(ticks) < 10_000:
            root.after(20, tick)

    root.after(20, tick)
    pump_for(root, seconds)
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    return len(ticks), max(gaps)


def test_zenity_opens_the_typed_file_while_the_window_keeps_answering(
    open_app, samples_dir, monkeypatch
):
    need_zenity()
    monkeypatch.setenv(FILE_DIALOG_ENV, "zenity")
    window = open_app()
    image = samples_dir / "rapidocr" / "short.png"

    started = time.monotonic()
    window.open_images()
    assert time.monotonic() - started < 1.0  # the window did not wait for the dialog
    wid = wait_dialog(window.root, "Open images")
    assert file_dialogs.picking() and shown_by(wid) == "zenity"

    ticks, longest = lateness_while_open(window.root)
    assert ticks > 30 and longest < 0.3, (ticks, longest)
    assert window.jobs == {}  # nothing chosen yet

    type_into(wid, "Return", text=str(image))
    pump(window.root, lambda: len(window.jobs) == 1, 60, "the chosen image to be queued")
    assert [e.name for e in window.jobs.values()] == ["short.png"]
    assert not file_dialogs.picking()
    assert window.settings.gui.last_open_dir == str(image.parent)


def test_zenity_cancel_queues_nothing(open_app, monkeypatch):
    need_zenity()
    monkeypatch.setenv(FILE_DIALOG_ENV, "zenity")
    window = open_app()
    window.open_images()
    wid = wait_dialog(window.root, "Open images")
    type_into(wid, "Escape")
    pump(window.root, lambda: not file_dialogs.picking(), 30, "the dialog to be answered")
    pump_for(window.root, 1.0)
    assert window.jobs == {} and window.searching == 0
    assert dialog_window("Open images") is None


def test_zenity_saves_the_export_where_typed(open_app, samples_dir, monkeypatch, tmp_path):
    need_zenity()
    from tests.gui.driving import wait_done

    window = open_app([samples_dir / "rapidocr" / "short.png"])
    pump(window.root, lambda: window.searching == 0, 60, "the image to be queued")
    wait_done(window)
    monkeypatch.setenv(FILE_DIALOG_ENV, "zenity")
    target = tmp_path / "chosen" / "short-text"  # no extension: the suggested one is added
    target.parent.mkdir()
    window.exports.export_dialog("current")
    wid = wait_dialog(window.root, "Export current image")
    type_into(wid, "ctrl+a", text=str(target))
    xdotool("key", "Return")
    written = target.with_suffix(".txt")
    pump(window.root, written.exists, 60, "the export to be written")
    assert written.read_text(encoding="utf-8").strip() == window.text_panel.content.strip()
    assert window.settings.gui.last_export_dir == str(target.parent)


def test_the_setting_picks_zenity_for_a_folder(open_app, samples_dir, monkeypatch, tmp_path):
    """gui.file_dialog in settings.yaml, with no variable set: zenity picks the folder."""
    need_zenity()
    from desktop_ocr.services.settings_store import SettingsStore

    monkeypatch.delenv(FILE_DIALOG_ENV)
    store = SettingsStore()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text("version: 1\ngui:\n  file_dialog: zenity\n", encoding="utf-8")
    folder = tmp_path / "pictures"
    folder.mkdir()
    shutil.copy(samples_dir / "rapidocr" / "short.png", folder / "page.png")
    window = open_app()
    window.open_folder()
    wid = wait_dialog(window.root, "Open a folder of images")
    assert shown_by(wid) == "zenity"
    type_into(wid, "Return", text=str(folder))
    pump(window.root, lambda: len(window.jobs) == 1, 60, "the folder's image to be queued")
    assert [e.name for e in window.jobs.values()] == ["page.png"]
    assert window.settings.gui.last_open_dir == str(folder)


def test_the_settings_dialog_chooses_the_file_dialog(open_app, monkeypatch, config_dir):
    """Settings → Appearance → File dialogs: saved, and used from the next dialog on."""
    need_zenity()
    import yaml

    monkeypatch.delenv(FILE_DIALOG_ENV)
    window = open_app()
    dialog = window.open_settings()
    box = dialog.appearance.file_dialog_box
    assert box.get() == "The desktop's own"
    box.set("zenity (GTK)")
    dialog.apply_button.invoke()
    saved = yaml.safe_load((config_dir / "settings.yaml").read_text(encoding="utf-8"))
    assert saved["gui"]["file_dialog"] == "zenity"
    window.open_images()
    wid = wait_dialog(window.root, "Open images")
    assert shown_by(wid) == "zenity"
    type_into(wid, "Escape")
    pump(window.root, lambda: not file_dialogs.picking(), 30, "the dialog to close")
    assert window.open_settings().appearance.file_dialog_box.get() == "zenity (GTK)"


def test_zenity_is_ended_when_the_window_closes(open_app, monkeypatch):
    need_zenity()
    monkeypatch.setenv(FILE_DIALOG_ENV, "zenity")
    window = open_app()
    window.open_folder()
    wait_dialog(window.root, "Open a folder of images")
    window.close()
    deadline = time.monotonic() + 10
    while dialog_window("Open a folder of images") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert dialog_window("Open a folder of images") is None
    assert not file_dialogs.picking()


def test_without_a_desktop_picker_tk_dialog_is_shown(open_app, samples_dir, monkeypatch, tmp_path):
    """Auto, with no session bus and neither zenity nor kdialog on PATH: Tk's own dialog."""
    monkeypatch.setenv(FILE_DIALOG_ENV, "auto")
    no_session_bus(monkeypatch, tmp_path)
    only_xdotool_on_path(monkeypatch, tmp_path)
    window = open_app()
    image = samples_dir / "rapidocr" / "short.png"
    answer_file_dialog(window.root, [str(image)])
    window.open_images()
    pump(window.root, lambda: len(window.jobs) == 1, 60, "the image chosen in Tk's dialog")
    assert [e.name for e in window.jobs.values()] == ["short.png"]


def test_tk_dialog_chooses_where_the_searchable_pdf_goes(open_app, samples_dir, tmp_path):
    """Tk's save dialog (as in every window test) for the searchable PDF export."""
    from tests.gui.driving import wait_done

    window = open_app([samples_dir / "rapidocr" / "short.png"])
    pump(window.root, lambda: window.searching == 0, 60, "the image to be queued")
    wait_done(window)
    target = tmp_path / "searchable.pdf"
    answer_file_dialog(window.root, [str(target)])
    window.exports.export_pdf_dialog("current")
    job = window.exports.pdf_job
    assert job is not None  # the dialog's answer started the export
    pump(window.root, lambda: target.exists() and not job.is_alive(), 120, "the PDF")
    assert target.read_bytes().startswith(b"%PDF")


@pytest.fixture
def portal_bus(display, monkeypatch, tmp_path):
    """A private D-Bus session whose xdg-desktop-portal (GTK backend) is started on demand."""
    need_xdotool()
    daemon = shutil.which("dbus-daemon")
    if daemon is None or not PORTAL.exists() or not PORTAL_GTK.exists():
        pytest.skip("needs dbus-daemon, xdg-desktop-portal and xdg-desktop-portal-gtk")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {
        **os.environ,
        "DISPLAY": display,
        "XDG_CURRENT_DESKTOP": "GNOME",  # the desktop whose portal backend is GTK's
        "XDG_RUNTIME_DIR": str(runtime),
        "GSETTINGS_BACKEND": "memory",
    }
    proc = subprocess.Popen(
        [daemon, "--session", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    address = proc.stdout.readline().strip()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    yield address
    proc.terminate()
    proc.wait(timeout=10)


def test_the_portal_dialog_is_preferred_and_answers(
    open_app, samples_dir, monkeypatch, tmp_path, portal_bus
):
    """Auto with a real xdg-desktop-portal on the session bus and no zenity: the portal's."""
    monkeypatch.setenv(FILE_DIALOG_ENV, "auto")
    only_xdotool_on_path(monkeypatch, tmp_path)  # no zenity, no kdialog: only the portal
    window = open_app()
    image = samples_dir / "rapidocr" / "ch_en_num.jpg"
    window.open_images()
    wid = wait_dialog(window.root, "Open images", timeout=90)
    assert shown_by(wid).startswith("xdg-desktop-por")  # comm keeps 15 characters
    ticks, longest = lateness_while_open(window.root)
    assert ticks > 30 and longest < 0.3, (ticks, longest)
    type_into(wid, "Return", text=str(image))
    pump(window.root, lambda: len(window.jobs) == 1, 60, "the image chosen in the portal")
    assert [e.name for e in window.jobs.values()] == ["ch_en_num.jpg"]
    assert not file_dialogs.picking()
