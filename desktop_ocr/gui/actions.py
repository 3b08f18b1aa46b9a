"""Every command of the window in one table, from which menus, toolbar and shortcuts are made.

A new command is one row here (and the method it calls): its menu entry, toolbar
button and key binding then follow, with the shortcut shown in the menu being exactly
the one bound. Labels are catalogue strings, translated when the menus are built.
"""

from __future__ import annotations

import logging
import sys
import tkinter as tk
from collections.abc import Sequence
from dataclasses import dataclass
from tkinter import ttk
from typing import Any

from desktop_ocr.i18n import N_, _

logger = logging.getLogger(__name__)

# The bind tag that carries the shortcuts. Widgets that handle keys themselves (the text
# editor) get it before their class tag, so a shortcut wins over the class's own use of
# the key (Ctrl+O opens a line in a Tk Text) and works wherever the focus is.
SHORTCUT_TAG = "DesktopOcrShortcuts"


@dataclass(frozen=True)
class Action:
    """One command: where it appears and what it calls.

    `handler` names a method of the window (or of a part: "image_view.rotate"), called
    with `args`. `menu` is the key of a
    menu in MENUS; `toolbar` the group of toolbar buttons it joins (groups are split by
    a separator); `toolbar_menu` gathers the group's actions under one drop-down button.
    """

    name: str
    label: str
    handler: str
    args: tuple[Any, ...] = ()
    shortcut: str | None = None  # "Ctrl+Shift+O", "F1"
    menu: str | None = None
    toolbar: str | None = None
    toolbar_label: str | None = None  # shorter text for the button; default `label`
    toolbar_menu: str | None = None
    toolbar_menu_label: str | None = None  # the entry's text inside a toolbar drop-down
    separator_before: bool = False  # in the menu


# Menus in the order of the menu bar: key, label.
MENUS: tuple[tuple[str, str], ...] = (
    ("file", N_("File")),
    ("edit", N_("Edit")),
    ("capture", N_("Capture")),
    ("view", N_("View")),
    ("queue", N_("Queue")),
    ("tools", N_("Tools")),
    ("help", N_("Help")),
)

ACTIONS: tuple[Action, ...] = (
    Action("open", N_("Open images…"), "open_images", shortcut="Ctrl+O", menu="file",
           toolbar="add"),
    Action("folder", N_("Open folder…"), "open_folder", shortcut="Ctrl+Shift+O", menu="file",
           toolbar="add"),
    Action("paste", N_("Paste image"), "paste_from_clipboard", shortcut="Ctrl+V", menu="file",
           toolbar="add", toolbar_label=N_("Paste")),
    Action("sample", N_("Try the sample image"), "open_sample", menu="file"),
    Action("capture_region", N_("Region"), "capture_region", shortcut="Ctrl+Shift+R",
           menu="capture", toolbar="capture", toolbar_label=N_("Capture")),
    Action("export_current", N_("Export current image…"), "exports.export_dialog", ("current",),
           shortcut="Ctrl+S", menu="file", separator_before=True, toolbar="export",
           toolbar_menu=N_("Export"), toolbar_menu_label=N_("Current image…")),
    Action("export_all", N_("Export all results…"), "exports.export_dialog", ("all",),
           shortcut="Ctrl+Shift+S", menu="file", toolbar="export", toolbar_menu=N_("Export"),
           toolbar_menu_label=N_("All results…")),
    Action("export_pdf_current", N_("Export this document as a searchable PDF…"),
           "exports.export_pdf_dialog", ("current",), menu="file", toolbar="export",
           toolbar_menu=N_("Export"), toolbar_menu_label=N_("Searchable PDF of this document…")),
    Action("export_pdf_all", N_("Export all results as a searchable PDF…"),
           "exports.export_pdf_dialog", ("all",), menu="file", toolbar="export",
           toolbar_menu=N_("Export"), toolbar_menu_label=N_("Searchable PDF of all results…")),
    Action("quit", N_("Quit"), "close", shortcut="Ctrl+Q", menu="file", separator_before=True),
    Action("copy_all", N_("Copy all text"), "exports.copy_all", shortcut="Ctrl+Shift+C",
           menu="edit"),
    Action("revert_text", N_("Undo my edits of this text"), "revert_text", menu="edit"),
    Action("settings", N_("Settings…"), "open_settings", shortcut="Ctrl+,", menu="edit",
           separator_before=True, toolbar="tools"),
    Action("zoom_fit", N_("Fit to window"), "image_view.zoom_fit", shortcut="Ctrl+0",
           menu="view"),
    Action("zoom_100", N_("Actual size (100%)"), "image_view.zoom_to", (1.0,),
           shortcut="Ctrl+1", menu="view"),
    Action("zoom_in", N_("Zoom in"), "image_view.zoom_by", (1.25,), shortcut="Ctrl+=",
           menu="view"),
    Action("zoom_out", N_("Zoom out"), "image_view.zoom_by", (0.8,), shortcut="Ctrl+-",
           menu="view"),
    Action("rotate", N_("Rotate 90° clockwise"), "image_view.rotate", shortcut="Ctrl+R",
           menu="view", separator_before=True),
    Action("cancel", N_("Cancel waiting images"), "cancel", menu="queue"),
    Action("clear", N_("Clear finished"), "clear_finished", menu="queue"),
    Action("benchmark", N_("Benchmark…"), "open_benchmark", menu="tools", toolbar="tools"),
    Action("about", N_("About"), "open_about", shortcut="F1", menu="help", toolbar="tools"),
)

