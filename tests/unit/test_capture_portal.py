"""Wayland: the screenshot portal asked over a real D-Bus daemon of the test's own.

No compositor runs here, so the portal itself cannot; where one is needed, a stand-in
answers on the bus exactly as xdg-desktop-portal documents (a request object path made
from our name and token, then a Response signal with the file's URI). What is tested
is our side of that exchange, and every way it can fail.
"""

from __future__ import annotations

import shutil
import subprocess
import threading

import numpy as np
import pytest
from PIL import Image

from desktop_ocr.services.capture import CaptureError, grab_screen

jeepney = pytest.importorskip("jeepney")
from jeepney import (  # noqa: E402
    DBusAddress,
    HeaderFields,
    MessageType,
    message_bus,
    new_method_return,
    new_signal,
)
from jeepney.io.blocking import Proxy, open_dbus_connection  # noqa: E402

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={socket_dir}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@pytest.fixture
def session_bus(monkeypatch, tmp_path):
    """A private D-Bus session daemon, made the session bus of a Wayland session."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.skip("dbus-daemon is not installed (apt-get install dbus-daemon)")
    # A bus of its own with no service files, so that a portal installed on this
    # machine is not started on it by D-Bus activation.
    config = tmp_path / "bus.conf"
    config.write_text(BUS_CONFIG.format(socket_dir=tmp_path), encoding="utf-8")
    proc = subprocess.Popen(
        [daemon, f"--config-file={config}", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    address = proc.stdout.readline().strip()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    yield address
    proc.terminate()
    proc.wait(timeout=5)


def stand_in_portal(address: str, answer) -> threading.Thread:
    """Owns org.freedesktop.portal.Desktop and answers one Screenshot call with `answer`."""
    conn = open_dbus_connection(address)
    Proxy(message_bus, conn).RequestName("org.freedesktop.portal.Desktop", 4)

    def serve() -> None:
        with conn:
            while True:
                msg = conn.receive(timeout=30)
                if msg.header.message_type != MessageType.method_call:
                    continue
                _parent, options = msg.body
                sender = msg.header.fields[HeaderFields.sender].lstrip(":").replace(".", "_")
                token = options["handle_token"][1]
                path = f"/org/freedesktop/portal/desktop/request/{sender}/{token}"
                conn.send(new_method_return(msg, "o", (path,)))
                code, results = answer()
                request = DBusAddress(path, interface="org.freedesktop.portal.Request")
                conn.send(new_signal(request, "Response", "ua{sv}", (code, results)))
                return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def test_no_session_bus_names_the_missing_piece(monkeypatch, tmp_path):
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    with pytest.raises(CaptureError) as caught:
        grab_screen()
    assert "no D-Bus session bus" in caught.value.reason
    assert "xdg-desktop-portal-gnome" in caught.value.fix


def test_a_bus_without_the_portal_says_it_is_not_available(session_bus):
    with pytest.raises(CaptureError) as caught:
        grab_screen()
    assert "xdg-desktop-portal Screenshot service may grab the screen" in caught.value.reason
    assert "org.freedesktop.DBus.Error.ServiceUnknown" in caught.value.reason


def test_the_portal_picture_is_read_scaled_and_its_file_removed(session_bus, tmp_path):
    pixels = np.random.default_rng(7).integers(0, 256, (1600, 2560, 3), dtype=np.uint8)
    saved = tmp_path / "Screenshot from 2026-11-27.png"
    Image.fromarray(pixels).save(saved)
    thread = stand_in_portal(session_bus, lambda: (0, {"uri": ("s", saved.as_uri())}))
    shot = grab_screen(logical_size=(1280, 800))
    thread.join(timeout=10)
    assert shot.backend == "xdg-desktop-portal" and len(shot.shots) == 1
    only = shot.shots[0]
    assert only.monitor.scale == 2.0 and only.monitor.rect.width == 1280
    assert np.array_equal(np.asarray(only.image), pixels)
    assert not saved.exists()  # the portal left it among the user's pictures


def test_the_user_saying_no_is_reported_as_such(session_bus):
    thread = stand_in_portal(session_bus, lambda: (1, {}))
    with pytest.raises(CaptureError) as caught:
        grab_screen()
    thread.join(timeout=10)
    assert caught.value.reason == "The desktop refused the screenshot (cancelled)."
