"""One small mixin for everything that holds a resource: ``with`` closes it.

Every adapter (audio, buzzer, stores, the notify socket) has one idempotent ``close()``;
this makes each a context manager too, so ``main()`` can put them all in one ExitStack.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self


class ClosesOnExit:
    """Makes a class with ``close()`` a context manager that closes on leaving ``with``."""

    def close(self) -> None:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
