"""The one-way flow of the package: config -> data -> model -> session -> figures -> page."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "playground"


def imported_modules(path: Path) -> set[str]:
    """Every playground module a file imports (absolute names, relative ones resolved)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = parts[:len(parts) - node.level]
                base = ".".join(package + ((base,) if base else ()))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in names if name.startswith("playground")}


def _files(package: str) -> list[Path]:
    return sorted((PACKAGE / package).rglob("*.py"))


@pytest.mark.parametrize("package, forbidden", [
    ("nn", ("playground.ui", "playground.viz", "playground.config", "playground.data")),
    ("data", ("playground.ui", "playground.viz", "playground.config", "playground.nn")),
    ("ui", ("playground.nn",)),
    ("viz", ("playground.ui",)),
    ("traces", ("playground.ui", "playground.viz", "playground.config", "playground.data")),
    ("config", ("playground.ui", "playground.viz", "playground.nn")),
])
def test_nothing_reaches_back_upstream(package, forbidden):
    assert _files(package)
    wrong = {f"{path.relative_to(PACKAGE)} imports {name}"
             for path in _files(package) for name in imported_modules(path)
             if name.startswith(forbidden)}
    assert not wrong, sorted(wrong)


@pytest.mark.parametrize("module", ["playground.config", "playground.view_names"])
def test_the_config_loads_without_plotly(module):
    """The settings table (hide names included) is plain data: a CLI, a JSON check or a
    test that only reads the config must not pay for plotly (nor streamlit, pandas)."""
    code = (f"import sys, {module}; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'plotly', 'streamlit', 'pandas'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PACKAGE.parent, check=True).stdout
    assert out.strip() == "[]", f"importing {module} imported {out.strip()}"
