"""The first cue of a stretch started by a press, played at once by ``aplay``.

With no player process running, a press that starts the stretch would wait for one: the
player imports pygame and opens the mixer, half a second to a second here and seconds on
a Pi Zero, and the first cue comes that late. ``aplay`` (alsa-utils, which the install
puts on the device) starts in milliseconds. So the sounds a press can start with (the
stretch's and the standing break's first cue, the safety notice) are kept as WAV files
beside the player's sound cache, written at each start by a short-lived child (the
player's ``--write-cues``, so the synthesiser never loads into the service), and a sound
asked for while no player runs is handed to ``aplay -q FILE`` when its file is there.
The player, started for the sounds that follow, opens the device only once the cue has
ended: a sound card without a software mixer (``plughw``, ALSA's default for an I2S
amplifier) serves one program at a time.

Any trouble (no ``aplay``, no file, a device ``aplay`` cannot open) only means the cue
goes to the player as before: logged once, never raised.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from unslump.core.effects import Play
from unslump.core.tones import Tone

CUE_RATE = 22050
"""The cue files' samples per second (mono, signed 16-bit): the synthesiser's own rate."""

WAV_HEADER = 44
"""Bytes before the samples in a PCM WAV file as Python's ``wave`` writes it."""

CUE_MARGIN_S = 0.3
"""The player opens the device this long after the cue's own end: ``aplay``'s start and
its drain (it closes the device once the last sample has played)."""


def cue_path(directory: Path, tone: Tone, volume: float) -> Path:
    """The WAV file of ``tone`` at ``volume`` in ``directory`` (a new volume, a new file)."""
    return directory / f"cue-{tone.value}-{volume:g}.wav"


class Process(Protocol):
    """What is kept of a started program (``subprocess.Popen`` is one)."""

    def poll(self) -> int | None: ...

    def wait(self, timeout: float | None = None) -> int: ...

    def kill(self) -> None: ...


Spawner = Callable[[Sequence[str]], Process]
"""Starts a program from its argv, its output discarded; raises OSError when it cannot."""


def spawner(env: dict[str, str] | None = None) -> Spawner:
    """The real spawner: no pipes (nothing to read), the service's environment or ``env``."""
    def spawn(argv: Sequence[str]) -> Process:
        return subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env, close_fds=True)
    return spawn


@dataclass(frozen=True, slots=True)
class Cueing:
    """A cue ``aplay`` is playing: ``play`` asked for, its samples over by ``ends``."""

    process: Process
    play: Play
    ends: float


class FirstCues:
    """The cue files of ``tones`` at ``volume`` in ``directory``, and ``aplay`` to play them.

    ``write_command`` is the argv that (re)writes the files (the player's
    ``--write-cues``); :meth:`write` starts it. ``aplay`` is the program's path (None: not
    installed, every cue goes to the player).
    """

    def __init__(self, directory: Path, volume: float, tones: Collection[Tone],
                 write_command: Sequence[str], logger: logging.Logger | None = None, *,
                 spawn: Spawner | None = None, aplay: str | None = None) -> None:
        self.directory = directory
        self._volume = volume
        self.tones = tuple(tones)
        self._write_command = list(write_command)
        self._log = logger or logging.getLogger(__name__)
        self._spawn = spawn or spawner()
        self._aplay = aplay
        self._writer: Process | None = None
        self._off = False  # aplay failed once: the player plays every cue from then on

    @classmethod
    def found(cls, directory: Path, volume: float, tones: Collection[Tone],
              write_command: Sequence[str], logger: logging.Logger | None = None,
              env: dict[str, str] | None = None) -> FirstCues:
        """With ``aplay`` looked up on the ``PATH`` (its absence said once) and the real
        spawner."""
        aplay = shutil.which("aplay")
        if aplay is None and tones:
            (logger or logging.getLogger(__name__)).warning(
                "audio: no aplay (alsa-utils): a stretch started by a press waits for the "
                "player to start; install it with: sudo apt install alsa-utils")
        return cls(directory, volume, tones, write_command, logger, spawn=spawner(env),
                   aplay=aplay)

    def write(self) -> None:
        """Start writing the cue files (a child; rewrites only what changed)."""
        if self._aplay is None or self._writer is not None or not self.tones:
            return
        try:
            self._writer = self._spawn(self._write_command)
        except OSError as exc:
            self._log.warning("audio: cannot write the first cues (%s); a stretch started "
                              "by a press waits for the player", exc)

    @property
    def busy(self) -> bool:
        """True while the writer runs (it is reaped by :meth:`reap`)."""
        return self._writer is not None

    def reap(self) -> None:
        """Forget the writer once it has ended (saying so if it failed)."""
        status = None if self._writer is None else self._writer.poll()
        if status is None:
            return
        self._writer = None
        if status != 0:
            self._log.warning("audio: the first cues could not be written to %s (status %d); "
                              "a stretch started by a press waits for the player. Check "
                              "that the directory is writable", self.directory, status)

    def start(self, play: Play, now: float) -> Cueing | None:
        """``play`` started by ``aplay`` at ``now``, or None: the player must play it."""
        if self._off or self._aplay is None or play.cut or play.tone not in self.tones:
            return None
        path = cue_path(self.directory, play.tone, self._volume)
        try:
            size = path.stat().st_size
        except OSError:
            return None  # not written yet (the first start): the player plays it
        try:
            process = self._spawn([self._aplay, "-q", str(path)])
        except OSError as exc:
            self.failed(f"cannot start aplay ({exc})")
            return None
        return Cueing(process, play, now + max(0, size - WAV_HEADER) / (2 * CUE_RATE))

    def failed(self, why: str) -> None:
        """Stop using ``aplay`` (the player plays every cue), saying so once."""
        if not self._off:
            self._off = True
            self._log.warning("audio: %s; the player plays the first cue from now on "
                              "(check: aplay -l)", why)

    def close(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None and writer.poll() is None:
            writer.kill()
            writer.wait()
