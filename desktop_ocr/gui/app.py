"""Starts the window: settings, the Tk root with drag-and-drop, the worker, the main loop."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from desktop_ocr.engine.sessions import SessionConstructor
from desktop_ocr.gui import file_dialogs
from desktop_ocr.gui.dnd import create_root
from desktop_ocr.gui.dpi import declare_dpi_aware
from desktop_ocr.gui.main_window import MainWindow
from desktop_ocr.gui.window_setup import PANE_SHARES, place_sashes
from desktop_ocr.i18n import set_language
from desktop_ocr.services.settings_store import SettingsStore

logger = logging.getLogger(__name__)


def open_window(
    paths: Sequence[str | Path] = (),
    *,
    store: SettingsStore | None = None,
    session_factory: SessionConstructor | None = None,
) -> MainWindow:
    """Builds the window (raises tk.TclError without a display) and queues `paths`.

    `session_factory` makes the engine's onnxruntime sessions (default: onnxruntime's
    own); a test hands in sessions that fail as a broken GPU does, on any machine.
    """
    store = store or SettingsStore()
    loaded = store.load()
    set_language(loaded.settings.gui.language)  # before any text is made
    file_dialogs.set_preference(loaded.settings.gui.file_dialog)
    declare_dpi_aware()
    root, dnd_error = create_root()
    # Shown only once it is whole: mapped at once, Tk would show the window without the
    # menu bar's height and grow it a moment later (on X11 the bar is inside the window).
    root.withdraw()
    window = MainWindow(
        root, store=store, loaded=loaded, dnd_error=dnd_error, session_factory=session_factory
    )
    root.update_idletasks()
    root.deiconify()
    place_sashes(root, window.panes, PANE_SHARES)
    if paths:
        window.add_paths(paths)
    return window


def run_window(window: MainWindow) -> int:
    """Runs the window until it is closed; returns the exit status."""
    try:
        window.root.mainloop()
    except KeyboardInterrupt:
        window.close()
    window.close()  # a no-op when the window closed itself; joins the worker
    return 0
