"""Modules loaded on first use. The printed forms pull in ReportLab (and the statistics export openpyxl),
which the sign-in window does not need; the pages name them at the top as usual and pay on first print."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_import(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
        # The frozen bundle's importer finds no spec this way (seen in the PyInstaller selftest): load now.
        return importlib.import_module(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
