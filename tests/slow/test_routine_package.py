"""The routine files ship in the package: what a wheel would hold, built by setuptools
(seconds: the slow tier)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.paths import REPO
from unslump.core.settings import SHIPPED_ROUTINES

REPO = REPO


def test_routine_package_data_ships_the_routines(tmp_path: Path) -> None:
    """What a wheel would hold: setuptools' build of the package, from a copy (a build
    writes build/ and egg-info where it runs)."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "device", source / "device",
                    ignore=shutil.ignore_patterns("__pycache__"))
    built = tmp_path / "lib"
    subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q",
                    "build_py", "--build-lib", str(built)], cwd=source, check=True,
                   capture_output=True, timeout=120)
    shipped = sorted(p.name for p in (built / "unslump" / "config" / "routines").glob("*.toml"))
    assert shipped == sorted(f"{name}.toml" for name in SHIPPED_ROUTINES)