_KEY_NAMES = {",": "comma", ".": "period", "=": "equal", "-": "minus", "+": "plus"}


def tk_sequences(shortcut: str, platform: str = sys.platform) -> list[str]:
    """The Tk event sequences of a shortcut written as in a menu ("Ctrl+Shift+O").

    With Shift held, X11 and Windows report the upper-case keysym, so Ctrl+Shift+O is
    bound as Control-Shift-Key-O; letters without Shift are bound in both cases, so Caps
    Lock does not disable them. Naming Shift keeps Ctrl+Shift+R apart from Ctrl+R with
    Caps Lock (Tk runs the binding with the most modifiers that match). "Key-" keeps
    Ctrl+1 from meaning a click of mouse button 1.
    On macOS, Ctrl means the Command key.
    """
    *mods, key = shortcut.split("+")
    shift = "Shift" in mods
    modifier = ("Command-" if platform == "darwin" else "Control-") if "Ctrl" in mods else ""
    if len(key) == 1 and key.isalpha():
        if shift:
            return [f"<{modifier}Shift-Key-{key.upper()}>"]
        return [f"<{modifier}Key-{key.lower()}>", f"<{modifier}Key-{key.upper()}>"]
    name = _KEY_NAMES.get(key, key)
    return [f"<{modifier}{'Shift-' if shift else ''}Key-{name}>"]


def accelerator(shortcut: str, platform: str = sys.platform) -> str:
    """The shortcut as the menu shows it (Cmd on macOS)."""
    return shortcut.replace("Ctrl+", "Cmd+") if platform == "darwin" else shortcut


def find(name: str) -> Action:
    for action in ACTIONS:
        if action.name == name:
            return action
    raise KeyError(name)


def run_action(window: Any, action: Action) -> None:
    """Calls the action's handler: a method of the window, or of one of its parts."""
    target = window
    for part in action.handler.split("."):
        target = getattr(target, part)
    target(*action.args)


