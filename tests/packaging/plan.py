"""tools/bundle_plan.py loaded as a module (tools/ is a folder of scripts, not a package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

PLAN_FILE = Path(__file__).resolve().parents[2] / "tools" / "bundle_plan.py"


def _load() -> ModuleType:
    if "bundle_plan" in sys.modules:
        return sys.modules["bundle_plan"]
    spec = importlib.util.spec_from_file_location("bundle_plan", PLAN_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bundle_plan"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


bundle_plan = _load()
