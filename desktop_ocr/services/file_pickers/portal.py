"""Any desktop with xdg-desktop-portal: its FileChooser, over D-Bus, shows the desktop's dialog.

GNOME, KDE and others implement the portal's FileChooser with their own dialog; it is
the one a sandboxed (Flatpak, Snap) app may use too. The call returns at once with a
request object; the answer comes later as that object's Response signal with file URIs.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from typing import Any
from urllib.parse import unquote, urlparse

from desktop_ocr.services.capture.handlers.portal import session_bus_address
from desktop_ocr.services.file_pickers.models import PickerUnavailableError, PickRequest

logger = logging.getLogger(__name__)

NAME = "portal"
PORTAL_BUS = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
FILE_CHOOSER = "org.freedesktop.portal.FileChooser"
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
FOLDERS_SINCE = 3  # the FileChooser version that picks folders
START_TIMEOUT_S = 10.0  # the portal may be started by D-Bus on the first call
WAIT_S = 0.2


def options(request: PickRequest, token: str) -> dict[str, tuple[str, Any]]:
    """The a{sv} options of OpenFile or SaveFile for `request`."""
    opts: dict[str, tuple[str, Any]] = {
        "handle_token": ("s", token),
        "modal": ("b", True),
        "current_folder": ("ay", os.fsencode(request.start_dir) + b"\0"),
    }
    if request.kind == "open_files":
        opts["multiple"] = ("b", True)
    elif request.kind == "folder":
        opts["directory"] = ("b", True)
    else:
        opts["current_name"] = ("s", request.initialfile)
    filters = [(label, [(0, glob) for glob in globs]) for label, globs in request.patterns()]
    if filters and request.kind != "folder":
        opts["filters"] = ("a(sa(us))", filters)
    return opts


def pick(request: PickRequest, cancel: threading.Event) -> list[str]:
    """The paths chosen, [] when cancelled; PickerUnavailableError when no portal answers."""
    from jeepney import (
        DBusAddress,
        MatchRule,
        MessageType,
        Properties,
        message_bus,
        new_method_call,
    )
    from jeepney.io.blocking import Proxy, open_dbus_connection

    address = session_bus_address()
    if address is None:
        raise PickerUnavailableError("there is no D-Bus session bus")
    try:
        conn = open_dbus_connection(address)
    except (OSError, RuntimeError, ValueError) as exc:
        raise PickerUnavailableError(f"the D-Bus session bus cannot be reached ({exc})") from exc
    with conn:
        chooser = DBusAddress(PORTAL_PATH, bus_name=PORTAL_BUS, interface=FILE_CHOOSER)
        version = _version(conn, Properties(chooser).get("version"))
        if request.kind == "folder" and version < FOLDERS_SINCE:
            raise PickerUnavailableError(f"the portal's FileChooser {version} cannot pick folders")
        token = f"desktop_ocr_{secrets.token_hex(6)}"
        sender = conn.unique_name.lstrip(":").replace(".", "_")
        request_path = f"{PORTAL_PATH}/request/{sender}/{token}"
        rule = MatchRule(
            type="signal", interface=REQUEST_INTERFACE, member="Response", path=request_path
        )
        Proxy(message_bus, conn, timeout=5).AddMatch(rule)
        parent = f"x11:{request.parent_window:x}" if request.parent_window else ""
        method = "SaveFile" if request.kind == "save" else "OpenFile"
        call = new_method_call(
            chooser, method, "ssa{sv}", (parent, request.title, options(request, token))
        )
        with conn.filter(rule) as responses:
            reply = conn.send_and_get_reply(call, timeout=START_TIMEOUT_S)
            if reply.header.message_type == MessageType.error:
                raise PickerUnavailableError(f"the portal refused {method}: {reply.body}")
            while True:
                if cancel.is_set():
                    closing = DBusAddress(
                        request_path, bus_name=PORTAL_BUS, interface=REQUEST_INTERFACE
                    )
                    conn.send(new_method_call(closing, "Close"))
                    return []
                try:
                    answer = conn.recv_until_filtered(responses, timeout=WAIT_S)
                    break
                except TimeoutError:
                    continue
    code, results = answer.body
    if code != 0:  # 1: the user cancelled; 2: the dialog ended some other way
        logger.debug("the portal's %s ended with code %s", method, code)
        return []
    return [_local_path(uri) for uri in results.get("uris", ("as", []))[1]]


def _version(conn: Any, message: Any) -> int:
    from jeepney import HeaderFields, MessageType

    try:
        reply = conn.send_and_get_reply(message, timeout=START_TIMEOUT_S)
    except TimeoutError as exc:
        raise PickerUnavailableError("the portal did not answer") from exc
    if reply.header.message_type == MessageType.error:
        name = reply.header.fields.get(HeaderFields.error_name, "error")
        raise PickerUnavailableError(f"no FileChooser portal ({name})")
    return int(reply.body[0][1])


def _local_path(uri: str) -> str:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        raise PickerUnavailableError(f"the portal answered with a non-local file ({uri})")
    return unquote(parsed.path)
