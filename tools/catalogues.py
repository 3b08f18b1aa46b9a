"""The interface's gettext catalogues: extract the strings, merge them into the .po, compile.

Run from the repository root:

    .venv/bin/python tools/catalogues.py extract   # code -> desktop_ocr/locale/*.pot, *.po
    .venv/bin/python tools/catalogues.py compile   # *.po -> *.mo (shipped in the package)

A new string is translated by filling in its `msgstr` in the .po (extract adds the
entry), then compiling. tests/unit/test_catalogues.py fails while a string of the
window has no translation or a .mo is older than its .po.
"""

from __future__ import annotations

import argparse
import io
import logging
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "desktop_ocr"
LOCALE_DIR = PACKAGE / "locale"
DOMAIN = "desktop_ocr"
LANGUAGES = ("zh_CN",)
KEYWORDS = {"_": None, "N_": None, "Msg": None, "ngettext": (1, 2)}
HEADER = "# Desktop OCR: the window's strings.\n# Licensed like the app, Apache-2.0."
logger = logging.getLogger("catalogues")


def extract() -> Catalog:
    """Every marked string of the package, as a template catalogue."""
    template = Catalog(project="desktop-ocr", domain=DOMAIN, header_comment=HEADER,
                       msgid_bugs_address="", copyright_holder="")
    methods = [("**.py", "python")]
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE), methods, keywords=KEYWORDS
    ):
        template.add(message, locations=[(f"desktop_ocr/{filename}", lineno)],
                     auto_comments=comments, context=context)
    return template


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_bytes(po: Path) -> bytes:
    with po.open("rb") as handle:
        catalog = read_po(handle)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def untranslated(language: str) -> list[str]:
    """The strings of the code that the language's catalogue does not translate."""
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle)
    missing = []
    for message in extract():
        if not message.id:
            continue
        found = catalog.get(message.id)
        strings = found.string if found is not None else ""
        done = all(strings) if isinstance(strings, (tuple, list)) else bool(strings)
        if found is None or not done or found.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("extract", "compile"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.command == "extract":
        template = extract()
        LOCALE_DIR.mkdir(parents=True, exist_ok=True)
        with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as handle:
            write_po(handle, template, width=100, omit_header=False)
        for language in LANGUAGES:
            path = po_path(language)
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists():
                with path.open("rb") as handle:
                    catalog = read_po(handle, locale=language)
                catalog.update(template, no_fuzzy_matching=True)
            else:
                catalog = Catalog(locale=language, domain=DOMAIN, project="desktop-ocr")
                catalog.update(template, no_fuzzy_matching=True)
            catalog.header_comment = HEADER
            catalog.last_translator = "desktop-ocr"
            catalog.language_team = "desktop-ocr"
            with path.open("wb") as handle:
                write_po(handle, catalog, width=100, ignore_obsolete=True)
            logger.info("%s: %d strings to translate", path, len(untranslated(language)))
    else:
        for language in LANGUAGES:
            po = po_path(language)
            mo = po.with_suffix(".mo")
            mo.write_bytes(mo_bytes(po))
            logger.info("wrote %s", mo)
    return 0


if __name__ == "__main__":
    sys.exit(main())
