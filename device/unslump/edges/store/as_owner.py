"""Root writing a break log that lives in someone else's directory.

``sudo unslump routine reset-notice`` is what the message tells a person to run. Root may
then meet a log path that another user prepared: a symbolic link planted in their own
directory (root would follow it and migrate our tables into whatever file it names), or
a damaged log that root would set aside and replace with a new file only root can write
(the service then loses every row until someone changes its owner). So root refuses a
link that a user other than root could have put on the way, and does the work as the
owner of the log's directory: files made are theirs, and the kernel checks access as it
would for them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from unslump.errors import UsageError


class Ids(Protocol):
    """The process's effective ids (the ``os`` module; a fake in the tests)."""

    def geteuid(self) -> int: ...
    def getegid(self) -> int: ...
    def seteuid(self, uid: int, /) -> None: ...
    def setegid(self, gid: int, /) -> None: ...


class PlantedLinkError(UsageError):
    """A symbolic link on the log's path sits where a user other than root could put it."""

    def __init__(self, path: Path, link: Path) -> None:
        super().__init__(
            f"{path}: {link} is a symbolic link in a directory other users can write; root "
            "does not follow it: run as the device's user (sudo -u unslump unslump ...) or "
            "pass --db the log's real path")


def planted_link(path: Path, lstat: Callable[[Path], os.stat_result] = os.lstat,
                 stat_of: Callable[[Path], os.stat_result] = os.stat) -> Path | None:
    """The first symbolic link on ``path`` in a directory a user other than root may
    write (theirs, or group- or world-writable without the sticky bit), or None."""
    current = Path(path.absolute().anchor)
    for part in path.absolute().parts[1:]:
        parent, current = current, current / part
        try:
            info = lstat(current)
        except FileNotFoundError:
            return None
        if stat.S_ISLNK(info.st_mode) and not root_only(stat_of(parent)):
            return current
    return None


def root_only(info: os.stat_result) -> bool:
    """True for a directory that only root may change the entries of."""
    sticky = bool(info.st_mode & stat.S_ISVTX)
    others_write = bool(info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))
    return info.st_uid == 0 and (sticky or not others_write)


@contextmanager
def as_owner_of(directory: Path, ids: Ids = os,
                stat_of: Callable[[Path], os.stat_result] = os.stat) -> Iterator[None]:
    """Run the block as the owner of ``directory`` when root (nothing changes otherwise).

    Effective ids only, put back after the block: the CLI is one thread, and root
    needs nothing of its own inside.
    """
    if ids.geteuid() != 0:
        yield
        return
    info = stat_of(directory)
    if info.st_uid == 0:
        yield
        return
    saved_gid = ids.getegid()
    ids.setegid(info.st_gid)
    ids.seteuid(info.st_uid)
    try:
        yield
    finally:
        ids.seteuid(0)
        ids.setegid(saved_gid)


def refuse_planted_link(path: Path, ids: Ids = os,
                        lstat: Callable[[Path], os.stat_result] = os.lstat,
                        stat_of: Callable[[Path], os.stat_result] = os.stat) -> None:
    """Raise :class:`PlantedLinkError` when root is about to follow a user's link."""
    if ids.geteuid() == 0 and (link := planted_link(path, lstat, stat_of)) is not None:
        raise PlantedLinkError(path, link)
