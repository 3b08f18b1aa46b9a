"""Screen capture: grab every monitor, cut the region the user chose, say why when it cannot.

No Tk here: the overlay that shows the frozen screen lives in the GUI and calls these.
"""

from desktop_ocr.services.capture.crop import cut_region
from desktop_ocr.services.capture.grab import display_server, grab_screen
from desktop_ocr.services.capture.models import (
    CapturedRegion,
    CaptureError,
    Monitor,
    MonitorShot,
    Rect,
    Screenshot,
)

__all__ = [
    "CaptureError",
    "CapturedRegion",
    "Monitor",
    "MonitorShot",
    "Rect",
    "Screenshot",
    "cut_region",
    "display_server",
    "grab_screen",
]
