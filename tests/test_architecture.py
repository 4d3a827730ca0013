"""The layering contract, executable: the engine does no I/O, and `--help` stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_ENGINE = {"subprocess", "httpx", "git", "kubernetes", "socket", "requests", "urllib.request", "os.system"}
ADAPTERS = ("argogate.render", "argogate.git", "argogate.kube", "argogate.registry", "argogate.argocd", "argogate.cli")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_engine_imports_nothing_that_does_io() -> None:
    offenders = []
    for path in sorted((ROOT / "argogate" / "engine").rglob("*.py")) + sorted((ROOT / "argogate" / "model").rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in FORBIDDEN_IN_ENGINE or name in FORBIDDEN_IN_ENGINE or name.startswith(ADAPTERS):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_engine_does_not_open_files() -> None:
    offenders = []
    for path in sorted((ROOT / "argogate" / "engine").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from argogate.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('kubernetes', 'httpx', 'git', 'tenacity') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.splitlines()[-1] == "", out.stdout
