"""The core is pure at import: it pulls in only the standard library, itself and the
error tree, never the config parser, the pin map or an adapter."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import unslump.core

CORE_MODULES = sorted(f"unslump.core.{info.name}"
                      for info in pkgutil.iter_modules(unslump.core.__path__))

ALLOWED = {"unslump", "unslump.core", "unslump.errors"}


def _modules_loaded_by(imports: list[str]) -> list[str]:
    """Every module a fresh interpreter holds after importing ``imports`` (and Python's
    own start-up), so nothing imported by this test process hides an edge import."""
    probe = ("import importlib, json, sys\n"
             f"for name in {imports!r}: importlib.import_module(name)\n"
             "print(json.dumps(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True,
                            text=True, check=True)
    loaded: list[str] = json.loads(result.stdout)
    return loaded


def _foreign(loaded: list[str]) -> list[str]:
    """The loaded modules that are neither the standard library nor the allowed core."""
    stdlib = sys.stdlib_module_names
    return [name for name in loaded
            if name.split(".")[0] not in stdlib and not name.startswith("_")
            and not (name in ALLOWED or name.startswith("unslump.core."))]


def test_the_core_has_modules_to_check() -> None:
    assert "unslump.core.machine" in CORE_MODULES
    assert "unslump.core.settings" in CORE_MODULES


def test_importing_every_core_module_loads_no_edge_module() -> None:
    loaded = _modules_loaded_by(CORE_MODULES)
    assert set(CORE_MODULES) <= set(loaded)
    assert _foreign(loaded) == []


def test_the_boundary_check_sees_an_edge_import() -> None:
    """The check itself works: importing the config parser is caught as foreign."""
    assert "unslump.config.file" in _foreign(_modules_loaded_by(["unslump.config.file"]))
