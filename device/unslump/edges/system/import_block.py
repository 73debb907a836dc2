"""Keeping a process small: modules a library would load but this process never uses."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import cast


def never_import(name: str) -> None:
    """Mark ``name`` as not to be imported by this process (an import of it then fails
    as if it were missing, which the library handles).

    ``None`` in ``sys.modules`` is Python's own way to say so; typeshed types the mapping
    as holding modules only, hence the cast. A module already loaded is left alone.
    """
    modules = cast("dict[str, ModuleType | None]", sys.modules)
    modules.setdefault(name, None)
