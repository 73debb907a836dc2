"""The test tree's own rule: shared helpers live in tests/support, and no test file
imports another test file (a helper moved or renamed in one test file would otherwise
break tests that only borrowed it)."""

from __future__ import annotations

import ast

from tests.support.paths import TESTS

TIER_PACKAGES = ("tests.unit", "tests.scenario", "tests.slow", "tests.service")


def imported_modules(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return found


def test_no_test_file_imports_another_test_file():
    borrowed = {
        str(path.relative_to(TESTS)): sorted(name for name in imported_modules(
            ast.parse(path.read_text(encoding="utf-8")))
            if name.startswith(TIER_PACKAGES) and name.rsplit(".", 1)[-1].startswith("test"))
        for path in TESTS.rglob("*.py")
    }
    assert {path: names for path, names in borrowed.items() if names} == {}
