"""Copy and export from the window: what goes out, the file dialog, and what the user is told."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_ocr.gui import file_dialogs
from desktop_ocr.i18n import N_, _, localize, localize_error, ngettext
from desktop_ocr.services.exporters import FORMATS, export, format_for_path
from desktop_ocr.services.pdf_export_job import (
    PdfExportJob,
    PdfFailed,
    PdfProgress,
    PdfWritten,
)

if TYPE_CHECKING:
    from desktop_ocr.gui.main_window import MainWindow

logger = logging.getLogger(__name__)

POLL_MS = 100

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
        self.pdf_job: PdfExportJob | None = None  # the searchable PDF being written
        self._left_out = 0

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
        file_dialogs.save_as(
            window.root,
            title=_("Export current image") if scope == "current" else _("Export all results"),
            initialdir=gui.last_export_dir or gui.last_open_dir,
            initialfile=f"{stem}.txt",
            filetypes=[(_(label), pattern) for label, pattern in EXPORT_TYPES],
            on_chosen=lambda path: self.export_to(scope, path),
        )

    def export_to(self, scope: str, path: str | Path) -> Path | None:
        """Writes an export; the format comes from the file's suffix."""
        window = self.window
        window.keep_edits()
        items = window.controller.export_items(scope)
        try:
            fmt = format_for_path(path)
            written = export(items, path, fmt)
        except ValueError as exc:
            window.show_message(_("Choose a file type"), localize_error(exc), kind="warning")
            return None
        except OSError as exc:
            window.show_message(
                _("The export could not be written"), localize_error(exc), kind="error"
            )
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

    # -- searchable PDF ---------------------------------------------------------------------

    def export_pdf_dialog(self, scope: str) -> None:
        """Asks where to write a searchable PDF of the current document or of all results."""
        window = self.window
        window.keep_edits()
        pages, _left_out = window.controller.pdf_pages(scope)
        if not pages:
            text = (
                _("The current document has no pages read yet.")
                if scope == "current"
                else _("The queue has no results to export yet.")
            )
            window.status.set_message(text, warning=True)
            return
        stem = Path(_document(pages[0].name)).stem if scope == "current" else ""
        gui = window.settings.gui
        file_dialogs.save_as(
            window.root,
            title=_("Export a searchable PDF"),
            initialdir=gui.last_export_dir or gui.last_open_dir,
            initialfile=f"{stem or 'ocr-results'}-searchable.pdf",
            filetypes=[(_("Searchable PDF"), "*.pdf")],
            on_chosen=lambda path: self.export_pdf_to(scope, path),
        )

    def export_pdf_to(self, scope: str, path: str | Path) -> PdfExportJob | None:
        """Starts writing the PDF in the background; the status bar follows it."""
        window = self.window
        window.keep_edits()
        if self.pdf_job is not None and self.pdf_job.is_alive():
            window.status.set_message(_("A searchable PDF is being written already."), warning=True)
            return None
        pages, self._left_out = window.controller.pdf_pages(scope)
        if not pages:
            window.status.set_message(_("No pages have been read to export yet."), warning=True)
            return None
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(".pdf")
        title = Path(_document(pages[0].name)).name if scope == "current" else ""
        config = window.controller.engine_config
        self.pdf_job = PdfExportJob(target, pages, config, title=title).start()
        window.status.set_message(_("Writing a searchable PDF to {path}…").format(path=target))
        window.root.after(POLL_MS, self._poll_pdf)
        return self.pdf_job

    def _poll_pdf(self) -> None:
        job, window = self.pdf_job, self.window
        if job is None or window._closed:
            return
        while not job.events.empty():
            event = job.events.get_nowait()
            if isinstance(event, PdfProgress):
                window.status.set_message(
                    _("Writing a searchable PDF: page {n} of {total}…").format(
                        n=event.written, total=event.total
                    )
                )
            elif isinstance(event, PdfWritten):
                self._pdf_written(event)
                return
            elif isinstance(event, PdfFailed):
                window.status.set_message(_("The searchable PDF was not written."), warning=True)
                window.show_message(
                    _("The searchable PDF could not be written"),
                    localize(event.reason),
                    kind="error",
                )
                return
        window.root.after(POLL_MS, self._poll_pdf)

    def _pdf_written(self, event: PdfWritten) -> None:
        window = self.window
        window.remember_dir("last_export_dir", event.path.parent)
        text = ngettext(
            "Exported {n} page as a searchable PDF to {path}.",
            "Exported {n} pages as a searchable PDF to {path}.",
            event.pages,
        ).format(n=event.pages, path=event.path)
        if self._left_out:
            text += " " + ngettext(
                "{n} row without a result was left out.",
                "{n} rows without a result were left out.",
                self._left_out,
            ).format(n=self._left_out)
        window.status.set_message(text, warning=bool(self._left_out))

    def close(self) -> None:
        """The window is closing: a PDF being written is dropped, leaving no file."""
        if self.pdf_job is not None and not self.pdf_job.cancel(timeout=30):
            logger.warning("the searchable PDF did not stop in time")


def _document(name: str) -> str:
    """The file a page's name refers to: `a/scan.pdf — page 3/12` is `a/scan.pdf`."""
    return name.split(" — page ")[0]
