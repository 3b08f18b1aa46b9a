"""Every file dialog of the app: the desktop's own picker where there is one, else Tk's.

On Windows and macOS Tk's dialogs are the system's own. On Linux Tk draws a plain one,
so the desktop's picker is asked first (the xdg-desktop-portal, zenity or kdialog, see
services.file_pickers); it runs on a thread and its answer is picked up by an `after()`
poll, so the window keeps drawing and reading while the dialog is open. Where none can
run, Tk's dialog is shown, told to hide dot-folders (it shows them by default, burying a
user's folders under .cache and .config). Every dialog starts in the folder the caller
remembers, else in Pictures. Answers arrive through a callback, and only when the
user chose something.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
import tkinter as tk
from collections.abc import Callable, Sequence
from pathlib import Path
from tkinter import filedialog

from desktop_ocr.services import file_pickers
from desktop_ocr.services.file_pickers import PickRequest, PickResult

logger = logging.getLogger(__name__)

FileTypes = Sequence[tuple[str, str]]
POLL_MS = 50

_preference: str | None = None  # the settings' gui.file_dialog
_open: list[_Picking] = []


def set_preference(setting: str | None) -> None:
    """The settings' choice of dialog (auto, tk, portal, zenity, kdialog); the variable
    DESKTOP_OCR_FILE_DIALOG overrides it."""
    global _preference
    _preference = setting


def picking() -> bool:
    """Whether a desktop picker is open (its answer not yet taken)."""
    return bool(_open)


def pictures_dir() -> str:
    """Where images usually are: the user's Pictures folder, or home when there is none."""
    try:
        import platformdirs

        folder = Path(platformdirs.user_pictures_dir())
    except (ImportError, OSError):  # no such folder known on this system
        folder = Path.home()
    return str(folder if _is_folder(folder) else Path.home())


def start_dir(remembered: str | None) -> str:
    """The remembered folder while it exists and can be entered, else the Pictures folder."""
    if remembered and _is_folder(Path(remembered)) and os.access(remembered, os.R_OK | os.X_OK):
        return remembered
    return pictures_dir()


def _is_folder(path: Path) -> bool:
    """False also where a folder above it cannot be entered (is_dir raises there)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def open_files(
    parent: tk.Misc,
    *,
    title: str,
    initialdir: str | None,
    filetypes: FileTypes,
    on_chosen: Callable[[list[str]], None],
) -> None:
    """Asks for files to open; `on_chosen` gets them (not called when cancelled)."""
    request = PickRequest("open_files", title, start_dir(initialdir), tuple(filetypes))

    def tk_dialog() -> None:
        _hide_dot_files(parent)
        chosen = filedialog.askopenfilenames(
            parent=parent,
            title=title,
            initialdir=request.start_dir,
            filetypes=list(filetypes),
        )
        paths = list(parent.tk.splitlist(chosen)) if chosen else []
        if paths:
            on_chosen(paths)

    _ask(parent, request, tk_dialog, lambda paths: on_chosen(paths) if paths else None)


def choose_folder(
    parent: tk.Misc, *, title: str, initialdir: str | None, on_chosen: Callable[[str], None]
) -> None:
    """Asks for a folder; `on_chosen` gets it (not called when cancelled)."""
    request = PickRequest("folder", title, start_dir(initialdir))

    def tk_dialog() -> None:
        _hide_dot_files(parent)
        folder = filedialog.askdirectory(
            parent=parent, title=title, initialdir=request.start_dir, mustexist=True
        )
        if folder:
            on_chosen(folder)

    _ask(parent, request, tk_dialog, lambda paths: on_chosen(paths[0]) if paths else None)


def save_as(
    parent: tk.Misc,
    *,
    title: str,
    initialdir: str | None,
    initialfile: str,
    filetypes: FileTypes,
    on_chosen: Callable[[str], None],
) -> None:
    """Asks where to save; `on_chosen` gets the path (not called when cancelled).

    A name typed without an extension gets the suggested file's, as Tk's dialog does.
    """
    request = PickRequest(
        "save", title, start_dir(initialdir), tuple(filetypes), initialfile=initialfile
    )
    suffix = Path(initialfile).suffix

    def tk_dialog() -> None:
        _hide_dot_files(parent)
        path = filedialog.asksaveasfilename(
            parent=parent,
            title=title,
            initialdir=request.start_dir,
            initialfile=initialfile,
            defaultextension=suffix,
            filetypes=list(filetypes),
        )
        if path:
            on_chosen(path)

    def answered(paths: list[str]) -> None:
        if paths:
            path = Path(paths[0])
            on_chosen(str(path if path.suffix or not suffix else path.with_suffix(suffix)))

    _ask(parent, request, tk_dialog, answered)


def _ask(
    parent: tk.Misc,
    request: PickRequest,
    tk_dialog: Callable[[], None],
    answered: Callable[[list[str]], None],
) -> None:
    """Shows the desktop's picker off the Tk thread, or Tk's dialog where there is none."""
    choice = file_pickers.chosen_dialog(_preference)
    x11 = parent.tk.call("tk", "windowingsystem") == "x11"
    if not x11 or not file_pickers.pickers_to_try(choice):
        tk_dialog()
        return
    if _open:
        logger.info("a file dialog is open already; %r not shown", request.title)
        return
    request = PickRequest(
        request.kind,
        request.title,
        request.start_dir,
        request.filetypes,
        request.initialfile,
        _window_id(parent),
    )
    _Picking(parent, request, choice, tk_dialog, answered).start()


def _window_id(parent: tk.Misc) -> int | None:
    """The X11 id of the parent's top-level window (its frame), for the picker to stay above."""
    try:
        return int(parent.winfo_toplevel().wm_frame(), 16)
    except (tk.TclError, ValueError):
        return None


