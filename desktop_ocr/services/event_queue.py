"""The worker's events in order, counting the results whose pixels nobody has taken yet.

Each finished image travels with its pixels (a 200 dpi page is 11 MB), so a worker that
reads pages faster than a window can draw them would fill memory with results waiting
in the queue. The worker asks `unread` before it starts the next image and waits while
too many are unread; taking an event out of the queue makes room again.
"""

from __future__ import annotations

import queue
import threading
from typing import Generic, TypeVar

Event = TypeVar("Event")


class EventQueue(Generic[Event]):
    """A SimpleQueue of events that counts those of one type (results with pixels)."""

    def __init__(self, counted: type) -> None:
        self._queue: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self._counted = counted
        self._taken = threading.Condition()
        self.unread = 0  # counted events put and not yet taken

    def put(self, event: Event) -> None:
        if isinstance(event, self._counted):
            with self._taken:
                self.unread += 1
        self._queue.put(event)

    def get(self, block: bool = True, timeout: float | None = None) -> Event:
        """The next event (raises queue.Empty, as SimpleQueue does, when there is none)."""
        event = self._queue.get(block, timeout)
        if isinstance(event, self._counted):
            with self._taken:
                self.unread -= 1
                self._taken.notify_all()
        return event

    def get_nowait(self) -> Event:
        return self.get(False)

    def empty(self) -> bool:
        return self._queue.empty()

    def wait_taken(self, timeout: float) -> None:
        """Waits until a counted event is taken, or `timeout` seconds."""
        with self._taken:
            self._taken.wait(timeout)
