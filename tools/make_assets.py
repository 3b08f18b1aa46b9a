"""Draws the app's own assets: the icon (PNG and Windows ICO) and the bundled sample image.

Run from the repository root: `.venv/bin/python tools/make_assets.py`. The sample's
Chinese needs a CJK font; WenQuanYi Micro Hei (Debian: fonts-wqy-microhei) or Noto Sans
CJK is used when installed, else the script stops and says which package to install.
The output is deterministic for a given Pillow and font, and committed with the script.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

logger = logging.getLogger("make_assets")

REPO = Path(__file__).resolve().parent.parent
ASSETS = REPO / "assets"
CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)
# What the sample says, line by line; tests compare the OCR output with these.
SAMPLE_LINES = (
    ("桌面文字识别", 54),
    ("Reads printed text offline.", 34),
    ("支持中文、English 和数字 2024", 34),
    ("价格：128.50 元  数量：3", 34),
    ("Drop images here to try it.", 34),
)
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def find_cjk_font() -> Path:
    for candidate in CJK_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    raise SystemExit(
        "no CJK font found; install fonts-wqy-microhei (Debian/Ubuntu) or Noto Sans CJK"
    )


def draw_icon(size: int = 512) -> Image.Image:
    """A blue tile with a page of text lines, one of them boxed as the app boxes text."""
    scale = size / 512
    tile = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ramp = [round(255 * (x + y) / (2 * (size - 1))) for y in range(size) for x in range(size)]
    gradient = Image.new("L", (size, size))
    gradient.putdata(ramp)
    top, bottom = Image.new("RGBA", tile.size, "#2563eb"), Image.new("RGBA", tile.size, "#0ea5a4")
    colour = Image.composite(bottom, top, gradient)
    mask = Image.new("L", tile.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        (16 * scale, 16 * scale, size - 16 * scale, size - 16 * scale), radius=96 * scale, fill=255
    )
    tile.paste(colour, (0, 0), mask)
    shadow = Image.new("RGBA", tile.size, (0, 0, 0, 0))
    page = (120 * scale, 84 * scale, 392 * scale, 428 * scale)
    ImageDraw.Draw(shadow).rounded_rectangle(
        tuple(v + 10 * scale for v in page), radius=22 * scale, fill=(0, 0, 0, 90)
    )
    tile = Image.alpha_composite(tile, shadow.filter(ImageFilter.GaussianBlur(10 * scale)))
    draw = ImageDraw.Draw(tile)
    draw.rounded_rectangle(page, radius=22 * scale, fill="#ffffff")
    line_colour = "#94a3b8"
    for i, width in enumerate((200, 160, 180, 120)):
        y = (150 + i * 64) * scale
        draw.rounded_rectangle(
            (156 * scale, y, (156 + width) * scale, y + 22 * scale),
            radius=11 * scale,
            fill="#1e293b" if i == 1 else line_colour,
        )
    box = (140 * scale, 200 * scale, 340 * scale, 250 * scale)
    draw.rectangle(box, outline="#ff7a1a", width=max(1, round(10 * scale)))
    return tile


def draw_sample(font_path: Path) -> Image.Image:
    """A page of printed text, some of it Chinese, on slightly warm paper."""
    width, height = 960, 460
    image = Image.new("RGB", (width, height), "#fbfaf6")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width - 1, height - 1), outline="#d9d4c7", width=2)
    draw.rectangle((0, 0, width, 10), fill="#2563eb")
    y = 48
    for text, size in SAMPLE_LINES:
        font = ImageFont.truetype(str(font_path), size)
        colour = "#111827" if size > 40 else "#1f2937"
        draw.text((56, y), text, font=font, fill=colour)
        y += int(size * 1.75) + (14 if size > 40 else 0)
    return image


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ASSETS, help="folder to write to")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args.out.mkdir(parents=True, exist_ok=True)
    icon = draw_icon(512)
    icon.resize((256, 256), Image.Resampling.LANCZOS).save(args.out / "icon.png", optimize=True)
    icon.save(args.out / "icon.ico", sizes=[(s, s) for s in ICON_SIZES])
    sample = draw_sample(find_cjk_font())
    sample.save(args.out / "sample.png", optimize=True)
    for name in ("icon.png", "icon.ico", "sample.png"):
        logger.info("wrote %s (%d bytes)", args.out / name, (args.out / name).stat().st_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
