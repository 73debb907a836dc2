"""Root and a log in someone else's directory: no planted link followed, no root-owned log.

Root is simulated (effective ids and file owners passed in), never needed.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from unslump.cli.routine_commands import reset_notice
from unslump.edges.store.as_owner import as_owner_of, planted_link

USER = 1234  # the owner of the directory the log is in (the service's user)


class FakeIds:
    """Effective ids as the kernel keeps them: starts as root, records every change."""

    def __init__(self, watch: Path | None = None) -> None:
        self.euid, self.egid = 0, 0
        self.calls: list[tuple[str, int]] = []
        self.watch = watch
        self.seen_as_user: list[str] = []  # files in ``watch`` when root's ids come back

    def geteuid(self) -> int:
        return self.euid

    def getegid(self) -> int:
        return self.egid

    def seteuid(self, uid: int, /) -> None:
        if uid == 0 and self.watch is not None:
            self.seen_as_user = sorted(p.name for p in self.watch.iterdir())
        self.calls.append(("seteuid", uid))
        self.euid = uid

    def setegid(self, gid: int, /) -> None:
        self.calls.append(("setegid", gid))
        self.egid = gid


def owned_by_user(directory: Path):
    """os.stat, but ``directory`` belongs to USER (as the service's state directory does)."""

    def stat_of(path: Path) -> os.stat_result:
        info = os.stat(path)
        if Path(path) != directory:
            return info
        return os.stat_result((info.st_mode, info.st_ino, info.st_dev, info.st_nlink, USER,
                               USER, info.st_size, 0, 0, 0))

    return stat_of


def another_programs_file(path: Path) -> bytes:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE secrets (body TEXT)")
        connection.execute("INSERT INTO secrets VALUES ('root only')")
    connection.close()
    return path.read_bytes()


def test_store_as_owner_root_reset_notice_never_follows_a_planted_link(tmp_path, capsys):
    root_file = tmp_path / "root-owned.db"
    before = another_programs_file(root_file)
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o777)  # a directory root does not own alone
    (home / "unslump.db").symlink_to(root_file)
    code = reset_notice(home / "unslump.db", FakeIds())
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "is a symbolic link in a directory other users can write" in err
    assert root_file.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "root-owned.db"]


def test_store_as_owner_root_replaces_a_damaged_log_as_the_directory_owner(tmp_path, capsys):
    state = tmp_path / "state"
    state.mkdir()
    (state / "unslump.db").write_bytes(b"not a database at all" * 50)
    ids = FakeIds(watch=state)
    code = reset_notice(state / "unslump.db", ids, stat_of=owned_by_user(state))
    assert code == 0, capsys.readouterr().err
    assert ids.calls[:2] == [("setegid", USER), ("seteuid", USER)]
    assert ids.calls[2:] == [("seteuid", 0), ("setegid", 0)]
    # the damaged log set aside and the new one made while acting as the user
    assert "unslump.db" in ids.seen_as_user
    assert any(name.startswith("unslump.db.corrupt-") for name in ids.seen_as_user)
    assert (ids.euid, ids.egid) == (0, 0)


def test_store_as_owner_a_user_keeps_their_own_ids(tmp_path):
    ids = FakeIds()
    ids.euid = 1000
    with as_owner_of(tmp_path, ids, owned_by_user(tmp_path)):
        pass
    assert ids.calls == []


def test_store_as_owner_ids_come_back_after_an_error(tmp_path):
    ids = FakeIds()
    with pytest.raises(RuntimeError), as_owner_of(tmp_path, ids, owned_by_user(tmp_path)):
        raise RuntimeError("the store failed")
    assert (ids.euid, ids.egid) == (0, 0)


def test_store_as_owner_links_in_root_only_directories_are_followed(tmp_path):
    """The installed service's own links (a StateDirectory under DynamicUser) are root's."""
    target = tmp_path / "private"
    target.mkdir()
    (tmp_path / "unslump").symlink_to(target)
    path = tmp_path / "unslump" / "unslump.db"

    def as_root(mode_of_parent: int):
        def stat_of(p: Path) -> os.stat_result:
            info = os.stat(p)
            return os.stat_result((mode_of_parent if Path(p) == tmp_path else info.st_mode,
                                   info.st_ino, info.st_dev, info.st_nlink, 0, 0,
                                   info.st_size, 0, 0, 0))
        return stat_of

    assert planted_link(path, stat_of=as_root(0o40755)) is None
    assert planted_link(path, stat_of=as_root(0o41777)) is None  # sticky, like /tmp
    assert planted_link(path, stat_of=as_root(0o40775)) == tmp_path / "unslump"
