"""The window's state without Tk: the job list, and how each worker event changes it.

The window hands every worker event to `WindowController.handle` and then draws what
the controller says changed. Keeping this free of Tk lets the rules (what a finished
image shows, what the status bar says, what Clear finished forgets) be tested without a
display, and keeps the Tk side a thin view of this state.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_ocr.engine.config import EngineConfig
from desktop_ocr.engine.results import ProviderReport, StageTimings
from desktop_ocr.gui.job_entry import JobEntry, format_ms
from desktop_ocr.i18n import _, localize, ngettext
from desktop_ocr.services.exporters import ExportItem
from desktop_ocr.services.pdf_export_job import PdfPage
from desktop_ocr.services.worker import (
    EngineFailed,
    EngineLoading,
    EngineReady,
    JobCancelled,
    JobDone,
    JobFailed,
    JobStarted,
    Progress,
    WorkerEvent,
)

FINISHED = ("done", "failed", "cancelled", "skipped")
COUNTED = ("waiting", "running", "done", "failed")


@dataclass(frozen=True)
class Message:
    """A status bar message; a warning is drawn in amber."""

    text: str
    warning: bool = False


@dataclass
class Changes:
    """What the last events changed, for the window to draw (then it is reset)."""

    rows: set[int] = field(default_factory=set)
    message: Message | None = None
    providers: bool = False  # the engine's state changed: redraw the provider label
    timings: bool = False
    count: bool = False
    finished: int | None = None  # a job that has just finished, to show when following
    current: bool = False  # the shown job changed state: draw it again
    engine_error: str | None = None  # the engine could not start: tell the user once


class WindowController:
    """Owns the queue's entries and the engine's state as the window knows them."""

    def __init__(self, config: EngineConfig) -> None:
        self.jobs: dict[int, JobEntry] = {}
        self.current: int | None = None
        self.follow = True  # show each new result until the user picks a row
        self.providers: ProviderReport | None = None
        self.engine_error: str | None = None
        self.engine_config = config
        self.loading_device: str | None = config.device
        self.timings: tuple[str, StageTimings] | None = None
        self.timings_job: int | None = None
        self.running: JobEntry | None = None
        self.changes = Changes()
        self._skipped_ids = -1
        self._pasted = 0

    # -- reading the state -----------------------------------------------------------------

    def take_changes(self) -> Changes:
        changes, self.changes = self.changes, Changes()
        return changes

    def current_entry(self) -> JobEntry | None:
        return self.jobs.get(self.current) if self.current is not None else None

    def count(self) -> tuple[int, int, int]:
        """(finished, total, failed) of the images that are or were to be read."""
        states = [e.state for e in self.jobs.values()]
        total = sum(s in COUNTED for s in states)
        finished = sum(s in ("done", "failed") for s in states)
        return finished, total, states.count("failed")

    def any_running(self) -> bool:
        return any(e.state == "running" for e in self.jobs.values())

    # -- adding work -------------------------------------------------------------------------

    def add_waiting(
        self,
        job_id: int,
        name: str,
        source: Path | bytes,
        page: int | None = None,
        pages: int | None = None,
    ) -> JobEntry:
        entry = JobEntry(job_id, name, source, "waiting", page=page, pages=pages)
        self._add(entry)
        return entry

    def add_skipped(self, path: Path, reason: str) -> JobEntry:
        entry = JobEntry(self._skipped_ids, path.name, path, "skipped", reason=reason)
        self._skipped_ids -= 1
        self._add(entry)
        return entry

    def next_paste_name(self) -> str:
        self._pasted += 1
        return _("Pasted image {n}").format(n=self._pasted)

    def _add(self, entry: JobEntry) -> None:
        self.jobs[entry.job_id] = entry
        self.changes.rows.add(entry.job_id)
        self.changes.count = True
        if entry.state == "waiting":
            self.follow = True
            if self.current is None:
                self.current = entry.job_id
                self.changes.current = True

    def added_message(
        self, queued: int, skipped: Sequence[tuple[Path, str]], pages: int = 0
    ) -> Message:
        """What the status bar says after a search: how many were queued and skipped.

        `queued` counts images, `pages` the pages of documents queued page by page.
        """
        parts = []
        if queued:
            text = ngettext("Queued {n} image.", "Queued {n} images.", queued)
            parts.append(text.format(n=queued))
        if pages:
            text = ngettext("Queued {n} document page.", "Queued {n} document pages.", pages)
            parts.append(text.format(n=pages))
        queued += pages
        if skipped:
            names = ", ".join(p.name for p, _reason in skipped[:3])
            if len(skipped) > 3:
                names = _("{names} and {n} more").format(names=names, n=len(skipped) - 3)
            reasons = {r for _p, r in skipped}
            reason = skipped[0][1] if len(reasons) == 1 else _("see the queue")
            parts.append(
                ngettext(
                    "Skipped {n} file ({names}): {reason}.",
                    "Skipped {n} files ({names}): {reason}.",
                    len(skipped),
                ).format(n=len(skipped), names=names, reason=reason)
            )
        if not queued and not skipped:
            parts.append(_("No images found there."))
        return Message(" ".join(parts), warning=bool(skipped) or not queued)

    # -- user actions ------------------------------------------------------------------------

    def select(self, job_id: int) -> JobEntry | None:
        """The user picked a row: show it and stop following new results."""
        entry = self.jobs.get(job_id)
        if entry is not None:
            self.follow = False
            self.current = job_id
        return entry

    def clear_finished(self) -> list[int]:
        """Forgets finished rows; returns their ids. Their timings leave the status bar too."""
        gone = [j for j, e in self.jobs.items() if e.state in FINISHED]
        for job_id in gone:
            del self.jobs[job_id]
        if self.current in gone:
            self.current = None
        if self.timings_job in gone:
            self.timings, self.timings_job = None, None
            self.changes.timings = True
        self.changes.count = True
        return gone

    def cancelled_message(self, dropped: int) -> Message:
        if not dropped:
            return Message(_("Nothing is waiting."))
        text = ngettext(
            "Cancelled {n} waiting image.", "Cancelled {n} waiting images.", dropped
        ).format(n=dropped)
        if self.any_running():
            text += " " + _("The running image will finish.")
        return Message(text)

    def reconfigure(self, config: EngineConfig) -> None:
        """A new config was applied: the engine is rebuilt before the next image."""
        self.providers, self.engine_error = None, None
        self.loading_device = config.device
        self.changes.providers = True

    def set_edited_text(self, job_id: int, text: str) -> bool:
        """Keeps the user's edit of a result's text; an edit back to the original is dropped."""
        entry = self.jobs.get(job_id)
        if entry is None or entry.result is None:
            return False
        entry.edited_text = None if text == entry.result.page_text else text
        return True

    def export_items(self, scope: str) -> list[ExportItem]:
        """What an export of the current image ('current') or of all results ('all') holds."""
        if scope == "current":
            entry = self.current_entry()
            entries = [entry] if entry is not None else []
        else:
            entries = list(self.jobs.values())
        return [
            ExportItem(
                e.label,
                result=e.result,
                error=e.reason if e.state == "failed" else None,
                edited_text=e.edited_text,
            )
            for e in entries
            if e.state in ("done", "failed")
        ]

    def pdf_pages(self, scope: str) -> tuple[list[PdfPage], int]:
        """The pages of a searchable PDF of the current document ('current': all its pages)
        or of all results ('all'), in queue order, and how many rows were left out for
        want of a result (failed, cancelled or not read yet)."""
        entry = self.current_entry()
        if scope == "current":
            entries = [e for e in self.jobs.values() if _same_document(e, entry)] if entry else []
        else:
            entries = [e for e in self.jobs.values() if e.state != "skipped"]
        pages = [
            PdfPage(e.label, e.source, e.result, e.page, e.dpi, e.edited_text)
            for e in entries
            if e.state == "done" and e.result is not None and e.source is not None
        ]
        return pages, len(entries) - len(pages)

    # -- worker events -----------------------------------------------------------------------

    def handle(self, event: WorkerEvent) -> None:
        """Applies one worker event to the state, noting what changed in `changes`."""
        changes = self.changes
        if isinstance(event, EngineLoading):
            self.providers, self.loading_device = None, event.device
            changes.providers = True
        elif isinstance(event, EngineReady):
            self._engine_ready(event)
        elif isinstance(event, EngineFailed):
            self.providers, self.loading_device = None, None
            self.engine_error = localize(event.message)
            changes.providers = True
            changes.engine_error = self.engine_error
        elif isinstance(event, JobStarted):
            entry = self.jobs.get(event.job_id)
            if entry is not None:
                entry.state, entry.started = "running", time.perf_counter()
                self.running = entry
                self._changed(entry)
                self._say(Message(_("Reading {name}…").format(name=entry.name)))
        elif isinstance(event, JobDone):
            self._job_done(event)
        elif isinstance(event, JobFailed):
            entry = self.jobs.get(event.job_id)
            if entry is not None:
                entry.state, entry.reason = "failed", localize(event.reason)
                self._changed(entry)
                self._say(Message(f"{entry.name}: {entry.reason}", warning=True))
                changes.finished = entry.job_id
        elif isinstance(event, JobCancelled):
            entry = self.jobs.get(event.job_id)
            if entry is not None:
                entry.state = "cancelled"
                self._changed(entry)
        elif isinstance(event, Progress):
            changes.count = True

    def _say(self, message: Message) -> None:
        """Sets the status message, unless a warning came since the window last drew.

        Events arrive in bursts between two draws: the CUDA fallback is posted just
        before the result of the image it happened on, and a warning replaced by news
        of the same burst would never be seen.
        """
        said = self.changes.message
        if said is not None and said.warning and not message.warning:
            return
        self.changes.message = message

    def _changed(self, entry: JobEntry) -> None:
        self.changes.rows.add(entry.job_id)
        self.changes.count = True
        if entry.job_id == self.current:
            self.changes.current = True

    def _engine_ready(self, event: EngineReady) -> None:
        self.providers, self.engine_error = event.providers, None
        self.loading_device = None
        self.engine_config = event.config
        self.changes.providers = True
        if event.providers.fell_back:
            why = event.providers.diagnosis
            summary = localize(why.summary) if why else _("the provider was not granted")
            template = (
                # CUDA was granted, then failed on a run: the engine now runs on the CPU.
                _(
                    "CUDA failed, so the engine was rebuilt on the CPU and carries on there: "
                    "{summary}"
                )
                if event.message
                else _("CUDA was requested, but images are read on the CPU: {summary}")
            )
            self._say(Message(template.format(summary=summary), warning=True))
        else:
            template = (
                _("Models loaded in {seconds:.1f} s on {device} (warmed up).")
                if event.warmed_up
                else _("Models loaded in {seconds:.1f} s on {device}.")
            )
            self._say(
                Message(template.format(seconds=event.seconds, device=event.config.device.upper()))
            )

    def _job_done(self, event: JobDone) -> None:
        entry = self.jobs.get(event.job_id)
        if entry is None:
            return  # cleared while it was running
        entry.state, entry.result, entry.dpi = "done", event.result, event.dpi
        entry.config_source = self.engine_config.source
        self._changed(entry)
        self.timings, self.timings_job = (entry.name, event.result.timings), entry.job_id
        self.changes.timings = True
        count = len(event.result.lines)
        self._say(
            Message(
                ngettext(
                    "{name}: {n} line in {time}.", "{name}: {n} lines in {time}.", count
                ).format(name=entry.name, n=count, time=format_ms(event.result.timings.total))
            )
        )
        self.changes.finished = entry.job_id


def _same_document(entry: JobEntry, current: JobEntry) -> bool:
    return entry.document_id == current.document_id and entry.source == current.source
