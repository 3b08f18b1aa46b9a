"""Copy and export from the window: what goes out, the file dialog, and what the user is told."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_ocr.gui import file_dialogs
from desktop_ocr.i18n import N_, _, ngettext
from desktop_ocr.services.exporters import FORMATS, export, format_for_path

if TYPE_CHECKING:
    from desktop_ocr.gui.main_window import MainWindow

logger = logging.getLogger(__name__)

EXPORT_TYPES = [
    (N_("Plain text"), "*.txt"),
    ("JSON", "*.json"),
    ("Markdown", "*.md"),
    ("CSV", "*.csv"),
]


class ExportActions:
    """Copy all, Export current image and Export all results, for one window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def copy_all(self) -> None:
        window = self.window
        window.keep_edits()
        entry = window.controller.current_entry()
        if entry is None or entry.result is None:
            window.status.set_message(_("No text to copy yet."), warning=True)
            return
        window.root.clipboard_clear()
        window.root.clipboard_append(entry.text)
        count = sum(1 for row in entry.text.splitlines() if row.strip())
        window.status.set_message(
            ngettext(
                "Copied {n} line of {name}.", "Copied {n} lines of {name}.", count
            ).format(n=count, name=entry.name)
        )

    def export_dialog(self, scope: str) -> None:
        window = self.window
        window.keep_edits()
        items = window.controller.export_items(scope)
        if not items:
            text = (
                _("The current image has no results to export yet.")
                if scope == "current"
                else _("The queue has no results to export yet.")
            )
            window.status.set_message(text, warning=True)
            return
        stem = Path(items[0].name).stem if scope == "current" else "ocr-results"
        gui = window.settings.gui
        path = file_dialogs.save_file(
            window.root,
            title=_("Export current image") if scope == "current" else _("Export all results"),
            initialdir=gui.last_export_dir or gui.last_open_dir,
            initialfile=f"{stem}.txt",
            filetypes=[(_(label), pattern) for label, pattern in EXPORT_TYPES],
        )
        if path:
            self.export_to(scope, path)

    def export_to(self, scope: str, path: str | Path) -> Path | None:
        """Writes an export; the format comes from the file's suffix."""
        window = self.window
        window.keep_edits()
        items = window.controller.export_items(scope)
        try:
            fmt = format_for_path(path)
            written = export(items, path, fmt)
        except ValueError as exc:
            window.show_message(_("Choose a file type"), str(exc), kind="warning")
            return None
        except OSError as exc:
            window.show_message(_("The export could not be written"), str(exc), kind="error")
            return None
        window.remember_dir("last_export_dir", Path(written).parent)
        window.status.set_message(
            ngettext(
                "Exported {n} image as {format} to {path}.",
                "Exported {n} images as {format} to {path}.",
                len(items),
            ).format(n=len(items), format=_(FORMATS[fmt]), path=written)
        )
        return written
