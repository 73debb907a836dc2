"""Say where each Python dependency of the installed venv came from (run by install.sh).

A venv made with ``--system-site-packages`` mixes PyPI wheels (inside the venv) with
Debian or Raspberry Pi OS packages (``/usr/lib/python3/dist-packages``). Someone whose
device misbehaves after an upgrade needs to know which one they got, so the install
prints one line per distribution in the dependency closure of the names given:
``pygame 2.1.2: Debian package python3-pygame``.

Usage: ``VENV/bin/python -B scripts/dep_sources.py unslump lgpio``. Standard library only:
it runs in a venv that has just been made.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

SELF = "unslump"
NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def owning_package(path: Path) -> str | None:
    """The dpkg package that owns ``path``, or None (not from a package, or no dpkg)."""
    try:
        done = subprocess.run(["dpkg-query", "-S", str(path)], capture_output=True,
                              text=True, check=False, timeout=30)
    except OSError:
        return None
    if done.returncode != 0 or ":" not in done.stdout:
        return None
    return done.stdout.split(":", 1)[0].split(",")[0].strip()


def source(where: Path) -> str:
    """"PyPI wheel (venv)" inside this venv, else the package that owns it."""
    if where.resolve().is_relative_to(Path(sys.prefix).resolve()):
        return "PyPI wheel (venv)"
    package = owning_package(where)
    return f"Debian package {package}" if package else f"system site-packages ({where})"


def module_spec(name: str) -> importlib.machinery.ModuleSpec | None:
    """The import spec of a top-level module named like the distribution, if any."""
    try:
        return importlib.util.find_spec(normalise(name).replace("-", "_"))
    except (ImportError, ValueError):
        return None


def dependencies(dist: metadata.Distribution) -> list[tuple[str, bool]]:
    """(name, conditional) for each distribution this one requires, extras left out.

    Conditional ones (``; python_version < "3.10"``) are reported only when installed.
    """
    names = []
    for requirement in dist.requires or []:
        _, _, marker = requirement.partition(";")
        match = NAME.match(requirement)
        if match and "extra" not in marker:
            names.append((match.group(1), bool(marker.strip())))
    return names


def describe(names: list[str]) -> list[str]:
    """One line per distribution in the closure of ``names`` that is installed."""
    lines: list[str] = []
    seen: set[str] = set()
    todo = [(name, False) for name in names]
    while todo:
        name, conditional = todo.pop(0)
        if normalise(name) in seen:
            continue
        seen.add(normalise(name))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            spec = module_spec(name)
            if spec is None or spec.origin is None:
                if not conditional:
                    lines.append(f"{name}: not installed")
            else:
                lines.append(f"{name} (no metadata): {source(Path(spec.origin))}")
            continue
        meta_dir = getattr(dist, "_path", None)
        where = Path(meta_dir) if meta_dir else Path(str(dist.locate_file("")))
        origin = "built from this checkout (venv)" if normalise(name) == SELF else source(where)
        lines.append(f"{dist.metadata['Name']} {dist.version}: {origin}")
        todo.extend(dependencies(dist))
    return lines


def main(argv: list[str]) -> int:
    print("unslump install: where each Python package comes from:")
    for line in describe(argv):
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
