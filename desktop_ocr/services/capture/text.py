"""The text a capture puts on the clipboard, and the few words the notice shows of it."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from desktop_ocr.i18n import ngettext

NOTICE_CHARS = 48


def capture_text(lines: Sequence[str], copy_as: str, paragraphs: Sequence[int] = ()) -> str:
    """The lines as read, one per line, or joined into flowing text.

    With `paragraphs` (each line's paragraph number, from a layout reading order),
    "paragraph" keeps a blank line between paragraphs; without, all lines are one.
    """
    lines = [ln.strip() for ln in lines]
    if copy_as != "paragraph":
        return "\n".join(ln for ln in lines if ln)
    if paragraphs and len(paragraphs) == len(lines):
        groups: list[list[str]] = []
        last: int | None = None
        for text, number in zip(lines, paragraphs, strict=True):
            if number != last:
                groups.append([])
                last = number
            groups[-1].append(text)
        return "\n\n".join(j for j in (join_lines(g) for g in groups) if j)
    return join_lines(lines)


def join_lines(lines: Sequence[str]) -> str:
    """Lines into one text: a space between words, none between CJK characters."""
    out = ""
    for line in lines:
        if not line:
            continue
        if out and not (_is_cjk(out[-1]) and _is_cjk(line[0])):
            out += " "
        out += line
    return out


def _is_cjk(char: str) -> bool:
    """Han, kana, hangul and their full-width punctuation: scripts written without spaces."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return True
    name = unicodedata.name(char, "")
    return name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))


def notice_text(text: str, line_count: int, ms: float) -> str:
    """'Copied 3 lines in 182 ms: "The first words…"' for the notice."""
    first = " ".join(text.split())
    if len(first) > NOTICE_CHARS:
        first = first[: NOTICE_CHARS - 1].rstrip() + "…"
    return ngettext(
        'Copied {n} line in {ms} ms: "{text}"', 'Copied {n} lines in {ms} ms: "{text}"', line_count
    ).format(n=line_count, ms=f"{ms:.0f}", text=first)
