"""The house's rooms: app/services is one package per concept, and imports run one way.

Every import counts, those inside functions included (an import put inside a function to dodge a cycle is
still a cycle). A module may use another package's public names only: no `_private` across packages.
The UI never opens a database session itself: every act is a service call."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ROOT / "app" / "services"


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module imported, names taken from it) for every import in the file, wherever it stands."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                # `from pkg import module` imports the module; `from module import name` takes a name.
                candidate = f"{node.module}.{a.name}"
                if (SERVICES.parent.parent / (candidate.replace(".", "/") + ".py")).exists() or (
                    SERVICES.parent.parent / candidate.replace(".", "/")
                ).is_dir():
                    found.append((candidate, []))
                else:
                    found.append((node.module, [a.name]))
    return found


def _graph() -> dict[str, dict[str, set[str]]]:
    graph: dict[str, dict[str, set[str]]] = {}
    for path in SERVICES.rglob("*.py"):
        edges = graph.setdefault(_module(path), {})
        for target, names in _imports(path):
            if target.startswith("app.services.") and target.count(".") >= 3:
                edges.setdefault(target, set()).update(names)
    return graph


def _package(module: str) -> str:
    return module.split(".")[2]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one node (Tarjan), each sorted."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in list(edges):
        if v not in index:
            visit(v)
    return out


def test_no_module_of_the_services_is_in_an_import_cycle():
    graph = _graph()
    edges = {m: {t for t in targets if t != m} for m, targets in graph.items()}
    assert _cycles(edges) == []


def test_packages_import_one_way():
    packages: dict[str, set[str]] = {}
    for module, targets in _graph().items():
        if module.count(".") < 2:
            continue
        for target in targets:
            if _package(target) != _package(module):
                packages.setdefault(_package(module), set()).add(_package(target))
    assert _cycles(packages) == [], packages


def test_no_private_name_crosses_a_package():
    offenders = []
    for module, targets in _graph().items():
        for target, names in targets.items():
            private = [n for n in names if n.startswith("_")]
            if private and _package(target) != _package(module):
                offenders.append(f"{module} takes {private} from {target}")
    # Attribute use (`store._key`) as well as imports: a private name reached through another package's module.
    for path in SERVICES.rglob("*.py"):
        module = _module(path)
        text = path.read_text(encoding="utf-8")
        for target, _names in _imports(path):
            short = target.rsplit(".", 1)[-1]
            if target.startswith("app.services.") and target.count(".") >= 3 and _package(target) != _package(module):
                for m in re.finditer(rf"\b{short}\.(_[a-z]\w*)", text):
                    offenders.append(f"{module} uses {short}.{m.group(1)}")
    assert offenders == []


def test_the_ui_never_opens_a_session():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "app" / "ui").rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.session\(\)", line)
    ]
    assert offenders == []


def test_the_ui_and_the_cli_take_no_private_name_from_the_services():
    offenders = []
    for path in [*(ROOT / "app" / "ui").rglob("*.py"), ROOT / "app" / "cli.py"]:
        text = path.read_text(encoding="utf-8")
        for target, names in _imports(path):
            if not target.startswith("app.services"):
                continue
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.startswith("_")]
            short = target.rsplit(".", 1)[-1]
            offenders += [f"{path.relative_to(ROOT)}: {short}.{m}" for m in re.findall(rf"\b{short}\.(_[a-z]\w*)", text)]
    assert offenders == []


def test_every_setting_has_its_default_in_one_place():
    """The flag contract's defaults (spec/households.md, FlagSettings) are the settings' defaults, and no
    module but the settings module reads the settings table or keeps a default of its own."""
    from app.services.flags.flags import FlagSettings
    from app.services.store.settings import SPECS

    for name, default in FlagSettings().to_dict().items():
        assert SPECS[f"flags.{name}"].default == default, name
    offenders = [
        str(path.relative_to(ROOT))
        for path in [*SERVICES.rglob("*.py"), *(ROOT / "app" / "ui").rglob("*.py"), ROOT / "app" / "cli.py"]
        if path.name != "settings.py"
        and re.search(r"DEFAULT_(GENERATIONS|REPLY_DAYS|NO_CONTACT_DAYS)|store\.setting\(\"(backup\.generations|referral|outreach|flags\.\w+_age)", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# From the ground up, as docs/architecture.md draws them: a package imports only packages before it.
ORDER = ("common", "store", "records", "printing", "flags", "households", "referrals", "meetings", "outreach",
         "participation", "community",
         "statistics", "program", "sheets", "catalog", "transfer")  # fmt: skip


def test_packages_import_only_those_below_them():
    packages = {p.name for p in SERVICES.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(ORDER)
    upward = []
    for module, targets in _graph().items():
        if module.count(".") < 3:
            continue
        for target in targets:
            if ORDER.index(_package(target)) > ORDER.index(_package(module)):
                upward.append(f"{module} -> {target}")
    assert upward == []
