"""The interface language: gettext catalogues shipped in the package, chosen once at start.

Most people who run PP-OCR read Chinese, so the window speaks Simplified Chinese or
English, picked from the system locale unless the settings name one. Strings are
marked with `_()` (and `ngettext` for counts) where they are shown; constants that are
built before a language is chosen are marked with `N_()` and translated when drawn.
"""

from __future__ import annotations

import contextlib
import gettext
import locale
import logging
import os
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

DOMAIN = "desktop_ocr"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT_LANGUAGE = "en"
# Language codes the interface speaks, with each one's name in itself (for the settings).
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
LANGUAGE_ENV = "DESKTOP_OCR_LANGUAGE"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


def _(message: str) -> str:
    """`message` in the interface language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the interface language."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Marks a string for the catalogue without translating it yet."""
    return message


class Msg(str):
    """An English message that keeps its template and fields, for the window to translate.

    Services and the engine know nothing of the interface language; they raise and log
    English. A message built as Msg("{name} cannot be read", name=...) is that English
    text (a str: the CLI, logs and JSON see it as before), and `localize` shows it in the
    window's language by translating the template first and filling it in after.
    """

    template: str
    fields: dict[str, object]

    def __new__(cls, template: str, **fields: object) -> Msg:
        text = super().__new__(cls, template.format(**fields) if fields else template)
        text.template = template
        text.fields = fields
        return text

    def __reduce__(self):  # type: ignore[override]  # pickled with its template
        return (_rebuild_msg, (self.template, self.fields))


def _rebuild_msg(template: str, fields: dict[str, object]) -> Msg:
    return Msg(template, **fields)


def localize(message: str) -> str:
    """A message in the interface language: a Msg (and Msg fields) translated, else as is."""
    if not isinstance(message, Msg):
        return message
    fields = {k: localize(v) if isinstance(v, str) else v for k, v in message.fields.items()}
    return _translations.gettext(message.template).format(**fields)


def message_of(exc: BaseException) -> str:
    """An exception's message, kept a Msg where it was made of one (str() drops that)."""
    text = str(exc)
    if not isinstance(text, Msg) and len(exc.args) == 1 and isinstance(exc.args[0], Msg):
        return exc.args[0]
    return text


def localize_error(exc: BaseException) -> str:
    """An exception's message in the interface language, where it was made of a Msg."""
    return localize(message_of(exc))


def current_language() -> str:
    return _language


def match_language(code: str | None) -> str | None:
    """The supported language a locale code asks for ('zh_CN.UTF-8', 'zh-Hans', 'en_GB')."""
    if not code:
        return None
    norm = code.split(".")[0].split("@")[0].replace("-", "_").lower()
    if norm in ("c", "posix"):
        return DEFAULT_LANGUAGE
    if norm.startswith("zh"):
        # Traditional Chinese readers get Simplified rather than English.
        return "zh_CN"
    if norm.startswith("en"):
        return "en"
    return None


def system_language() -> str:
    """The supported language the system's locale asks for; English when none matches."""
    candidates: list[str] = []
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            candidates.extend(value.split(":"))
            break
    if sys.platform == "win32":
        candidates.append(_windows_ui_language())
    with contextlib.suppress(ValueError):
        candidates.append(locale.getlocale()[0] or "")
    for code in candidates:
        found = match_language(code)
        if found is not None:
            return found
    return DEFAULT_LANGUAGE


def _windows_ui_language() -> str:
    try:
        import ctypes

        lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return ""
    return locale.windows_locale.get(lcid, "")


def set_language(code: str | None) -> str:
    """Switches to `code` ('en', 'zh_CN'; None or 'system': the system's); returns it.

    DESKTOP_OCR_LANGUAGE, when set, wins over both, so a test or a user can try the
    other language without touching the settings file.
    """
    global _translations, _language
    wanted = os.environ.get(LANGUAGE_ENV) or code
    language = (
        system_language()
        if wanted in (None, "", "system")
        else (match_language(wanted) or DEFAULT_LANGUAGE)
    )
    if language == DEFAULT_LANGUAGE:
        _translations = gettext.NullTranslations()
    else:
        try:
            _translations = gettext.translation(
                DOMAIN, localedir=str(LOCALE_DIR), languages=[language]
            )
        except OSError as exc:
            logger.warning("no %s catalogue (%s); the interface stays in English", language, exc)
            _translations, language = gettext.NullTranslations(), DEFAULT_LANGUAGE
    _language = language
    logger.info("interface language: %s", language)
    return language
