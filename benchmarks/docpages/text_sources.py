"""Real prose for the document pages, taken from files that Debian packages ship.

Chinese: the Simplified Chinese manual pages of `manpages-zh` (troff stripped), which mix
Chinese with English option names, numbers and full-width punctuation. English: the
licence texts of `base-files` (/usr/share/common-licenses) and the section 5 and 7 manual
pages of `manpages`. The files of a package are read from dpkg's own list of them, so the
text depends only on the package versions installed, never on what else happens to be on
the machine.
"""

from __future__ import annotations

import gzip
import logging
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

DPKG_INFO = Path("/var/lib/dpkg/info")
LICENCES = Path("/usr/share/common-licenses")
LICENCE_NAMES = ("Apache-2.0", "GPL-3", "LGPL-2.1", "MPL-2.0", "Artistic", "GFDL-1.3", "CC0-1.0")

_CJK = re.compile(r"[\u3400-\u9fff]")
_SPACED_WORDS = re.compile(r"[\u3400-\u9fff] [\u3400-\u9fff]")
_NAMED = {
    "em": "—",
    "en": "–",
    "lq": "“",
    "rq": "”",
    "oq": "‘",
    "cq": "’",
    "aq": "'",
    "dq": '"',
    "bu": "•",
    "co": "©",
    "rg": "®",
    "hy": "-",
    "mi": "-",
    "pl": "+",
    "mu": "×",
    "de": "°",
    "ti": "~",
    "ha": "^",
    "rs": "\\",
    "Fo": "«",
    "Fc": "»",
    "tm": "™",
    "ga": "`",
    "at": "@",
    "sh": "#",
    "Do": "$",
    "eq": "=",
    "lh": "☜",
    "rh": "☞",
    "ua": "↑",
    "da": "↓",
    "ra": "→",
    "la": "←",
    "ss": "ß",
    "ae": "æ",
    "e'": "é",
    "a'": "á",
    "o:": "ö",
    "u:": "ü",
}
_STRINGS = {"lq": "“", "rq": "”", "R": "®", "Tm": "™", "aq": "'"}
_ESCAPE = re.compile(
    r"\\(?:f(?:\[[^\]]*\]|\(..|.)"  # font changes
    r"|s[+-]?(?:\d+|\(\d\d|\[\d+\])"  # size changes
    r"|\((..)|\[([^\]]+)\]"  # named characters \(xx \[name]
    r"|\*(?:\((..)|\[([^\]]+)\]|(.))"  # strings \*x \*(xx \*[name]
    r"|(.))"  # one-character escapes
)
_SIMPLE = {
    "-": "-",
    "e": "\\",
    "\\": "\\",
    "&": "",
    "/": "",
    ",": "",
    "|": "",
    "^": "",
    "%": "",
    ":": "",
    "c": "",
    "~": " ",
    " ": " ",
    "0": " ",
    "'": "'",
    "`": "`",
    ".": ".",
}
_BREAKS = {"PP", "P", "LP", "TP", "IP", "HP", "sp", "br", "RS", "RE", "TQ", "in", "ti", "ne", "bp"}
_FONT_MACROS = {"B", "I", "SM", "SB"}
_ALTERNATING = {"BR", "RB", "BI", "IB", "IR", "RI"}
_SKIP_BLOCKS = {"nf": "fi", "EX": "EE", "TS": "TE", "de": "..", "ig": "..", "EQ": "EN", "PS": "PE"}
_BAD_SECTIONS = {
    "SEE ALSO",
    "COLOPHON",
    "AUTHOR",
    "AUTHORS",
    "COPYRIGHT",
    "REPORTING BUGS",
    "BUGS",
    "另见",
    "参见",
    "作者",
    "版权",
    "报告缺陷",
    "报告错误",
    "[中文版维护人]",
    "[中文版最新更新]",
    "《中国linux论坛man手册页翻译计划》",
    "《中国 Linux 论坛 man 手册页翻译计划》",
    "翻译",
    "跋",
}


