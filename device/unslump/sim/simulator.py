"""The simulator: the real device on MockFactory pins, with the OLED in a window.

Keys stand in for the hardware: space is the button (held down = held), ``s`` toggles
the seat, ``q`` quits. The window is luma.emulator's pygame device in mode ``1``, scaled
up; where no window can open (no display server), the OLED is drawn in the terminal and
the same keys are read from the terminal. The choice is made before pygame is asked:
with no display server SDL would pick its ``offscreen`` driver and open a window that
nobody sees.

Everything here runs on the loop thread: SDL wants its window and its events on one
thread, so the simulator provides the loop's *wait* instead of a thread of its own.
"""

from __future__ import annotations

import logging
import os
import queue
import select
import shutil
import sys
import termios
import textwrap
import tty
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from gpiozero.pins.mock import MockFactory
from luma.core.device import dummy

from unslump.config.file import Config
from unslump.edges.clock import Clock
from unslump.edges.inputs.gpio import drive_mock_seat
from unslump.ports import QueueItem, Stop

log = logging.getLogger(__name__)

WINDOW_SCALE = 4
# SDL's event wait gives Python no chance to run signal handlers; waking this often
# keeps Ctrl-C and SIGTERM prompt. Only the simulator does this, never the device.
EVENT_SLICE_S = 0.25
# A terminal sends no key-up: a held key autorepeats instead. The button counts as
# released once no repeat has arrived for this long (longer than the usual repeat delay).
TERMINAL_RELEASE_S = 0.7


class SimulatedPins:
    """The mock pins the keys drive; the seat starts empty."""

    def __init__(self, config: Config, factory: MockFactory) -> None:
        self._config = config
        self._factory = factory
        self.seat_occupied = False

    def button(self, down: bool) -> None:
        pin = self._factory.pin(self._config.pins.button)
        (pin.drive_low if down else pin.drive_high)()

    def toggle_seat(self) -> None:
        self.seat_occupied = not self.seat_occupied
        drive_mock_seat(self._factory, self._config.pins, self.seat_occupied)
        log.info("seat %s", "occupied" if self.seat_occupied else "empty")


def _from_queue(events: queue.SimpleQueue[QueueItem]) -> QueueItem | None:
    try:
        return events.get_nowait()
    except queue.Empty:
        return None


class WindowFrontEnd:
    """The OLED in a pygame window; keys from the window's events."""

    def __init__(self, config: Config, pins: SimulatedPins, clock: Clock,
                 events: queue.SimpleQueue[QueueItem]) -> None:
        from luma.emulator.device import pygame as emulator

        self.device = emulator(width=config.display.width, height=config.display.height,
                               mode="1", transform="identity", scale=WINDOW_SCALE)
        import pygame

        self._pygame = pygame
        pygame.display.set_caption("Unslump simulator: space = button, s = seat, q = quit")
        self._pins, self._clock, self._events = pins, clock, events

    def wait(self, end: float | None) -> QueueItem | None:
        """The loop's wait: a queued event, a key turned into a pin edge, or ``end``."""
        pygame = self._pygame
        while True:
            if (item := _from_queue(self._events)) is not None:
                return item
            remaining = EVENT_SLICE_S if end is None else end - self._clock.monotonic()
            if remaining <= 0:
                return None
            event = pygame.event.wait(max(1, int(min(remaining, EVENT_SLICE_S) * 1000)))
            if event.type == pygame.QUIT:
                return Stop("window closed")
            if event.type in (pygame.KEYDOWN, pygame.KEYUP):
                down = event.type == pygame.KEYDOWN
                if event.key == pygame.K_q and down:
                    return Stop("q pressed")
                if event.key == pygame.K_SPACE:
                    self._pins.button(down)
                elif event.key == pygame.K_s and down:
                    self._pins.toggle_seat()

    def close(self) -> None:
        self._pygame.quit()


KEYS_LINE = "space = button (hold = hold)   s = seat   q = quit"
# Braille cells are 2 pixels wide and 4 high; each dot's bit, by (column, row) in the cell.
_BRAILLE_BITS = ((0, 0, 0x01), (0, 1, 0x02), (0, 2, 0x04), (1, 0, 0x08), (1, 1, 0x10),
                 (1, 2, 0x20), (0, 3, 0x40), (1, 3, 0x80))


