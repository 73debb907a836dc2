"""The terminal simulator as a newcomer meets it: ``unslump run --simulate`` with no
display server, driven through a real terminal (tmux), and the panel drawn to fit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from PIL import Image

from tests.support.paths import REPO
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


@pytest.fixture
def session(tmp_path: Path):
    if shutil.which("tmux") is None:
        raise RuntimeError("tmux is missing: scripts/ci-deps.sh installs it for make test")
    name = f"unslump-{uuid.uuid4().hex[:8]}"
    config = tmp_path / "config.toml"
    config.write_text("[seat]\nsit_confirm_s = 0\n[audio]\nbackend = \"none\"\n")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER", "TMUX")}
    command = (f"cd {ROOT} && {sys.executable} -m unslump run --simulate --config {config} "
               f"--db {tmp_path / 'log.db'}; echo EXIT=$?; sleep 60")
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "132", "-y", "40",
                    command], check=True, env=env)
    try:
        yield name
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


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
    class Out:
        written = ""

        def write(self, text: str) -> None:
            self.written += text

        def flush(self) -> None:
            pass

    out = Out()
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
    front = TerminalFrontEnd(config, SimulatedPins(config, MockFactory()), FakeClock(),
                             queue.SimpleQueue(), stdin=io.StringIO(), stdout=out)
    try:
        assert front.device.size == (128, 32)
        front.device.display(Renderer(canvas=panel_canvas(config))(IdleView(True, 23, 45)))
    finally:
        front.close()
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
