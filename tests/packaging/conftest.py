"""Fixtures of the packaging tests: the X display of the window tests."""

from tests.gui.conftest import display  # noqa: F401 - a fixture, used by name
