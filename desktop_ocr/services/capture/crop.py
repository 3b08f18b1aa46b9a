"""From the rectangle drawn on the overlay to the pixels under it."""

from __future__ import annotations

from desktop_ocr.services.capture.models import CapturedRegion, MonitorShot, Rect


def cut_region(
    shot: MonitorShot, rect: Rect, released_at: float, *, whole_screen: bool = False
) -> CapturedRegion | None:
    """The pixels under `rect` (screen coordinates), clipped to the monitor; None if empty.

    The monitor's scale turns window units into image pixels (2 on a Retina Mac), so
    the pixels read are the region the user saw, at the screen's full resolution.
    """
    monitor = shot.monitor
    clipped = rect.intersect(monitor.rect)
    if clipped is None:
        return None
    scale = monitor.scale
    left = round((clipped.left - monitor.rect.left) * scale)
    top = round((clipped.top - monitor.rect.top) * scale)
    right = min(round((clipped.right - monitor.rect.left) * scale), shot.image.width)
    bottom = min(round((clipped.bottom - monitor.rect.top) * scale), shot.image.height)
    if right <= left or bottom <= top:
        return None
    image = shot.image.crop((left, top, right, bottom))
    return CapturedRegion(image, clipped, monitor, released_at, whole_screen)
