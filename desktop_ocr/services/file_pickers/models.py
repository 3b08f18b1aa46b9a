"""What a file picker is asked for and what it answers: the nouns shared by every picker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["open_files", "folder", "save"]


class PickerUnavailableError(Exception):
    """This picker cannot run here (not installed, no portal, no display); try the next."""


@dataclass(frozen=True)
class PickRequest:
    """One dialog to show.

    `filetypes` are Tk's pairs (label, "*.png *.jpg"); `parent_window` is the X11 id of
    the window the picker belongs to, so the desktop keeps it above that window.
    """

    kind: Kind
    title: str
    start_dir: str
    filetypes: tuple[tuple[str, str], ...] = ()
    initialfile: str = ""
    parent_window: int | None = None

    def patterns(self) -> list[tuple[str, list[str]]]:
        """Each file type's label with its glob patterns, split."""
        return [(label, pattern.split()) for label, pattern in self.filetypes if pattern.split()]


@dataclass(frozen=True)
class PickResult:
    """The paths chosen (none when the user cancelled) and which picker showed the dialog."""

    paths: tuple[str, ...]
    picker: str
