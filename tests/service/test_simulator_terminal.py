"""The terminal simulator as a newcomer meets it: ``unslump run --simulate`` with no
display server, driven through a real terminal (tmux), and the panel drawn to fit."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from tests.support.paths import REPO
from unslump.core.records import BoutRecord, EndedBy
from unslump.edges.clock import SystemClock
from unslump.edges.store.sqlite import SqliteStore
from unslump.sim.simulator import TerminalPanel, panel_as_braille, window_possible

ROOT = REPO


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def screen(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def wait_for(check, seconds: float = 20.0):
    """Poll the terminal until ``check`` answers (the process sets the pace, not a sleep)."""
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        if answer := check():
            return answer
        time.sleep(0.005)
    raise AssertionError(f"the terminal never showed it in {seconds} s")


@contextmanager
def simulator(tmp_path: Path, config_text: str, size: tuple[int, int] = (132, 40),
              db: bool = True) -> Iterator[str]:
    """``unslump run --simulate`` in a tmux terminal of ``size``; yields the session."""
    if shutil.which("tmux") is None:
        raise RuntimeError("tmux is missing: scripts/ci-deps.sh installs it for make test")
    name = f"unslump-{uuid.uuid4().hex[:8]}"
    config = tmp_path / "config.toml"
    config.write_text(config_text)
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER", "TMUX",
                        "XDG_DATA_HOME", "STATE_DIRECTORY")}
    env["HOME"] = str(tmp_path)
    log = f"--db {tmp_path / 'log.db'}" if db else ""
    command = (f"cd {ROOT} && {sys.executable} -m unslump run --simulate --config {config} "
               f"{log}; echo EXIT=$?; sleep 60")
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", str(size[0]), "-y",
                    str(size[1]), command], check=True, env=env)
    try:
        yield name
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


@pytest.fixture
def session(tmp_path: Path):
    with simulator(tmp_path, "[seat]\nsit_confirm_s = 0\n[audio]\nbackend = \"none\"\n") as name:
        yield name


def test_simulator_terminal_starts_after_a_power_cut_with_voice_on(tmp_path: Path) -> None:
    """A first start that logs before its first frame (a row a power cut left open is
    closed, the voice cache is built, the sound card is missing) draws the panel, shows
    the log line under it, and quits cleanly; it once died on the first log line."""
    store = SqliteStore.open(tmp_path / "log.db", clock=SystemClock())
    start = datetime.now(UTC).astimezone() - timedelta(minutes=30)
    store.append(BoutRecord(start, start + timedelta(minutes=20), 1200.0, key="cut",
                            ended_by=None))
    store.close()
    config = "[audio]\nbackend = \"pygame\"\nvoice = true\n"
    with simulator(tmp_path, config, size=(80, 24)) as name:
        first = wait_for(lambda: (text := screen(name)) and ("s = seat" in text
                                                              or "EXIT=" in text) and text,
                         seconds=60)
        assert "Traceback" not in first and "EXIT=" not in first, first
        assert any(0x2801 <= ord(c) <= 0x28ff for c in first), first  # braille at 80x24
        tmux("send-keys", "-t", name, "q")
        final = wait_for(lambda: (text := screen(name)) and "EXIT=" in text and text)
        assert "EXIT=0" in final, final
    reopened = SqliteStore.open(tmp_path / "log.db", clock=SystemClock())
    try:
        assert reopened.close_open(EndedBy.POWER_LOSS) == 0  # the start closed it
    finally:
        reopened.close()


def test_simulator_terminal_keeps_its_own_log_beside_the_users_data(tmp_path: Path) -> None:
    """With no --db the simulator writes simulator.db beside the default log, says so
    under the panel, and never creates or touches the device's unslump.db."""
    data = tmp_path / ".local" / "share" / "unslump"
    with simulator(tmp_path, "[audio]\nbackend = \"none\"\n", db=False) as name:
        shown = wait_for(lambda: (text := screen(name)) and "own log" in text and text)
        assert str(data / "simulator.db") in shown.replace("\n", "")
        tmux("send-keys", "-t", name, "q")
        assert "EXIT=0" in wait_for(lambda: (text := screen(name)) and "EXIT=" in text
                                    and text)
    assert (data / "simulator.db").exists()
    assert not (data / "unslump.db").exists()


class RecordingOut:
    """A terminal's output stream that keeps what was written."""

    def __init__(self) -> None:
        self.written = ""

    def write(self, text: str) -> None:
        self.written += text

    def flush(self) -> None:
        pass


def test_simulator_terminal_log_lines_wait_for_the_first_frame_and_wrap() -> None:
    """A log line before any frame is kept for the first one (not drawn on nothing), and a
    long one is wrapped to the terminal so its fix at the end is seen."""
    out = RecordingOut()
    panel = TerminalPanel(out, size=lambda: (80, 24), width=128, height=64)
    warning = ("WARNING unslump.edges.audio: no sound card answered (pygame.error: ALSA: "
               "Couldn't open audio device); the tones stay silent. Fix: plug in a speaker "
               "or set backend = \"none\" under [audio]")
    panel.show_status(warning)
    assert out.written == ""
    panel.display(Image.new("1", (128, 64), 0))
    assert 'set backend = "none" under [audio]' in out.written.replace("\x1b[K\r\n", " ")
    assert all(len(line) <= 80 for line in out.written.split("\x1b[K\r\n")[-3:])