_NO_PAGES = (
    "no manual pages of {package} on disk: install it (apt-get install {package}), and if "
    "it is installed, check that /usr/share/man is not excluded (path-exclude in "
    "/etc/dpkg/dpkg.cfg.d/)"
)


class _UnusableError(ValueError):
    """A troff construct this reader does not turn into text; the paragraph is dropped."""


@dataclass
class Section:
    """A titled run of paragraphs from one document."""

    title: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Document:
    """One source file as a title and its sections, in the order they appear."""

    source: str
    title: str
    sections: list[Section]

    def paragraphs(self) -> Iterator[tuple[str, str]]:
        for section in self.sections:
            for text in section.paragraphs:
                yield section.title, text


def unescape(text: str) -> str:
    """Troff escapes to the characters they print; raises _UnusableError for ones it cannot."""

    def one(match: re.Match[str]) -> str:
        named = match.group(1) or match.group(2)
        if named is not None:
            if named in _NAMED:
                return _NAMED[named]
            raise _UnusableError(named)
        string = match.group(3) or match.group(4) or match.group(5)
        if string is not None:
            if string in _STRINGS:
                return _STRINGS[string]
            raise _UnusableError(string)
        simple = match.group(6)
        if simple is not None:
            if simple in _SIMPLE:
                return _SIMPLE[simple]
            raise _UnusableError(simple)
        return ""  # font or size change

    return _ESCAPE.sub(one, text)


def _macro_text(name: str, args: str) -> str:
    try:
        parts = shlex.split(args.replace('\\"', "\x00"), posix=True)
    except ValueError:
        parts = args.split()
    parts = [p.replace("\x00", '"') for p in parts]
    return ("".join(parts) if name in _ALTERNATING else " ".join(parts)).strip()


def join_lines(lines: list[str]) -> str:
    """Source lines to one paragraph: a line break is a space, except between two CJK
    characters, where Chinese needs none."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if out and not (_CJK.match(out[-1]) and _CJK.match(line[0])):
            out += " "
        out += line
    return re.sub(r"\s+", " ", out).strip()


def parse_troff(source: str, text: str) -> Document:
    """The title (NAME line) and the prose paragraphs of a man page, per section."""
    sections: list[Section] = []
    current = Section("")
    lines: list[str] = []
    skip_until: str | None = None
    title = ""

    def flush() -> None:
        nonlocal lines
        if lines:
            try:
                para = unescape(join_lines(lines))
            except _UnusableError:
                para = ""
            if para and "\\" not in para:
                current.paragraphs.append(para)
        lines = []

    for raw in text.splitlines():
        if skip_until is not None:
            if raw.strip().startswith("." + skip_until.lstrip(".")) or raw.strip() == skip_until:
                skip_until = None
            continue
        if raw.startswith(('.\\"', "'\\\"", '.\\"')) or raw.strip() in (".", "'"):
            continue
        if raw.startswith((".", "'")):
            name, _, args = raw[1:].strip().partition(" ")
            if name in _SKIP_BLOCKS:
                flush()
                skip_until = _SKIP_BLOCKS[name]
            elif name in ("SH", "SS"):
                flush()
                sections.append(current)
                try:
                    heading = unescape(_macro_text("B", args)).strip()
                except _UnusableError:
                    heading = ""
                current = Section(heading)
            elif name in _BREAKS:
                flush()
            elif name in _FONT_MACROS or name in _ALTERNATING:
                lines.append(_macro_text(name, args))
            # any other request prints nothing we keep
            continue
        lines.append(raw)
    flush()
    sections.append(current)
    for section in sections:
        if section.title.upper() in ("NAME", "名称", "名字", "名 称") and section.paragraphs:
            title = section.paragraphs[0]
    kept = [
        s
        for s in sections
        if s.paragraphs
        and s.title
        and s.title.upper() not in _BAD_SECTIONS
        and s.title.upper() not in ("NAME", "名称", "名字", "名 称", "SYNOPSIS", "总览", "概述")
    ]
    return Document(source, title or Path(source).name.split(".")[0], kept)


def parse_licence(source: str, text: str) -> Document:
    """A plain-text licence: its first line is the title, blank lines separate paragraphs,
    and short lines in capitals or numbered headings start sections."""
    blocks = [join_lines(b.splitlines()) for b in re.split(r"\n\s*\n", text)]
    blocks = [b for b in blocks if b]
    title = blocks[0] if blocks and len(blocks[0]) < 80 else Path(source).name
    sections: list[Section] = [Section(title)]
    for block in blocks[1:]:
        heading = len(block) < 70 and not block.endswith((".", ",", ";", ":"))
        if heading:
            sections.append(Section(block))
        else:
            sections[-1].paragraphs.append(block)
    return Document(source, title, [s for s in sections if s.paragraphs])


def package_files(package: str, pattern: str) -> list[Path]:
    """The files of an installed Debian package matching a regex, from dpkg's list."""
    listing = DPKG_INFO / f"{package}.list"
    if not listing.is_file():
        raise FileNotFoundError(
            f"the Debian package {package} is not installed (apt-get install {package})"
        )
    rx = re.compile(pattern)
    files = [Path(line.strip()) for line in listing.read_text().splitlines()]
    return sorted(p for p in files if rx.search(str(p)) and p.is_file())


