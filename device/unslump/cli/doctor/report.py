"""What every doctor check shares: the result it returns, the probe it looks through.

Each check is a small function returning a :class:`CheckResult`. What they look at
(``/dev``, the environment, commands, the display and pin openers) comes in a
:class:`Probe`, so tests point them at a temporary directory and fakes. The checks live
in :mod:`.command` (the report's own order), :mod:`.setup_checks`, :mod:`.live` and
:mod:`.broker`; this module imports none of them, so they form no circle.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from gpiozero import GPIOZeroError

from unslump.config.file import DisplayConfig

SERVICE = "unslump"


I2C_GROUP_FIX = ("sudo usermod -aG i2c $USER, then log out and back in (the service's own "
                 "user is in the group already)")


ACTIVE = f"{SERVICE} is active"


COMMAND_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: what was looked at, and the fix when it failed."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    mark: str = ""  # "SKIP" (not tested) or "WARN" (works, but will bite): in place of ok

    def line(self) -> str:
        """``ok    name: detail``, or ``FAIL``/``WARN`` with ``. Fix: fix``, or ``SKIP``."""
        text = f"{self.mark or ('ok' if self.ok else 'FAIL'):<5} {self.name}: {self.detail}"
        shows_fix = not self.ok or self.mark == "WARN"
        return f"{text}. Fix: {self.fix}" if shows_fix and self.fix else text


class CommandOutput(NamedTuple):
    """What a command the doctor ran (systemctl, ...) answered."""

    returncode: int
    stdout: str
    stderr: str


RunCommand = Callable[[Sequence[str]], CommandOutput]


def run_command(argv: Sequence[str]) -> CommandOutput:
    """Run ``argv`` and capture its output; raises OSError when the program is missing."""
    done = subprocess.run(list(argv), capture_output=True, text=True, check=False,
                          timeout=COMMAND_TIMEOUT_S)
    return CommandOutput(done.returncode, done.stdout.strip(), done.stderr.strip())


def claim_errors() -> tuple[type[BaseException], ...]:
    """What opening the pins may raise (buzzer.pin_errors), even when lgpio cannot load.

    lgpio opens a notification pipe in the working directory (or ``$LG_WD``) as it is
    imported, so from a directory the user cannot write, importing it raises an OSError;
    that must end up on the gpio line, not as a traceback.
    """
    from unslump.edges.audio.buzzer import pin_errors  # here: `unslump run` imports this module

    try:
        return pin_errors()
    except OSError:
        return (GPIOZeroError, OSError)


def factory_errors() -> tuple[type[BaseException], ...]:
    """What making and using the pin factory may raise: :func:`claim_errors`, and an
    ImportError when gpiozero's lgpio back-end is not installed. One tuple, so that an
    ``except`` clause can name it (a starred tuple display there is not typed)."""
    return (ImportError, *claim_errors())


def make_lgpio_factory() -> Any:
    """gpiozero's lgpio pin factory, the one the device uses on Raspberry Pi OS."""
    from gpiozero.pins.lgpio import LGPIOFactory

    return LGPIOFactory()


@contextmanager
def sdl_environment(env: Mapping[str, str]) -> Iterator[None]:
    """``SDL_AUDIODRIVER`` from ``env`` in the process environment, restored afterwards.

    SDL reads only the real environment; the signal-handler variable is set as the device
    sets it, so an open mixer cannot swallow Ctrl-C.
    """
    names = ("SDL_AUDIODRIVER", "SDL_NO_SIGNAL_HANDLERS", "PYGAME_HIDE_SUPPORT_PROMPT")
    saved = {name: os.environ.get(name) for name in names}
    os.environ["SDL_NO_SIGNAL_HANDLERS"] = "1"
    os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
    if env.get("SDL_AUDIODRIVER"):
        os.environ["SDL_AUDIODRIVER"] = env["SDL_AUDIODRIVER"]
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def c_stderr_discarded() -> Iterator[None]:
    """File descriptor 2 pointed at /dev/null for the duration.

    ALSA (through SDL) prints "ALSA lib ... cannot find card" straight to descriptor 2
    while it looks for a sound card; replacing ``sys.stderr`` does not reach C code, and
    the check's own line already says what failed.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def open_pygame_mixer(env: Mapping[str, str]) -> str:
    """Open and close pygame's mixer in this process; the format it granted, as text."""
    with sdl_environment(env):
        pygame = importlib.import_module("pygame")
        pygame.mixer.init()
        try:
            granted = pygame.mixer.get_init()
        finally:
            pygame.mixer.quit()
    if not granted:
        raise RuntimeError("the mixer opened but reported no format")
    frequency, size, channels = granted
    driver = env.get("SDL_AUDIODRIVER") or "SDL's default driver"
    return f"mixer opened ({driver}, {frequency} Hz, {abs(size)}-bit, {channels} ch)"


@dataclass(frozen=True)
class Probe:
    """Where the checks look, and how they open things; every field replaceable in tests.

    ``open_display`` None means :func:`unslump.edges.display.oled.open_luma_device`, looked
    up at call time.
    """

    dev_dir: Path = Path("/dev")
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    run_command: RunCommand = run_command
    open_display: Callable[[DisplayConfig], Any] | None = None
    make_pin_factory: Callable[[], Any] = make_lgpio_factory
    open_mixer: Callable[[Mapping[str, str]], str] = open_pygame_mixer
    proc_dir: Path = Path("/proc")
    boot_config: Path = Path("/boot/firmware/config.txt")
    state_root: Path = Path("/var/lib")  # where systemd puts a unit's StateDirectory
    access: Callable[[Path, int], bool] = os.access
    find_program: Callable[[str], str | None] = shutil.which
    unit_file: Path = Path("/etc/systemd/system/unslump.service")
