"""Wayland: the screen through the xdg-desktop-portal Screenshot service, over D-Bus.

A Wayland compositor gives no app the pixels of other apps' windows; the portal is the
one door, and the desktop may ask the user's consent before it opens. The portal
writes the picture to a file and answers with its URI; the file is read and deleted.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

from PIL import Image

from desktop_ocr.services.capture.models import (
    CaptureError,
    Monitor,
    MonitorShot,
    Rect,
    Screenshot,
)

logger = logging.getLogger(__name__)

NAME = "xdg-desktop-portal"
PORTAL_BUS = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SCREENSHOT_INTERFACE = "org.freedesktop.portal.Screenshot"
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
ANSWER_TIMEOUT_S = 120.0  # the desktop may show a consent dialog first
FIX = (
    "Install xdg-desktop-portal with the backend of your desktop (xdg-desktop-portal-gnome, "
    "-kde or -wlr) and log in again, or choose an X11 session at the login screen."
)


def session_bus_address() -> str | None:
    """DBUS_SESSION_BUS_ADDRESS, else the systemd user bus socket where it exists."""
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return address
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime, "bus").exists():
        return f"unix:path={Path(runtime, 'bus')}"
    return None


def grab(logical_size: tuple[int, int] | None = None) -> Screenshot:
    """Asks the portal for a screenshot of the whole desktop (raises CaptureError).

    The picture covers every monitor at their real pixels; `logical_size` (the screen
    size the windows are placed in) gives the scale between the two.
    """
    started = time.perf_counter()
    path = Path(_ask_portal())
    try:
        with Image.open(path) as opened:
            image = opened.convert("RGB")
    except OSError as exc:
        raise CaptureError(
            f"The screenshot portal answered with a file that cannot be read ({exc}).", FIX
        ) from exc
    finally:
        try:
            path.unlink()  # the portal saved it among the user's pictures; it is ours to remove
        except OSError as exc:
            logger.info("could not remove the portal's screenshot %s: %s", path, exc)
    width, height = logical_size or image.size
    monitor = Monitor(0, Rect(0, 0, width, height), image.width / width, "desktop", True)
    ms = (time.perf_counter() - started) * 1000
    return Screenshot((MonitorShot(monitor, image),), NAME, ms)


def _ask_portal() -> str:
    """The local path of the portal's screenshot; CaptureError when it will not give one."""
    from jeepney import (
        DBusAddress,
        HeaderFields,
        MatchRule,
        MessageType,
        message_bus,
        new_method_call,
    )
    from jeepney.io.blocking import Proxy, open_dbus_connection

    address = session_bus_address()
    if address is None:
        raise CaptureError(
            "This is a Wayland session, where only the xdg-desktop-portal service may grab "
            "the screen, and there is no D-Bus session bus to reach it "
            "(DBUS_SESSION_BUS_ADDRESS is not set).",
            FIX,
        )
    try:
        conn = open_dbus_connection(address)
    except (OSError, RuntimeError, ValueError) as exc:
        raise CaptureError(
            f"This is a Wayland session and the D-Bus session bus at {address} cannot be "
            f"reached ({exc}), so the screenshot portal cannot be asked.",
            FIX,
        ) from exc
    with conn:
        token = f"desktop_ocr_{secrets.token_hex(6)}"
        sender = conn.unique_name.lstrip(":").replace(".", "_")
        request_path = f"{PORTAL_PATH}/request/{sender}/{token}"
        rule = MatchRule(
            type="signal", interface=REQUEST_INTERFACE, member="Response", path=request_path
        )
        Proxy(message_bus, conn, timeout=5).AddMatch(rule)
        portal = DBusAddress(PORTAL_PATH, bus_name=PORTAL_BUS, interface=SCREENSHOT_INTERFACE)
        options = {"handle_token": ("s", token), "interactive": ("b", False)}
        call = new_method_call(portal, "Screenshot", "sa{sv}", ("", options))
        with conn.filter(rule) as responses:
            try:
                reply = conn.send_and_get_reply(call, timeout=10)
            except TimeoutError as exc:
                raise _no_portal("it did not answer within 10 s") from exc
            if reply.header.message_type == MessageType.error:
                detail = reply.body[0] if reply.body else ""
                name = reply.header.fields.get(HeaderFields.error_name, "error")
                raise _no_portal(f"{name}: {detail}".strip(": "))
            try:
                answer = conn.recv_until_filtered(responses, timeout=ANSWER_TIMEOUT_S)
            except TimeoutError as exc:
                raise CaptureError(
                    f"The screenshot portal gave no picture within {ANSWER_TIMEOUT_S:.0f} s.", FIX
                ) from exc
    code, results = answer.body
    if code != 0:
        raise CaptureError(
            "The desktop refused the screenshot"
            + (" (cancelled)." if code == 1 else f" (the portal answered {code})."),
            "Allow desktop-ocr to take screenshots when the desktop asks, and try again.",
        )
    uri = results.get("uri", ("s", ""))[1]
    parsed = urlparse(uri)
    if parsed.scheme != "file" or not parsed.path:
        raise CaptureError(f"The screenshot portal answered without a file ({uri!r}).", FIX)
    return unquote(parsed.path)


def _no_portal(detail: str) -> CaptureError:
    return CaptureError(
        "This is a Wayland session, where only the xdg-desktop-portal Screenshot service "
        f"may grab the screen, and it is not available ({detail}).",
        FIX,
    )
