"""Where the break log goes: systemd's state directory, else the XDG data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from unslump.edges.store.paths import default_db_path, reader_db_path, simulator_db_path


def test_store_paths_systemd_state_directory_wins():
    env = {"STATE_DIRECTORY": "/var/lib/unslump", "XDG_DATA_HOME": "/x", "HOME": "/home/pi"}
    assert default_db_path(env) == Path("/var/lib/unslump/unslump.db")


def test_store_paths_first_of_several_state_directories():
    env = {"STATE_DIRECTORY": "/var/lib/unslump:/var/lib/other"}
    assert default_db_path(env) == Path("/var/lib/unslump/unslump.db")


def test_store_paths_xdg_data_home_when_run_by_hand():
    env = {"XDG_DATA_HOME": "/home/pi/data", "HOME": "/home/pi"}
    assert default_db_path(env) == Path("/home/pi/data/unslump/unslump.db")


def test_store_paths_home_fallback_and_relative_xdg_ignored():
    assert default_db_path({"HOME": "/home/pi"}) == Path("/home/pi/.local/share/unslump/unslump.db")
    env = {"XDG_DATA_HOME": "relative/data", "HOME": "/home/pi"}
    assert default_db_path(env) == Path("/home/pi/.local/share/unslump/unslump.db")


def test_store_paths_defaults_to_the_process_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path))
    assert default_db_path() == tmp_path / "unslump.db"


def test_store_paths_readers_take_the_service_log_when_the_service_is_installed(tmp_path):
    unit = tmp_path / "unslump.service"
    unit.write_text("[Unit]\n")
    service_db = tmp_path / "var" / "unslump.db"
    env = {"HOME": "/home/pi"}
    assert reader_db_path(None, "", env, (unit,), service_db) == service_db
    assert reader_db_path(None, "/data/log.db", env, (unit,), service_db) == Path(
        "/data/log.db")  # the config's [store] path wins
    assert reader_db_path("/tmp/x.db", "/data/log.db", env, (unit,), service_db) == Path(
        "/tmp/x.db")  # --db wins over both
    unit.unlink()
    assert reader_db_path(None, "", env, (unit,), service_db) == Path(
        "/home/pi/.local/share/unslump/unslump.db")  # not installed: the caller's own


def test_store_paths_simulator_log_is_its_own_file_beside_the_default() -> None:
    """The simulator never writes a device's log: not the default, not [store] path."""
    env = {"HOME": "/home/ann"}
    assert simulator_db_path(None, env) == Path("/home/ann/.local/share/unslump/simulator.db")
    assert simulator_db_path(None, env) != default_db_path(env)
    assert simulator_db_path("~/try.db", env) == Path("~/try.db").expanduser()


@pytest.mark.parametrize("db", ["/tmp/" + "a" * 5000, "/var/lib/" + "b" * 300 + "/u.db",
                                "/tmp/a\nb.db", "/tmp/a\x00b.db"])
@pytest.mark.parametrize("command", [["stats"], ["export", "--format", "csv"],
                                     ["routine", "reset-notice"], ["doctor"]])
def test_store_paths_a_db_path_linux_cannot_take_is_one_line(db, command, capsys):
    from unslump.cli.main import main

    code = main([*command, "--db", db])
    err = capsys.readouterr().err
    assert code in (1, 2) and err.startswith("unslump: --db: ") and err.count("\n") == 1, err
    assert len(err) < 300


SCENARIO = Path(__file__).parents[1] / "scenarios" / "bouncy-button.txt"


def _unwritable_db_paths(tmp_path: Path) -> list[tuple[str, str]]:
    """(--db, what the one line must say) for logs a scenario could not write."""
    folder = tmp_path / "folder"
    folder.mkdir()
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    return [("/tmp/" + "a" * 5000, "too long"), (str(tmp_path / "a\nb.db"), "control"),
            (str(tmp_path / "a\x00b.db"), "control"), (str(folder), "directory"),
            (str(a_file / "x.db"), "is a file, not a folder")]


def test_store_paths_scenario_db_that_cannot_be_written_is_one_line_and_exit_2(
        tmp_path, capsys):
    """``scenario --db`` gets the checks a configured path gets: a log the scenario could
    not write is refused before it plays, not played with every row lost at the end."""
    from unslump.cli.main import main

    for db, said in _unwritable_db_paths(tmp_path):
        code = main(["scenario", str(SCENARIO), "--db", db])
        captured = capsys.readouterr()
        assert code == 2, (db, captured.err)
        assert captured.out == "", db  # nothing played
        assert captured.err.startswith("unslump: --db ") and captured.err.count("\n") == 1, \
            captured.err
        assert said in captured.err and len(captured.err) < 300, captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "folder"]
