"""The interface catalogues: every string of the window translated, compiled, and loaded."""

from __future__ import annotations

import gettext

import pytest

from desktop_ocr import i18n
from tools import catalogues


@pytest.fixture
def english():
    yield
    i18n.set_language("en")


def test_every_string_of_the_window_is_translated():
    assert catalogues.untranslated("zh_CN") == []


def test_the_shipped_mo_is_compiled_from_the_po():
    po = catalogues.po_path("zh_CN")
    assert po.with_suffix(".mo").read_bytes() == catalogues.mo_bytes(po), (
        "run: .venv/bin/python tools/catalogues.py compile"
    )


def test_the_language_comes_from_the_setting_then_the_locale(monkeypatch, english):
    monkeypatch.delenv(i18n.LANGUAGE_ENV, raising=False)
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.set_language(None) == "zh_CN"
    assert i18n._("File") == "文件"
    assert i18n.ngettext("{n} line", "{n} lines", 3).format(n=3) == "3 行"
    assert i18n.set_language("en") == "en" and i18n._("File") == "File"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert i18n.set_language("zh_CN") == "zh_CN"  # the setting wins over the locale
    assert i18n.set_language("system") == "en"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert i18n.set_language(None) == "en"  # a language without a catalogue: English
    monkeypatch.setenv("LANGUAGE", "zh_TW:en")
    assert i18n.set_language(None) == "zh_CN"
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "en")
    assert i18n.set_language("zh_CN") == "en"


def test_placeholders_survive_translation():
    translation = gettext.translation(
        i18n.DOMAIN, localedir=str(i18n.LOCALE_DIR), languages=["zh_CN"]
    )
    import re

    for message in catalogues.extract():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if not ids[0]:
            continue
        fields = set(re.findall(r"\{[^}]*\}", ids[0]))
        shown = (
            translation.ngettext(ids[0], ids[1], 2)
            if len(ids) == 2
            else translation.gettext(ids[0])
        )
        assert set(re.findall(r"\{[^}]*\}", shown)) == fields, ids[0]