def test_simulator_terminal_draws_answers_keys_and_quits_cleanly(session):
    first = wait_for(lambda: (text := screen(session)) and "s = seat" in text and text)
    assert "\u2588" in first or "\u2580" in first  # the panel, in half blocks
    tmux("send-keys", "-t", session, "s")
    seated = wait_for(lambda: (text := screen(session)) != first and "seat occupied" in text
                      and text)
    tmux("send-keys", "-t", session, " ")
    wait_for(lambda: screen(session) != seated)  # the stretch begins on the panel
    tmux("send-keys", "-t", session, "q")
    final = wait_for(lambda: (text := screen(session)) and "EXIT=" in text and text)
    assert "EXIT=0" in final
    assert "\u2588" not in final and "Traceback" not in final  # the screen given back
    # nothing repainted over the shell afterwards (luma's exit hook blanks the panel)
    assert "s = seat" not in final
    assert any(line.startswith("EXIT=0") for line in final.splitlines())


def test_simulator_terminal_fits_a_small_terminal_in_braille():
    image = Image.new("1", (128, 64), 0)
    image.putpixel((0, 0), 1)
    image.putpixel((127, 63), 1)
    text = panel_as_braille(image)
    lines = text.split("\r\n")
    assert len(lines) == 16 and {len(line) for line in lines} == {64}
    assert lines[0][0] == "\u2801" and lines[-1][-1] == "\u2880"


def test_simulator_terminal_says_the_size_it_needs(capsys):
    out = RecordingOut()
    panel = TerminalPanel(out, size=lambda: (40, 10), width=128, height=64)
    panel.display(Image.new("1", (128, 64), 0))
    assert "the terminal is 40x10; the simulator needs at least 64x18" in out.written


def test_simulator_window_only_with_a_display_server():
    assert not window_possible({})
    assert window_possible({"DISPLAY": ":0"})
    assert window_possible({"WAYLAND_DISPLAY": "wayland-0"})
    assert not window_possible({"DISPLAY": ":0", "SDL_VIDEODRIVER": "offscreen"})


def test_simulator_terminal_panel_takes_the_configured_height(monkeypatch):
    """``[display] height = 32``: the simulator's panel is 128x32 (16 half-block lines) and
    shows the device's compact screens, drawn by the renderer the config chooses."""
    import io
    import queue

    from gpiozero.pins.mock import MockFactory

    from unslump.config.file import Config, DisplayConfig
    from unslump.core.views import IdleView
    from unslump.edges.clock import FakeClock
    from unslump.render import Renderer, panel_canvas
    from unslump.sim.simulator import SimulatedPins, TerminalFrontEnd

    monkeypatch.setenv("COLUMNS", "132")  # what shutil.get_terminal_size reads first
    monkeypatch.setenv("LINES", "40")
    config = Config(display=DisplayConfig(height=32))
    out = io.StringIO()
    leader, follower = os.openpty()  # the keys come from a terminal, as they must
    with os.fdopen(follower) as keys:
        front = TerminalFrontEnd(config, SimulatedPins(config, MockFactory()), FakeClock(),
                                 queue.SimpleQueue(), stdin=keys, stdout=out)
        try:
            assert front.device.size == (128, 32)
            front.device.display(Renderer(canvas=panel_canvas(config))(IdleView(True, 23,
                                                                                45)))
        finally:
            front.close()
    os.close(leader)
    picture = out.getvalue().split("\x1b[H", 1)[1].split("\x1b[J", 1)[0]
    lines = picture.split("\r\n")
    assert len(lines) == 16 and {len(line) for line in lines} == {128}
    assert "\u2588" in picture or "\u2580" in picture


def test_simulator_terminal_takes_a_log_line_before_the_first_frame(monkeypatch):
    """A start after a power cut logs "closed 2 rows left open" before anything is drawn:
    the line waits under the keys for the first frame instead of ending the simulator."""
    import io
    import logging

    from unslump.sim.simulator import StatusLine

    panel = TerminalPanel(io.StringIO(), size=lambda: (132, 40))
    StatusLine(panel).emit(logging.makeLogRecord({"msg": "closed 2 rows", "levelname": "INFO",
                                                  "name": "unslump.app"}))
    assert panel.status == "INFO unslump.app: closed 2 rows"


@pytest.mark.parametrize("stdin", ["devnull", "closed"])
def test_simulator_terminal_without_a_terminal_runs_headless(tmp_path, stdin):
    """``run --simulate </dev/null`` (or with stdin closed) and no display server: no key
    could reach the device, so it runs headless, as the service would: one line says so
    and how to stop it, nothing is drawn into the pipe, the log lines stay on stderr, and
    SIGTERM stops it cleanly with its rows closed. With stdin closed it ended in an
    AttributeError before anything ran."""
    import select
    import signal

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    db = tmp_path / "sim.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "unslump", "run", "--simulate", "--db", str(db)],
        stdin=subprocess.DEVNULL if stdin == "devnull" else None, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env={**env, "SDL_AUDIODRIVER": "dummy"}, cwd=tmp_path,
        preexec_fn=(lambda: os.close(0)) if stdin == "closed" else None)
    assert process.stderr is not None and process.stdout is not None
    said = b""
    give_up = time.monotonic() + 30
    try:
        while b"unslump running" not in said and time.monotonic() < give_up:
            if select.select([process.stderr], [], [], 0.1)[0]:
                chunk = os.read(process.stderr.fileno(), 65536)
                if not chunk:
                    break
                said += chunk
        assert b"unslump running" in said, said.decode(errors="replace")
        process.send_signal(signal.SIGTERM)
        out, rest = process.communicate(timeout=30)
    finally:
        process.kill()
        process.wait()
    err = (said + rest).decode(errors="replace")
    assert process.returncode == 0, err
    assert "Traceback" not in err and "running headless" in err and "SIGTERM" in err, err
    assert out == b""  # no frames, no escape codes in the pipe
    with sqlite3.connect(db) as connection:
        events = [row[0] for row in connection.execute(
            "SELECT what FROM device_events ORDER BY rowid")]
    assert events == ["start", "stop"]
