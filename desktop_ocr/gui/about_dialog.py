"""The About box: the app's version, the onnxruntime build, and the models' licences."""

from __future__ import annotations

import logging
import platform
import tkinter as tk
from dataclasses import dataclass

from desktop_ocr import __version__
from desktop_ocr.engine.config import EngineConfig, ModelFiles
from desktop_ocr.engine.cuda_diagnosis import onnxruntime_build
from desktop_ocr.gui.message_dialog import MessageDialog
from desktop_ocr.i18n import _

logger = logging.getLogger(__name__)

APP_NAME = "Desktop OCR"
# The bundled PP-OCR models (PaddleOCR, shipped in the rapidocr wheel): what they do.
_DEFAULT_MODELS = ModelFiles()
BUNDLED_MODELS = {
    _DEFAULT_MODELS.det: "PP-OCRv4 mobile text detection",
    _DEFAULT_MODELS.cls: "PP-OCR v2.0 mobile text angle classifier",
    _DEFAULT_MODELS.rec: "PP-OCRv4 mobile text recognition",
}
BUNDLED_LICENCE = "Apache-2.0"


@dataclass(frozen=True)
class AboutInfo:
    """Everything the About box says, as text lines (also what its Copy button copies)."""

    version: str
    onnxruntime: str
    models: tuple[tuple[str, str, str], ...]  # (file, what it is, licence)
    platform: str

    def text(self) -> str:
        lines = [
            f"{APP_NAME} {self.version}",
            _("Offline text recognition on the CPU or an NVIDIA GPU."),
            "",
            f"onnxruntime: {self.onnxruntime}",
            f"Python {platform.python_version()}, Tk {tk.TkVersion}, {self.platform}",
            "",
            _("Models:"),
        ]
        lines += [f"  {name}: {what} ({licence})" for name, what, licence in self.models]
        lines += ["", _("{app} is licensed under Apache-2.0.").format(app=APP_NAME)]
        return "\n".join(lines)


def about_info(config: EngineConfig) -> AboutInfo:
    package, version, cuda = onnxruntime_build()
    build = f"{package} {version}" + (f", built for CUDA {cuda}" if cuda else ", CPU only")
    models = []
    for role in ("det", "cls", "rec"):
        name = getattr(config.models, role)
        what = BUNDLED_MODELS.get(name)
        if what is not None:
            models.append((name, what, BUNDLED_LICENCE))
        else:
            models.append((name, f"{role} model named in the config", "see its source"))
    return AboutInfo(__version__, build, tuple(models), platform.platform(terse=True))


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