def _read_gz(path: Path) -> str:
    with gzip.open(path) as fh:
        return fh.read().decode("utf-8", "replace")


def chinese_documents() -> list[Document]:
    """The Simplified Chinese man pages of manpages-zh, as documents."""
    docs = []
    for path in package_files("manpages-zh", r"/usr/share/man/zh_CN/man\d/.*\.gz$"):
        doc = parse_troff(str(path), _read_gz(path))
        for section in doc.sections:
            section.paragraphs = [p for p in section.paragraphs if is_chinese_prose(p)]
        doc.sections = [s for s in doc.sections if s.paragraphs]
        if doc.sections:
            docs.append(doc)
    if not docs:
        raise FileNotFoundError(_NO_PAGES.format(package="manpages-zh"))
    return docs


def english_documents() -> list[Document]:
    """Licence texts (base-files) and man pages of sections 5 and 7 (manpages)."""
    docs = []
    for name in LICENCE_NAMES:
        path = LICENCES / name
        if path.is_file():
            docs.append(parse_licence(str(path), path.read_text(encoding="utf-8")))
        else:
            logger.warning("%s is missing (Debian package base-files)", path)
    for path in package_files("manpages", r"/usr/share/man/man[57]/.*\.gz$"):
        docs.append(parse_troff(str(path), _read_gz(path)))
    for doc in docs:
        for section in doc.sections:
            section.paragraphs = [p for p in section.paragraphs if is_english_prose(p)]
        doc.sections = [s for s in doc.sections if s.paragraphs]
    docs = [d for d in docs if d.sections]
    if not docs:
        raise FileNotFoundError(_NO_PAGES.format(package="manpages"))
    return docs


def is_chinese_prose(text: str) -> bool:
    """Sentences, not option lists: long enough and mostly Chinese, and not one of the older
    translations that put spaces between Chinese words (no Chinese page looks like that)."""
    cjk = len(_CJK.findall(text))
    spaced = len(_SPACED_WORDS.findall(text))
    return 24 <= len(text) <= 600 and cjk >= 0.5 * len(text.replace(" ", "")) and spaced < 2


def is_english_prose(text: str) -> bool:
    """Sentences, not tables or code: long enough, mostly letters, no long unbroken tokens."""
    letters = sum(ch.isalpha() for ch in text)
    longest = max((len(w) for w in text.split()), default=0)
    return (
        80 <= len(text) <= 1500
        and letters >= 0.7 * len(text.replace(" ", ""))
        and longest <= 24
        and text.isascii() is not False
    )