def build_menus(root: tk.Misc, window: Any, actions: Sequence[Action] = ACTIONS) -> dict:
    """The menu bar from the table; returns the menus by key (and the bar as 'bar')."""
    bar = tk.Menu(root)
    menus: dict[str, tk.Menu] = {"bar": bar}
    for key, label in MENUS:
        entries = [a for a in actions if a.menu == key]
        if not entries:
            continue
        menu = tk.Menu(bar, tearoff=False)
        for action in entries:
            if action.separator_before and menu.index("end") is not None:
                menu.add_separator()
            menu.add_command(
                label=_(action.label),
                accelerator=accelerator(action.shortcut) if action.shortcut else "",
                command=lambda a=action: run_action(window, a),
            )
        label_text = _(label)
        bar.add_cascade(label=label_text, menu=menu, underline=_underline(label_text))
        menus[key] = menu
    root.configure(menu=bar)  # type: ignore[call-arg]
    return menus


def _underline(label: str) -> int:
    """Alt+letter opens a menu whose label starts with a Latin letter."""
    return 0 if label[:1].isascii() and label[:1].isalpha() else -1


def build_toolbar(
    bar: ttk.Frame, window: Any, actions: Sequence[Action] = ACTIONS
) -> dict[str, ttk.Widget]:
    """Toolbar buttons from the table, grouped; returns them by action (or drop-down) name."""
    widgets: dict[str, ttk.Widget] = {}
    group: str | None = None
    dropdowns: dict[str, tk.Menu] = {}
    for action in actions:
        if action.toolbar is None:
            continue
        if group is not None and action.toolbar != group:
            ttk.Separator(bar, orient="vertical").pack(side="left", fill="y", padx=6)
        group = action.toolbar
        if action.toolbar_menu is not None:
            menu = dropdowns.get(action.toolbar_menu)
            if menu is None:
                button = ttk.Menubutton(
                    bar, text=_(action.toolbar_menu), style="Toolbar.TMenubutton"
                )
                menu = tk.Menu(button, tearoff=False)
                button["menu"] = menu
                button.pack(side="left", padx=(0, 4))
                dropdowns[action.toolbar_menu] = menu
                widgets[action.toolbar] = button
            menu.add_command(
                label=_(action.toolbar_menu_label or action.label),
                command=lambda a=action: run_action(window, a),
            )
            continue
        button = ttk.Button(
            bar,
            text=_(action.toolbar_label or action.label),
            command=lambda a=action: run_action(window, a),
            style="Toolbar.TButton",
        )
        button.pack(side="left", padx=(0, 4))
        widgets[action.name] = button
    return widgets


def dropdown_menu(parent: tk.Misc, window: Any, group: str) -> tk.Menu:
    """A menu of one toolbar drop-down's actions, for other buttons (the text pane's Export)."""
    menu = tk.Menu(parent, tearoff=False)
    for action in ACTIONS:
        if action.toolbar == group and action.toolbar_menu is not None:
            menu.add_command(
                label=_(action.toolbar_menu_label or action.label),
                command=lambda a=action: run_action(window, a),
            )
    return menu


def bind_shortcuts(
    root: tk.Misc, window: Any, actions: Sequence[Action] = ACTIONS
) -> list[str]:
    """Binds every shortcut of the table on the window and on the shortcut tag.

    Returns the sequences bound. Each handler returns "break", so a key that is a
    shortcut does nothing else, and a widget that carries SHORTCUT_TAG before its class
    runs the shortcut instead of the class's own binding.
    """
    bound: list[str] = []
    for action in actions:
        if not action.shortcut:
            continue
        for sequence in tk_sequences(action.shortcut):

            def fire(_event: tk.Event, a: Action = action) -> str:
                run_action(window, a)
                return "break"

            root.bind(sequence, fire)
            root.bind_class(SHORTCUT_TAG, sequence, fire)
            bound.append(sequence)
    return bound


def shortcuts_first(widget: tk.Misc) -> None:
    """Puts the shortcut tag before the widget's class, so shortcuts win there too."""
    tags = list(widget.bindtags())
    if SHORTCUT_TAG not in tags:
        tags.insert(1, SHORTCUT_TAG)
        widget.bindtags(tuple(tags))

