"""The house's shape: apps are layers with one direction of dependency, no module imports
another app inside a function, and no two modules import each other (import-linter's contracts
in pyproject.toml, which CI also runs as `lint-imports`)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("tracker", "web", "events", "bills")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def test_import_contracts_are_kept():
    """Layers tracker > web > events > bills, and no import cycle between sibling modules."""
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize("app", APPS)
def test_no_module_imports_another_app_inside_a_function(app):
    """Function-level imports hid the old cycles; an app's own modules may still be imported
    in AppConfig.ready(), the one place Django allows no other way."""
    hidden = []
    for path in _modules(app):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                for name in names:
                    top = name.split(".")[0]
                    if top in APPS and top != app:
                        hidden.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert not hidden, hidden


def test_the_record_app_keeps_no_public_site():
    """Views, feeds, filters, page cache and template tags live in web/, not in the record."""
    for name in ("views.py", "feeds.py", "filters.py", "page_cache.py", "selectors.py", "urls.py"):
        assert not (ROOT / "bills" / name).exists(), name
    assert not (ROOT / "bills" / "templatetags").exists()
    for name in ("views.py", "feeds.py", "filters.py", "page_cache.py", "selectors.py", "urls.py"):
        assert (ROOT / "web" / name).exists(), name
