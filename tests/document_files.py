"""Small documents for the tests: bad PDFs, multi-page TIFFs and PDFs of a few words.

The larger pages with real prose and exact reading order come from benchmarks/doc_pages.py.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib import pdfencrypt
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

WORDS = ["FIRST", "SECOND", "THIRD"]  # one word each: spacing is not under test here


def bad_pdfs(folder: Path) -> tuple[Path, Path]:
    """An encrypted PDF (password "secret") and a truncated one, in `folder`."""
    encrypted = folder / "locked.pdf"
    page = canvas.Canvas(str(encrypted), encrypt=pdfencrypt.StandardEncryption("secret"))
    page.drawString(72, 720, "secret text")
    page.showPage()
    page.save()
    whole = folder / "whole.pdf"
    page = canvas.Canvas(str(whole))
    for n in range(3):
        page.drawString(72, 720, f"page {n}")
        page.showPage()
    page.save()
    truncated = folder / "truncated.pdf"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    whole.unlink()
    return encrypted, truncated


def multi_page_tiff(path: Path, words: list[str]) -> Path:
    """A TIFF with one frame per word, each word large and alone."""
    font = ImageFont.load_default(size=48)
    frames = []
    for word in words:
        frame = Image.new("L", (700, 200), 255)
        ImageDraw.Draw(frame).text((40, 60), word, fill=0, font=font)
        frames.append(frame)
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(150, 150))
    return path


def word_pdf(
    path: Path, words: list[str], *, size: tuple[float, float] = (300, 120), scanned: bool = False
) -> Path:
    """A PDF of small pages, one word each in 28 pt: quick to read by OCR too.

    Born-digital (the words are text), or `scanned`: each page an image of its word at
    150 dpi, with no text, so that only OCR can read it.
    """
    page = canvas.Canvas(str(path), pagesize=size)
    font = ImageFont.load_default(size=58)  # 28 pt at 150 dpi
    for word in words:
        if scanned:
            image = Image.new("L", (round(size[0] * 150 / 72), round(size[1] * 150 / 72)), 255)
            ImageDraw.Draw(image).text((50, image.height // 2 - 30), word, fill=0, font=font)
            page.drawImage(ImageReader(image), 0, 0, *size)
        else:
            page.setFont("Helvetica", 28)
            page.drawString(24, size[1] / 2 - 10, word)
        page.showPage()
    page.save()
    return path