class _Picking:
    """One desktop picker at work: its thread, and the poll that takes its answer.

    A hidden widget in the parent's window watches for that window's end: destroyed
    with it, it ends the picker at once (no poll runs once the window is gone).
    """

    def __init__(
        self,
        parent: tk.Misc,
        request: PickRequest,
        choice: str,
        tk_dialog: Callable[[], None],
        answered: Callable[[list[str]], None],
    ) -> None:
        self.parent = parent
        self.tk_dialog = tk_dialog
        self.answered = answered
        self.cancel = threading.Event()
        self.answers: queue.Queue[PickResult | None] = queue.Queue(maxsize=1)
        self.watch: tk.Frame | None = None
        self.after_id: str | None = None
        self.thread = threading.Thread(
            target=self._run, args=(request, choice), name="file-dialog", daemon=True
        )

    def start(self) -> None:
        _open.append(self)
        self.watch = tk.Frame(self.parent.winfo_toplevel())  # never shown
        self.watch.bind("<Destroy>", self._window_gone)
        self.thread.start()
        self.after_id = self.parent.after(POLL_MS, self._poll)

    def _window_gone(self, _event: tk.Event) -> None:
        if self.watch is not None:  # not our own destroy() after the answer
            self.watch = None
            self.cancel.set()
            self._forget()
            if self.after_id is not None:  # the poll would hold the window's Tk alive
                with contextlib.suppress(tk.TclError):
                    self.parent.after_cancel(self.after_id)
                self.after_id = None

    def _run(self, request: PickRequest, choice: str) -> None:
        """On the picker's thread: no Tk here."""
        try:
            outcome = file_pickers.pick(request, choice, self.cancel)
        except (OSError, RuntimeError, ValueError) as exc:
            if self.cancel.is_set():
                return  # its window closed; nobody waits for the answer
            logger.warning("the desktop's file dialog failed (%s); Tk's is shown", exc)
            outcome = None
        self.answers.put(outcome)

    def _poll(self) -> None:
        if self.cancel.is_set():
            return
        try:
            alive = bool(self.parent.winfo_exists())
        except tk.TclError:
            alive = False
        if not alive:
            self.cancel.set()  # its window went: the picker goes too
            self._forget()
            return
        try:
            outcome = self.answers.get_nowait()
        except queue.Empty:
            if self.thread.is_alive():
                self.after_id = self.parent.after(POLL_MS, self._poll)
                return
            outcome = None  # the thread died without an answer
        self._forget()
        watch, self.watch = self.watch, None
        if watch is not None:
            watch.destroy()
        if outcome is None:
            self.tk_dialog()
            return
        logger.debug("%s answered %d path(s)", outcome.picker, len(outcome.paths))
        self.answered(list(outcome.paths))

    def _forget(self) -> None:
        with contextlib.suppress(ValueError):
            _open.remove(self)


def _hide_dot_files(root: tk.Misc) -> None:
    """Tk's own dialog (X11): dot-files hidden, with its button to show them kept.

    The dialog's script sets both variables when it is first loaded, so it is loaded
    first (a call with a bad option loads it and fails at once), then they are set.
    """
    if root.tk.call("tk", "windowingsystem") != "x11":
        return  # the system's own dialogs follow the system's setting
    with contextlib.suppress(tk.TclError):
        root.tk.call("tk_getOpenFile", "-no-such-option")
    root.tk.call("set", "::tk::dialog::file::showHiddenBtn", "1")
    root.tk.call("set", "::tk::dialog::file::showHiddenVar", "0")
