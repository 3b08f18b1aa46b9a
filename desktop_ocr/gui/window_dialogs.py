"""The main window's dialogs: messages, settings, About, the benchmark, the CUDA diagnosis."""

from __future__ import annotations

import logging
import tkinter as tk
from typing import TYPE_CHECKING, Any

from desktop_ocr.engine.config import EngineConfig
from desktop_ocr.engine.results import CudaDiagnosis
from desktop_ocr.gui import file_dialogs
from desktop_ocr.gui.about_dialog import APP_NAME, AboutDialog
from desktop_ocr.gui.capture_box import CaptureBox
from desktop_ocr.gui.message_dialog import MessageDialog
from desktop_ocr.gui.settings_dialog import SettingsDialog
from desktop_ocr.i18n import _, localize
from desktop_ocr.services.capture.options import CaptureOptions
from desktop_ocr.services.settings_store import (
    LoadOutcome,
    engine_values,
    with_capture,
    with_engine,
    with_gui,
)

if TYPE_CHECKING:
    from desktop_ocr.gui.controller import WindowController
    from desktop_ocr.gui.status_bar import StatusBar
    from desktop_ocr.services.settings_store import Settings, SettingsStore
    from desktop_ocr.services.worker import OcrWorker

logger = logging.getLogger(__name__)


class WindowDialogs:
    """The dialogs the main window opens; mixed into MainWindow, which sets the attributes
    (and provides apply_hotkey, from WindowCapture)."""

    root: tk.Tk
    dialogs: list[tk.Toplevel]
    controller: WindowController
    worker: OcrWorker
    status: StatusBar
    settings: Settings
    store: SettingsStore
    icon: tk.PhotoImage | None
    _settings_dialog: Any
    hotkey_problem: str | None

    def show_message(
        self, heading: str, body: str = "", *, kind: str = "info", title: str = ""
    ) -> MessageDialog:
        dialog = MessageDialog(
            self.root, title=title or APP_NAME, heading=heading, body=body, kind=kind
        )
        self._keep_dialog(dialog)
        return dialog

    def _keep_dialog(self, dialog: tk.Toplevel) -> None:
        """Remembers open dialogs (newest last), forgetting the closed ones."""
        self.dialogs = [d for d in self.dialogs if d.winfo_exists()]
        self.dialogs.append(dialog)

    def open_settings(self) -> SettingsDialog:
        if self._settings_dialog is not None and self._settings_dialog.winfo_exists():
            self._settings_dialog.lift()
            return self._settings_dialog
        gui = self.settings.gui
        dialog = SettingsDialog(
            self.root,
            values=engine_values(self.worker.config),
            on_apply=self.apply_settings,
            appearance={
                "theme": gui.theme,
                "language": gui.language,
                "file_dialog": gui.file_dialog,
            },
            capture=lambda parent: CaptureBox(
                parent, self.settings.capture, self.hotkey_problem
            ),
        )
        self._settings_dialog = dialog
        return dialog

    def save_settings(self, *, tell: bool = False) -> bool:
        """Writes the settings file; on failure says so, in a dialog too when `tell`.

        Apply is the user asking for their settings to be kept: a refusal there must not
        pass as a status message that the engine's next news replaces a second later.
        """
        try:
            self.store.save(self.settings)
        except OSError as exc:
            logger.warning("settings not saved: %s", exc)
            self.status.set_message(
                _("Settings could not be saved: {reason}").format(reason=exc), warning=True
            )
            if tell:
                self.show_message(
                    _("Your settings could not be saved"),
                    _("They apply until the app is closed. {reason}").format(reason=exc),
                    kind="warning",
                    title=_("Settings"),
                )
            return False
        return True

    def apply_settings(
        self,
        overrides: dict[str, Any],
        config: EngineConfig,
        appearance: dict[str, str | None] | None = None,
        capture: CaptureOptions | None = None,
    ) -> None:
        """The dialog's Apply: save, then rebuild the engine on the worker."""
        self.settings = with_engine(self.settings, overrides)
        if appearance is not None:
            self.settings = with_gui(self.settings, **appearance)
            file_dialogs.set_preference(self.settings.gui.file_dialog)  # from the next one
        if capture is not None:
            self.settings = with_capture(self.settings, capture)
            self.apply_hotkey()
        self.save_settings(tell=True)
        if self.worker.reconfigure(config):
            self.controller.reconfigure(config)
            self.status.set_loading(config.device)
        else:  # only the page settings changed: the engine stays as it is
            self.controller.engine_config = config

    def open_about(self) -> AboutDialog:
        dialog = AboutDialog(self.root, self.controller.engine_config, self.icon)
        self._keep_dialog(dialog)
        return dialog

    def open_benchmark(self) -> tk.Toplevel | None:
        try:
            from desktop_ocr.gui.benchmark_dialog import BenchmarkDialog
        except ModuleNotFoundError as exc:
            if exc.name != "desktop_ocr.gui.benchmark_dialog":
                raise
            self.show_message(
                _("The benchmark is not available in this build."),
                _("Run `desktop-ocr bench` from a terminal instead, if it is installed."),
            )
            return None
        except ImportError as exc:
            logger.exception("benchmark dialog failed to load")
            self.show_message(_("The benchmark could not be opened"), str(exc), kind="error")
            return None
        dialog = BenchmarkDialog(self.root)
        self._keep_dialog(dialog)
        return dialog

    def show_provider_details(self) -> MessageDialog | None:
        controller = self.controller
        if controller.engine_error is not None:
            return self.show_message(
                _("The OCR engine could not start"), controller.engine_error, kind="error"
            )
        report = controller.providers
        if report is None or not report.fell_back:
            return None
        diagnosis = report.diagnosis
        if diagnosis is not None:
            return self.show_message(
                localize(diagnosis.summary),
                diagnosis_text(diagnosis),
                kind="warning",
                title=_("CUDA failed while running")
                if diagnosis.at_run_time
                else _("Why CUDA is not used"),
            )
        return self.show_message(
            _("A requested execution provider was not granted"),
            _("Requested: {requested}\nGranted: {granted}").format(
                requested=", ".join(report.requested), granted=", ".join(report.granted)
            ),
            kind="warning",
        )

    def _report_settings_problem(self, loaded: LoadOutcome) -> None:
        kept = (
            " " + _("The old file was kept as {path}.").format(path=loaded.backup)
            if loaded.backup
            else ""
        )
        self.status.set_message(_("Settings file unreadable; defaults in use."), warning=True)
        self.show_message(
            _("Your settings could not be read, so the defaults are used."),
            f"{loaded.problem}{kept}",
            kind="warning",
            title=_("Settings"),
        )


def diagnosis_text(diagnosis: CudaDiagnosis) -> str:
    """CudaDiagnosis.text() in the window's language (the details stay as found)."""
    fix = _("How to fix: {fix}").format(fix=localize(diagnosis.fix))
    lines = [localize(diagnosis.summary), "", fix]
    if diagnosis.details:
        lines += ["", _("Details:"), *(f"  {d}" for d in diagnosis.details)]
    return "\n".join(lines)
