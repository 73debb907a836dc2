"""Fatal start errors reach the journal at err priority, like every other error line.

Under systemd stderr is the journal (``$JOURNAL_STREAM`` is set) and a line's priority
comes from a ``<N>`` prefix (device/unslump/edges/system/journal.py gives log lines
theirs). Without one the line that says why the device could not start is filed at info, and
``journalctl -p err`` shows only systemd's "Failed to start".
"""

from __future__ import annotations

from unslump.cli.main import main


def bad_config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[pins]\nbutton = 'seventeen'\n")
    return path


def test_cli_journal_fatal_error_under_systemd_has_err_priority(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JOURNAL_STREAM", "8:12345")
    assert main(["config", "--config", str(bad_config(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert err.startswith("<3>unslump: ")
    assert err.count("\n") == 1


def test_cli_journal_fatal_error_in_a_terminal_has_no_prefix(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    assert main(["config", "--config", str(bad_config(tmp_path))]) == 2
    assert capsys.readouterr().err.startswith("unslump: ")
