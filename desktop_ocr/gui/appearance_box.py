"""The settings dialog's Appearance box: light or dark (or as the system), the language, and
which file dialogs the window shows."""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk

from desktop_ocr.i18n import LANGUAGES, N_, _

THEMES = (("system", N_("As the system")), ("light", N_("Light")), ("dark", N_("Dark")))
# The file dialogs a user may force (services.file_pickers); auto picks the desktop's own.
FILE_DIALOGS = (
    ("auto", N_("The desktop's own")),
    ("portal", N_("Desktop portal")),
    ("zenity", "zenity (GTK)"),
    ("kdialog", "kdialog (KDE)"),
    ("tk", "Tk"),
)


class AppearanceBox(ttk.Labelframe):
    """Theme and language, which take effect the next time the app starts; file dialogs."""

    def __init__(
        self,
        master: tk.Misc,
        *,
        theme: str | None,
        language: str | None,
        file_dialog: str | None = None,
    ) -> None:
        super().__init__(master, text=_("Appearance"), padding=10)
        self.theme = tk.StringVar(self, value=theme or "system")
        self.language = tk.StringVar(self, value=language or "system")
        ttk.Label(self, text=_("Theme")).grid(row=0, column=0, sticky="w", pady=3)
        self.theme_radios: dict[str, ttk.Radiobutton] = {}
        for column, (value, label) in enumerate(THEMES, start=1):
            radio = ttk.Radiobutton(self, text=_(label), value=value, variable=self.theme)
            radio.grid(row=0, column=column, sticky="w", padx=(10, 0))
            self.theme_radios[value] = radio
        ttk.Label(self, text=_("Language")).grid(row=1, column=0, sticky="w", pady=3)
        self._names = {"system": _("As the system"), **LANGUAGES}
        self.language_box = ttk.Combobox(
            self, values=list(self._names.values()), state="readonly", width=16
        )
        self.language_box.set(self._names.get(self.language.get(), self._names["system"]))
        self.language_box.bind("<<ComboboxSelected>>", self._language_chosen)
        self.language_box.grid(row=1, column=1, columnspan=3, sticky="w", padx=(10, 0))
        ttk.Label(
            self, text=_("Takes effect when the app is next started."), style="Muted.TLabel"
        ).grid(row=2, column=0, columnspan=4, sticky="w", pady=(6, 0))
        ttk.Label(self, text=_("File dialogs")).grid(row=3, column=0, sticky="w", pady=(10, 3))
        self._dialog_names = {code: _(name) for code, name in FILE_DIALOGS}
        self.file_dialog_box = ttk.Combobox(
            self, values=list(self._dialog_names.values()), state="readonly", width=16
        )
        self.choose_file_dialog(file_dialog or "auto")
        self.file_dialog_box.grid(
            row=3, column=1, columnspan=3, sticky="w", padx=(10, 0), pady=(10, 3)
        )

    def _language_chosen(self, _event: tk.Event) -> None:
        shown = self.language_box.get()
        code = next((c for c, name in self._names.items() if name == shown), "system")
        self.language.set(code)

    def choose_language(self, code: str) -> None:
        self.language_box.set(self._names[code])
        self.language.set(code)

    def choose_file_dialog(self, code: str) -> None:
        self.file_dialog_box.set(self._dialog_names.get(code, self._dialog_names["auto"]))

    def values(self) -> dict[str, str | None]:
        """The window preferences as stored: None for 'as the system'."""
        theme, language = self.theme.get(), self.language.get()
        shown = self.file_dialog_box.get()
        dialog = next((c for c, name in self._dialog_names.items() if name == shown), "auto")
        return {
            "theme": None if theme == "system" else theme,
            "language": None if language == "system" else language,
            "file_dialog": None if dialog == "auto" else dialog,
        }

    def destroy(self) -> None:
        super().destroy()
        self.theme = self.language = None  # type: ignore[assignment]  # freed on the Tk thread
