"""A system-wide shortcut that starts a capture while the app runs (pynput), off by default.

The callback runs on pynput's own thread: the caller hands it to its main thread (the
window puts it in a queue it polls), never touching Tk from here. Where the platform
does not let an app see keys pressed in other apps' windows (Wayland), or without the
permission that macOS asks for, the shortcut is reported unavailable with what to do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_ocr.services.capture.grab import display_server

logger = logging.getLogger(__name__)

BIND_INSTEAD = (
    "Bind the command `desktop-ocr capture` to a shortcut in your desktop's keyboard "
    "settings instead."
)


class HotkeyUnavailable(Exception):  # noqa: N818 - a state, not a fault of the caller
    """The shortcut cannot be listened for here; the message says why and what to do."""


@dataclass
class GlobalHotkey:
    """A running shortcut listener; `stop()` ends it."""

    combo: str
    listener: Any

    def stop(self, timeout: float = 0.5) -> None:
        """Ends the listener; it hears nothing more from now on.

        On X11 its thread may stay blocked until the next key event arrives, so the
        wait is short: the thread is a daemon and ends by itself.
        """
        self.listener.stop()
        self.listener.join(timeout)

    @property
    def running(self) -> bool:
        return bool(self.listener.is_alive())


def check_combo(combo: str) -> str:
    """The combination, or ValueError saying what is wrong with it (pynput's notation)."""
    from pynput import keyboard

    try:
        keyboard.HotKey.parse(combo)
    except ValueError as exc:
        raise ValueError(
            f"{combo!r} is not a key combination such as <ctrl>+<alt>+o ({exc})"
        ) from exc
    return combo


def shortcut_unavailable() -> str | None:
    """Why a global shortcut cannot listen here, or None where it can (nothing started).

    For `desktop-ocr doctor`: pynput loads its keyboard backend for this platform on
    import, so a backend left out of a packaged app shows here.
    """
    server = display_server()
    if server == "wayland":
        return "Wayland does not let an app see keys pressed in other apps' windows"
    if server == "none":
        return "there is no desktop session to listen to keys in"
    try:
        from pynput import keyboard  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - pynput raises assorted errors without a backend
        return f"pynput cannot load its keyboard backend ({exc})"
    return None


def start_hotkey(combo: str, on_press: Callable[[], None]) -> GlobalHotkey:
    """Listens for `combo` everywhere on the desktop; raises HotkeyUnavailable."""
    server = display_server()
    if server == "wayland":
        raise HotkeyUnavailable(
            "Wayland does not let an app see keys pressed in other apps' windows, so a "
            f"global shortcut cannot work here. {BIND_INSTEAD}"
        )
    if server == "none":
        raise HotkeyUnavailable("There is no desktop session to listen to keys in.")
    try:
        from pynput import keyboard
    except Exception as exc:  # pynput raises assorted errors where no backend can load
        logger.info("pynput cannot load", exc_info=True)
        raise HotkeyUnavailable(f"The global shortcut cannot start here ({exc}).") from exc
    try:
        check_combo(combo)
    except ValueError as exc:
        raise HotkeyUnavailable(str(exc)) from exc
    listener = keyboard.GlobalHotKeys({combo: on_press})
    listener.start()
    listener.wait()
    if not getattr(listener, "IS_TRUSTED", True):  # macOS without Accessibility
        listener.stop()
        raise HotkeyUnavailable(
            "macOS has not allowed this app to watch the keyboard, so the global shortcut "
            "cannot work. Allow it in System Settings > Privacy & Security > Accessibility "
            f"(or Input Monitoring), then start the app again. {BIND_INSTEAD}"
        )
    if not listener.is_alive():
        raise HotkeyUnavailable(f"The global shortcut listener stopped at once. {BIND_INSTEAD}")
    logger.info("global shortcut %s active", combo)
    return GlobalHotkey(combo, listener)