class TerminalPanel(dummy):  # type: ignore[misc]  # luma ships no types
    """A luma device that draws each frame in the terminal, as large as the terminal allows.

    Half blocks (one column and two pixel rows a character: 128x32 for the panel) when the
    terminal is big enough, else braille (2x4 pixels a character: 64x16, which fits the
    classic 80x24); smaller than that, it says the size it needs instead of a torn picture.
    """

    def __init__(self, out: TextIO | None, size: Any = shutil.get_terminal_size, **kwargs: Any
                 ) -> None:
        super().__init__(mode="1", **kwargs)
        self._out: TextIO | None = out
        self._size = size
        self.status = ""  # the newest log line, shown under the keys
        self._drawn = False  # no frame yet: a log line waits for the first one

    def show_status(self, line: str) -> None:
        """Show ``line`` under the keys: now, or with the first frame if none is drawn yet
        (the voice cache, a closed power-cut row or a sound-card warning are logged before
        the device draws anything)."""
        self.status = line
        if self._drawn:
            self.display(self.image)

    def display(self, image: Any) -> None:
        super().display(image)
        self._drawn = True
        if self._out is None:
            return
        columns, lines = self._size()
        width, height = self.image.size
        if columns >= width and lines >= height // 2 + 2:
            picture = panel_as_text(self.image)
        elif columns >= width // 2 and lines >= height // 4 + 2:
            picture = panel_as_braille(self.image)
        else:
            picture = (f"the terminal is {columns}x{lines}; the simulator needs at least "
                       f"{width // 2}x{height // 4 + 2}\x1b[K")
        room = lines - picture.count("\n") - 2  # under the picture and the keys line
        self._out.write("\x1b[H" + picture + "\x1b[J\r\n" + KEYS_LINE + "\x1b[K\r\n"
                        + "\x1b[K\r\n".join(status_lines(self.status, columns, room))
                        + "\x1b[K")
        self._out.flush()


    def detach(self) -> None:
        """Draw no more: the terminal is given back. luma's exit hook still blanks the
        panel at interpreter exit, which would otherwise repaint over the shell."""
        self._out = None


class StatusLine(logging.Handler):
    """Log lines go under the panel while it is drawn in the terminal: on stderr they
    would scroll the picture away."""

    def __init__(self, panel: TerminalPanel) -> None:
        super().__init__()
        self._panel = panel
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self._panel.show_status(self.format(record))


STATUS_LINES = 3
"""Lines a log message may take under the keys: a warning's fix comes at its end, so the
message is wrapped to the terminal, not cut at its width."""


def status_lines(message: str, columns: int, room: int = STATUS_LINES) -> list[str]:
    """``message`` wrapped at spaces to ``columns``, in at most :data:`STATUS_LINES` lines
    and the ``room`` the terminal has left (a longer one ends with "..." where it was
    cut)."""
    most = max(1, min(STATUS_LINES, room))
    lines = textwrap.wrap(message, max(10, columns), break_on_hyphens=False) or [""]
    if len(lines) > most:
        last = lines[most - 1]
        lines = [*lines[:most - 1], last[:max(0, columns - 3)] + "..."]
    return lines


def panel_as_text(image: Any) -> str:
    """Two pixel rows per text line: upper half, lower half, both, or neither lit."""
    glyphs = {(False, False): " ", (True, False): "\u2580", (False, True): "\u2584",
              (True, True): "\u2588"}
    pixels = image.convert("1").load()
    width, height = image.size
    lines = []
    for y in range(0, height, 2):
        row = (glyphs[(bool(pixels[x, y]), bool(pixels[x, y + 1]))] for x in range(width))
        lines.append("".join(row))
    return "\r\n".join(lines)


def panel_as_braille(image: Any) -> str:
    """Eight pixels per character, as braille dots: every pixel kept at a quarter the width."""
    pixels = image.convert("1").load()
    width, height = image.size
    lines = []
    for y in range(0, height, 4):
        cells = []
        for x in range(0, width, 2):
            bits = sum(bit for dx, dy, bit in _BRAILLE_BITS
                       if x + dx < width and y + dy < height and pixels[x + dx, y + dy])
            cells.append(chr(0x2800 + bits))
        lines.append("".join(cells))
    return "\r\n".join(lines)


