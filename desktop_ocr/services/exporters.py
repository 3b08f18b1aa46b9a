"""Writes OCR results to txt, json, Markdown or csv files, atomically.

A half-written export is worse than none: a crash or a full disk must leave either
the old file or the new one, so every file is written to a temporary name in the same
folder and then moved over the target with os.replace.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_ocr.engine.results import OcrResult, TextLine
from desktop_ocr.i18n import Msg
from desktop_ocr.services.atomic_file import write_text_atomic

logger = logging.getLogger(__name__)

FORMATS: dict[str, str] = {
    "txt": "Plain text",
    "json": "JSON",
    "md": "Markdown",
    "csv": "CSV",
}
SUFFIX_FORMATS = {".txt": "txt", ".json": "json", ".md": "md", ".markdown": "md", ".csv": "csv"}


@dataclass(frozen=True)
class ExportItem:
    """One image's outcome: its result, or the reason it failed."""

    name: str  # what the user knows the image as: a path, or "clipboard image 1"
    result: OcrResult | None = None
    error: str | None = None
    edited_text: str | None = None  # the user's correction of the text, when they made one

    def text(self) -> str:
        """The text as exported: the user's edit as it stands, or the lines in reading
        order with a blank line between paragraphs."""
        if self.edited_text is not None:
            return self.edited_text.rstrip("\n")
        return self.result.page_text if self.result is not None else ""

    def lines(self) -> list[tuple[str, TextLine | None]]:
        """The text per line as exported, each with its recognised line where one matches.

        An edit that keeps the number of lines keeps each line's box and score; an edit
        that joins or splits lines keeps the text only, since no box belongs to it. The
        blank rows between paragraphs are not lines.
        """
        recognised = list(self.result.lines) if self.result is not None else []
        if self.edited_text is None:
            return [(line.text, line) for line in recognised]
        edited = [row for row in self.edited_text.split("\n") if row.strip()]
        if len(edited) == len(recognised):
            return list(zip(edited, recognised, strict=True))
        return [(text, None) for text in edited]


def format_for_path(path: str | Path) -> str:
    """The export format a file name asks for; ValueError names the supported suffixes."""
    suffix = Path(path).suffix.lower()
    try:
        return SUFFIX_FORMATS[suffix]
    except KeyError:
        known = ", ".join(sorted(SUFFIX_FORMATS))
        raise ValueError(
            Msg(
                "cannot tell the format from the file name {name!r}; use one of {known}",
                name=Path(path).name,
                known=known,
            )
        ) from None


def render(items: Sequence[ExportItem], fmt: str) -> str:
    """The text of an export; the heading per image appears only when there are several."""
    if fmt == "txt":
        return _render_txt(items)
    if fmt == "json":
        return _render_json(items)
    if fmt == "md":
        return _render_markdown(items)
    if fmt == "csv":
        return _render_csv(items)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def export(items: Sequence[ExportItem], path: str | Path, fmt: str | None = None) -> Path:
    """Writes `items` to `path` in `fmt` (default: from the suffix) and returns the path."""
    target = Path(path)
    fmt = fmt or format_for_path(target)
    text = render(items, fmt)
    write_text_atomic(target, text, newline="" if fmt == "csv" else None)
    logger.info("exported %d image(s) as %s to %s", len(items), fmt, target)
    return target


def _render_txt(items: Sequence[ExportItem]) -> str:
    many = len(items) > 1
    out: list[str] = []
    for item in items:
        if many:
            if out:
                out.append("")
            out.append(f"==> {item.name} <==")
        if item.result is None:
            out.append(f"error: {item.error or 'no result'}")
        elif item.text():
            out.append(item.text())  # reading order, a blank line between paragraphs
    return "\n".join(out) + "\n" if out else ""


def _item_dict(item: ExportItem) -> dict[str, Any]:
    """The same object per image as `desktop-ocr ocr --format jsonl` prints."""
    if item.result is not None:
        data = item.result.to_dict()
        data["path"] = item.name
        data["edited_text"] = item.edited_text  # `lines` stays the recognition as read
        return data
    return {
        "path": item.name,
        "ok": False,
        "error": item.error,
        "image_size": None,
        "lines": [],
        "edited_text": None,
    }


def _render_json(items: Sequence[ExportItem]) -> str:
    return json.dumps([_item_dict(i) for i in items], ensure_ascii=False, indent=2) + "\n"


# Characters that would turn text into formatting or break a table cell.
_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>|~"})


def _md_escape(text: str) -> str:
    return text.translate(_MD_SPECIAL)


def _render_markdown(items: Sequence[ExportItem]) -> str:
    """A heading per image, then its paragraphs in reading order.

    Lines keep their breaks (a trailing backslash is Markdown's hard line break) and
    paragraphs are Markdown paragraphs, so the page reads as it was laid out.
    """
    out: list[str] = []
    for item in items:
        out.append(f"## {_md_escape(Path(item.name).name or item.name)}")
        out.append("")
        if item.result is None:
            out.append(f"*Failed: {_md_escape(item.error or 'no result')}*")
        elif not item.text().strip():
            out.append("*No text found.*")
        else:
            for block in item.text().split("\n\n"):
                rows = [_md_escape(row) for row in block.split("\n") if row.strip()]
                if rows:
                    out.append("\\\n".join(rows))
                    out.append("")
            out.pop()
        out.append("")
    return "\n".join(out)


CSV_HEADER = ["path", "line", "text", "score", "x1", "y1", "x2", "y2", "x3", "y3", "x4", "y4"]


def _render_csv(items: Sequence[ExportItem]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*CSV_HEADER, "error"])
    for item in items:
        if item.result is None:
            writer.writerow([item.name, "", "", "", *[""] * 8, item.error or "no result"])
            continue
        for n, (text, line) in enumerate(item.lines(), 1):
            if line is None:
                writer.writerow([item.name, n, text, "", *[""] * 8, ""])
                continue
            coords = [f"{v:.1f}" for point in line.box for v in point]
            writer.writerow([item.name, n, text, f"{line.score:.5f}", *coords, ""])
    return buffer.getvalue()
