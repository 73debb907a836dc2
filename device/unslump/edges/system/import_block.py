"""Keeping a process small: modules a library would load but this process never uses."""

from __future__ import annotations

import importlib
import sys
from importlib.machinery import PathFinder
from types import ModuleType
from typing import Any, cast


def never_import(name: str) -> None:
    """Mark ``name`` as not to be imported by this process (an import of it then fails
    as if it were missing, which the library handles).

    ``None`` in ``sys.modules`` is Python's own way to say so; typeshed types the mapping
    as holding modules only, hence the cast. A module already loaded is left alone.
    """
    modules = cast("dict[str, ModuleType | None]", sys.modules)
    modules.setdefault(name, None)


class DeferredModule(ModuleType):
    """Stands in ``sys.modules`` for ``target`` and imports it at its first use.

    Every attribute is answered from ``target`` (imported then), except the ``names``
    given, which are callables that import ``target`` only when called: a library's
    ``from colorzero import Color`` at its own import then costs nothing until it makes
    a colour. When it stands in under ``target``'s own name, the first use puts the real
    module back in ``sys.modules`` in its place, so later imports get the real one.
    """

    def __init__(self, name: str, target: str, names: tuple[str, ...] = ()) -> None:
        super().__init__(name, f"{target}, imported when first used")
        self._target = target
        for attribute in names:
            setattr(self, attribute, DeferredCall(self, attribute))
        if name == target:
            # Standing in for a package: its folder, found without running it, so that
            # ``import package.sub`` still finds the submodule (the import system asks
            # every module imported ``from`` for __path__, which must not load it).
            spec = PathFinder.find_spec(target)
            if spec is not None and spec.submodule_search_locations is not None:
                self.__path__ = list(spec.submodule_search_locations)

    def loaded(self) -> ModuleType:
        """``target``, imported now if it is not yet."""
        found = sys.modules.get(self._target)
        if found is None or found is self:
            if found is self:
                sys.modules.pop(self._target, None)
            found = importlib.import_module(self._target)
        return found

    def __getattr__(self, attribute: str) -> Any:
        if attribute == "__path__":  # not a package (see __init__): asked by every import
            raise AttributeError(attribute)
        return getattr(self.loaded(), attribute)


class DeferredCall:
    """One function or class of a :class:`DeferredModule`, called through once loaded.

    An object, not a function, so that as a class attribute (``Process = Process`` in a
    class body) it is not bound to the instance it is read from, as the real class is not.
    """

    def __init__(self, module: DeferredModule, name: str) -> None:
        self._module = module
        self.__name__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(self._module.loaded(), self.__name__)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<{self._module._target}.{self.__name__}, imported when first called>"


def import_when_used(name: str, target: str | None = None,
                     names: tuple[str, ...] = ()) -> None:
    """Let an import of ``name`` give ``target`` (``name`` itself by default), imported
    only when first used (see :class:`DeferredModule`). A module already loaded (or
    marked never to load) is left alone."""
    modules = cast("dict[str, ModuleType | None]", sys.modules)
    if name in modules:
        return
    package, _, leaf = name.rpartition(".")
    parent = importlib.import_module(package) if package else None
    deferred = modules[name] = DeferredModule(name, target or name, names)
    if parent is not None:
        # ``import package.leaf`` reads the leaf as an attribute of the package, which the
        # import system sets only when it loads the leaf itself.
        setattr(parent, leaf, deferred)