class TerminalFrontEnd:
    """The OLED as text in the terminal; keys read from the terminal in cbreak mode.

    With no terminal on stdin (``</dev/null``, a pipe, stdin closed, a CI job) no key can
    reach the device: it runs headless instead, as a service would (MQTT commands, SIGTERM
    to stop), drawing nothing and leaving the log lines on stderr, where they are kept.
    """

    def __init__(self, config: Config, pins: SimulatedPins, clock: Clock,
                 events: queue.SimpleQueue[QueueItem], stdin: TextIO | None = sys.stdin,
                 stdout: TextIO = sys.stdout) -> None:
        self._keys = stdin is not None and stdin.isatty()
        self.device = TerminalPanel(stdout if self._keys else None,
                                    width=config.display.width, height=config.display.height)
        root = logging.getLogger()
        self._handlers = root.handlers[:]
        self._pins, self._clock, self._events = pins, clock, events
        self._stdin = stdin
        self._released_at: float | None = None  # when the held button counts as released
        self._stdout: TextIO | None = stdout
        self._saved: list[Any] | None = None
        if stdin is None or not self._keys:
            log.warning("simulator: no window and no terminal for the keys (stdin is not "
                        "one): running headless, stop it with Ctrl-C or SIGTERM; `unslump "
                        "scenario FILE` plays a scripted session headless")
            return
        root.handlers[:] = [StatusLine(self.device)]
        self._saved = termios.tcgetattr(stdin)
        tty.setcbreak(stdin.fileno())
        stdout.write("\x1b[?25l\x1b[2J")  # no cursor blinking over the panel

    def wait(self, end: float | None) -> QueueItem | None:
        """The loop's wait: a queued event, a key turned into a pin edge, or ``end``."""
        while True:
            if (item := _from_queue(self._events)) is not None:
                return item
            now = self._clock.monotonic()
            if self._released_at is not None and now >= self._released_at:
                self._released_at = None
                self._pins.button(False)
                continue
            if end is not None and now >= end:
                return None
            limits = [EVENT_SLICE_S]
            limits += [] if end is None else [end - now]
            limits += [] if self._released_at is None else [self._released_at - now]
            streams = [self._stdin] if self._keys and self._stdin is not None else []
            if select.select(streams, [], [], max(0.0, min(limits)))[0]:
                key = os.read(streams[0].fileno(), 1).decode(errors="ignore")
                if key == "q":
                    return Stop("q pressed")
                self._on_key(key)

    def _on_key(self, key: str) -> None:
        if key == " ":
            if self._released_at is None:
                self._pins.button(True)
            self._released_at = self._clock.monotonic() + TERMINAL_RELEASE_S
        elif key == "s":
            self._pins.toggle_seat()

    def close(self) -> None:
        """Give the terminal back as it was: its modes, the cursor, a clean line. Idempotent;
        the ExitStack runs it on every way out (q, a signal, an error)."""
        if self._stdout is None:
            return
        self.device.detach()
        if self._keys:
            logging.getLogger().handlers[:] = self._handlers
            if self._saved is not None and self._stdin is not None:
                termios.tcsetattr(self._stdin, termios.TCSADRAIN, self._saved)
                self._saved = None
            self._stdout.write("\x1b[?25h\x1b[2J\x1b[H")
            self._stdout.flush()
        self._stdout = None


FrontEnd = WindowFrontEnd | TerminalFrontEnd

_NO_WINDOW_DRIVERS = frozenset({"dummy", "offscreen"})


def window_possible(env: Mapping[str, str] = os.environ) -> bool:
    """True when a window can really be seen: a display server, and SDL not told otherwise."""
    if env.get("SDL_VIDEODRIVER", "").lower() in _NO_WINDOW_DRIVERS:
        return False
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def open_front_end(config: Config, pins: SimulatedPins, clock: Clock,
                   events: queue.SimpleQueue[QueueItem]) -> FrontEnd:
    """A window where one can be seen, else the terminal."""
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # no banner on our stderr
    if window_possible():
        try:
            return WindowFrontEnd(config, pins, clock, events)
        except Exception as exc:  # pygame.error, or luma's RuntimeError without pygame
            log.info("no window for the simulator (%s); drawing the OLED in the terminal",
                     exc)
    return TerminalFrontEnd(config, pins, clock, events)


@dataclass
class Simulator:
    """The front end (window or terminal) and the mock pins its keys drive: what
    ``unslump run --simulate`` hands the service to run on (see
    :class:`unslump.app.assembly.StandIn`)."""

    front_end: FrontEnd
    pin_factory: MockFactory

    @property
    def device(self) -> Any:
        """The panel the frames are drawn on."""
        return self.front_end.device

    def wait(self, end: float | None) -> QueueItem | None:
        return self.front_end.wait(end)

    def close(self) -> None:
        self.front_end.close()


def open_simulator(config: Config, clock: Clock,
                   events: queue.SimpleQueue[QueueItem]) -> Simulator:
    """The simulator on fresh mock pins, in a window or the terminal."""
    factory = MockFactory()
    return Simulator(open_front_end(config, SimulatedPins(config, factory), clock, events),
                     factory)
