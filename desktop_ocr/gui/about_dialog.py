"""The About box: the app's version, the onnxruntime build, and the models' licences."""

from __future__ import annotations

import logging
import platform
import tkinter as tk
from dataclasses import dataclass

from desktop_ocr import __version__
from desktop_ocr.engine.config import EngineConfig
from desktop_ocr.engine.cuda_diagnosis import onnxruntime_build
from desktop_ocr.engine.packs import ADD_COMMAND, PACKS, locate_pack
from desktop_ocr.gui.message_dialog import MessageDialog
from desktop_ocr.i18n import _

logger = logging.getLogger(__name__)

APP_NAME = "Desktop OCR"


@dataclass(frozen=True)
class AboutInfo:
    """Everything the About box says, as text lines (also what its Copy button copies)."""

    version: str
    onnxruntime: str
    models: tuple[tuple[str, str], ...]  # (role, file) of the pack in use
    packs: tuple[tuple[str, str, str, str], ...]  # (title, languages, licence, where)
    pack_title: str
    platform: str

    def text(self) -> str:
        lines = [
            f"{APP_NAME} {self.version}",
            _("Offline text recognition on the CPU or an NVIDIA GPU."),
            "",
            f"onnxruntime: {self.onnxruntime}",
            f"Python {platform.python_version()}, Tk {tk.TkVersion}, {self.platform}",
            "",
            _("Reading with the {pack} model pack:").format(pack=self.pack_title),
        ]
        lines += [f"  {role}: {name}" for role, name in self.models]
        lines += ["", _("Model packs (PaddleOCR's PP-OCR models):")]
        for title, languages, licence, where in self.packs:
            lines.append(f"  {title} ({licence}): {languages}")
            lines.append(f"    {where}")
        lines += ["", _("{app} is licensed under Apache-2.0.").format(app=APP_NAME)]
        return "\n".join(lines)


def about_info(config: EngineConfig) -> AboutInfo:
    package, version, cuda = onnxruntime_build()
    build = f"{package} {version}" + (f", built for CUDA {cuda}" if cuda else ", CPU only")
    models = tuple((role, getattr(config.models, role) or "") for role in ("det", "cls", "rec"))
    packs = []
    for pack in PACKS.values():
        location = locate_pack(pack)
        where = (
            _("found: {where}").format(where=location.where)
            if location.installed
            else _("not installed: run `{command}`").format(
                command=ADD_COMMAND.format(name=pack.name)
            )
        )
        packs.append((pack.title, _(pack.languages), pack.licence, where))
    return AboutInfo(
        __version__,
        build,
        models,
        tuple(packs),
        config.pack.title,
        platform.platform(terse=True),
    )


class AboutDialog(MessageDialog):
    """The About box, with the icon when it can be shown."""

    def __init__(self, master: tk.Misc, config: EngineConfig, icon: tk.PhotoImage | None) -> None:
        self.info = about_info(config)
        self._icon = icon.subsample(max(icon.width() // 64, 1)) if icon is not None else None
        super().__init__(
            master,
            title=_("About {app}").format(app=APP_NAME),
            heading=f"{APP_NAME} {self.info.version}",
            body=self.info.text(),
            kind="info",
            image=self._icon,
            body_font="TkDefaultFont",
        )

    def destroy(self) -> None:
        super().destroy()
        self._icon = None  # freed here, on the Tk thread
