"""What the user chose for captures, kept in settings.yaml under `capture:`, checked here."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

COPY_AS = ("lines", "paragraph")
MAX_DELAY_S = 5.0
DEFAULT_HOTKEY = "<ctrl>+<alt>+o"


@dataclass(frozen=True)
class CaptureOptions:
    """How a capture behaves; every default is what a first capture should do."""

    copy_as: str = "lines"  # "lines": a line per line read; "paragraph": one line of text
    show_window: bool = True  # show the main window again after a capture (else keep hidden)
    delay_s: float = 0.0  # wait before grabbing, to open a menu or a tooltip first
    hotkey_enabled: bool = False  # a system-wide shortcut while the app runs
    hotkey: str = DEFAULT_HOTKEY  # in pynput's notation

    def to_mapping(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def parse_options(data: Any, where: str) -> tuple[CaptureOptions, list[str]]:
    """Options from the settings file's `capture:` mapping, and what was ignored and why.

    A wrong value is dropped with a warning rather than resetting every setting: the
    rest of the file is still good.
    """
    warnings: list[str] = []
    if data is None:
        return CaptureOptions(), warnings
    if not isinstance(data, Mapping):
        return CaptureOptions(), [f"{where}: capture: must be a mapping; capture options reset"]
    values: dict[str, Any] = {}
    for key, value in data.items():
        try:
            values[str(key)] = check_option(str(key), value)
        except ValueError as exc:
            warnings.append(f"{where}: capture.{key}: {exc}; ignored")
    return CaptureOptions(**values), warnings


def check_option(key: str, value: Any) -> Any:
    """The value, normalised, or ValueError saying what a good one looks like."""
    if key == "copy_as":
        if value not in COPY_AS:
            raise ValueError(f"must be one of {', '.join(COPY_AS)}; got {value!r}")
        return value
    if key in ("show_window", "hotkey_enabled"):
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false; got {value!r}")
        return value
    if key == "delay_s":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"must be a number of seconds; got {value!r}")
        if not math.isfinite(value) or not 0 <= value <= MAX_DELAY_S:
            raise ValueError(f"must be from 0 to {MAX_DELAY_S:g} seconds; got {value!r}")
        return float(value)
    if key == "hotkey":
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"must be a key combination such as {DEFAULT_HOTKEY}; got {value!r}")
        return value.strip()
    raise ValueError("unknown key")
