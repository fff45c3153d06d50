"""The one dependency rule: nothing under app/models or app/services imports PySide6."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_models_and_services_never_import_qt_in_source():
    offenders = [
        str(p.relative_to(ROOT))
        for layer in ("app/models", "app/services")
        for p in (ROOT / layer).rglob("*.py")
        if {"PySide6", "shiboken6"} & _imports(p)
    ]
    assert offenders == []


def test_importing_every_service_loads_no_qt():
    code = (
        "import importlib, pkgutil, sys\n"
        "import app.models, app.services, app.cli\n"
        "for pkg in (app.models, app.services):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "print(sorted(n for n in sys.modules if n.startswith(('PySide6', 'shiboken6'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_start_up_does_not_load_reportlab_or_openpyxl():
    """The sign-in window needs neither; they load with the first print or export (issue 13)."""
    import subprocess
    import sys

    code = ("import sys, app.ui.main, app.ui.window.shell, app.ui.window.first_run; "
            "print(sorted(m for m in ('reportlab', 'openpyxl') if m in sys.modules))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
